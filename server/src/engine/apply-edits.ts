import type { Finding, Fix, TextEdit } from '../core/finding';

export interface ApplyResult {
  text: string;
  applied: TextEdit[];
  skipped: TextEdit[];
}

function byPosition(a: TextEdit, b: TextEdit): number {
  return a.start - b.start || a.end - b.end;
}

function inBounds(edit: TextEdit, text: string): boolean {
  return Number.isInteger(edit.start) && Number.isInteger(edit.end)
    && 0 <= edit.start && edit.start <= edit.end && edit.end <= text.length;
}

/**
 * Applies the edits of one file (their `file` is not looked at). An edit that overlaps one already
 * accepted, in offset order, is skipped rather than risk garbling the text; edits that only touch
 * (one ends where the next starts, or several insertions at one offset) are all applied, in their
 * given order when they share a position.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): ApplyResult {
  const applied: TextEdit[] = [];
  const skipped: TextEdit[] = [];
  let acceptedEnd = 0;
  for (const edit of [...edits].sort(byPosition)) {
    if (!inBounds(edit, text) || edit.start < acceptedEnd) {
      skipped.push(edit);
    } else {
      applied.push(edit);
      acceptedEnd = edit.end;
    }
  }
  let out = '';
  let cursor = 0;
  for (const edit of applied) {
    out += text.slice(cursor, edit.start) + edit.newText;
    cursor = edit.end;
  }
  return { text: out + text.slice(cursor), applied, skipped };
}

/** The first index of a sorted list where `after` holds (it holds from there on); the length if nowhere. */
function firstIndex<T>(list: readonly T[], after: (item: T) => boolean): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (after(list[mid])) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * Edits of different fixes conflict when they overlap or merely touch: two rewrites of adjacent
 * code (or two insertions at one point) need not compose, and the next `--fix` pass will
 * reconsider whichever was left out.
 */
function conflicts(a: TextEdit, b: TextEdit): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * The new text of every file changed by applying, for each finding, its first fix when that fix
 * is `safe` (see `safeFixEdits`).
 */
export function applyFixes(
  findings: readonly Finding[],
  texts: ReadonlyMap<string, string>,
): Map<string, string> {
  const result = new Map<string, string>();
  for (const [file, edits] of safeFixEdits(findings, texts)) {
    const before = texts.get(file) as string;
    const after = applyEdits(before, edits).text;
    if (after !== before) result.set(file, after);
  }
  return result;
}

/**
 * The edits, per file in offset order, of applying for each finding its first fix when that fix is
 * `safe`; none of them overlaps another, and an edit that would change nothing is left out. A fix
 * is applied whole or not at all, across all the files it touches: it is left out when any of its
 * edits is out of bounds, overlaps another of its own edits, or conflicts with a fix already accepted
 * (findings are taken in file and offset order, so the result is stable).
 */
export function safeFixEdits(
  findings: readonly Finding[],
  texts: ReadonlyMap<string, string>,
): Map<string, TextEdit[]> {
  const accepted = new Map<string, TextEdit[]>();
  /**
   * The same edits per file, sorted by start: no two of different fixes conflict, so starts and ends
   * both ascend and a conflict is found by binary search, not by a scan (a generated file can have
   * tens of thousands of fixes).
   */
  const sorted = new Map<string, TextEdit[]>();
  const conflictsAccepted = (edit: TextEdit): boolean => {
    const list = sorted.get(edit.file) ?? [];
    const next = list[firstIndex(list, other => other.end >= edit.start)];
    return next !== undefined && conflicts(edit, next);
  };
  const ordered = [...findings].sort(
    (a, b) => (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0)
      || a.span.start - b.span.start || a.span.end - b.span.end,
  );
  const canApply = (fix: Fix): boolean => fix.edits.every((edit, i) => {
    const text = texts.get(edit.file);
    return text !== undefined && inBounds(edit, text) && !conflictsAccepted(edit)
      && !fix.edits.some((other, j) => j !== i && other.file === edit.file
        && edit.start < other.end && other.start < edit.end);
  });
  for (const finding of ordered) {
    const fix = finding.fixes[0];
    if (fix?.kind !== 'safe' || fix.edits.length === 0 || !canApply(fix)) continue;
    for (const edit of fix.edits) {
      const list = accepted.get(edit.file) ?? [];
      list.push(edit);
      accepted.set(edit.file, list);
      const order = sorted.get(edit.file) ?? [];
      order.splice(firstIndex(order, other => byPosition(other, edit) > 0), 0, edit);
      sorted.set(edit.file, order);
    }
  }
  const result = new Map<string, TextEdit[]>();
  for (const [file, edits] of accepted) {
    const text = texts.get(file) as string;
    const changes = applyEdits(text, edits).applied.filter(e => text.slice(e.start, e.end) !== e.newText);
    if (changes.length > 0) result.set(file, changes);
  }
  return result;
}

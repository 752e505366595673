/**
 * Ignore comments applied: findings filtered through them (ignore-comments.ts reads them), and the
 * names that suppress nothing reported (`unused-ignore`, as staticcheck does), as are the names of no
 * rule (`unknown-ignore-rule`).
 */
import { nearestNames } from '../core/nearest-names.js';
import type { Finding, Fix, Severity, SeverityOption } from '../core/finding.js';
import { UNKNOWN_IGNORE_RULE, UNUSED_IGNORE } from '../core/engine-diagnostics';
import { LineIndex } from '../core/positions';
import type { Suppression } from './ignore-comments';

/**
 * The rules that report ignore comments themselves. Only a file-level directive naming one hides its
 * reports: a name-less directive must not hide the report that it is itself unused, and a next-line
 * directive would aim at the line after the comment it is about.
 */
export const DIRECTIVE_RULES: ReadonlySet<string> = new Set([UNUSED_IGNORE, UNKNOWN_IGNORE_RULE]);

export interface SuppressionOptions {
  file: string;
  knownRules: ReadonlySet<string>;
  enabledRules: ReadonlySet<string>;
  /** The severity, configured or default, of each of `DIRECTIVE_RULES`. */
  severityOf: (rule: string) => SeverityOption;
}

/**
 * Drops the findings the directives suppress, and reports the directives themselves: an
 * `unknown-ignore-rule` finding for each name of no rule (whose fix, when one rule id is clearly
 * meant, corrects it: a typo is never deleted, or what it meant to silence would fail the build), and an
 * `unused-ignore` finding for each known name (or name-less directive) that suppressed nothing. Names
 * of known rules that are not enabled are not reported: configuration may have turned them off for now.
 */
export function applySuppressions(
  text: string,
  findings: Finding[],
  suppressions: Suppression[],
  options: SuppressionOptions,
): Finding[] {
  const lines = new LineIndex(text);
  const usedNames = suppressions.map((s) => s.rules.map(() => false));
  const usedDirectives = suppressions.map(() => false);

  const suppress = (rule: string, line: number): boolean => {
    const fileOnly = DIRECTIVE_RULES.has(rule);
    let suppressed = false;
    suppressions.forEach((s, i) => {
      if (s.kind === 'next-line' && (fileOnly || s.targetLine !== line)) return;
      if (s.rules.length === 0) {
        if (!fileOnly) suppressed = usedDirectives[i] = true;
        return;
      }
      s.rules.forEach((r, j) => {
        if (r.name === rule) suppressed = usedNames[i][j] = true;
      });
    });
    return suppressed;
  };

  const kept = findings.filter((f) => f.span.file !== options.file || !suppress(f.rule, lines.lineOf(f.span.start)));

  const known = (name: string): boolean => options.knownRules.has(name) || DIRECTIVE_RULES.has(name);
  const enabled = (rule: string): boolean =>
    DIRECTIVE_RULES.has(rule) ? options.severityOf(rule) !== 'off' : options.enabledRules.has(rule);
  const report = (rule: string, start: number, end: number, message: string, fixes: Fix[]): Finding => ({
    rule,
    severity: options.severityOf(rule) as Severity,
    span: { file: options.file, start, end },
    message,
    related: [],
    fixes,
  });
  const reports: Finding[] = [];

  // Unknown names first: whether a file-level `unknown-ignore-rule` name is used depends on them.
  const unknown = suppressions.flatMap((s) => s.rules.filter((r) => !known(r.name)).map((r) => ({ s, ...r })));
  if (enabled(UNKNOWN_IGNORE_RULE) && unknown.length > 0 && !suppress(UNKNOWN_IGNORE_RULE, 0)) {
    const candidates = [...options.knownRules, ...DIRECTIVE_RULES];
    for (const { s, name, start, end } of unknown) {
      const nearest = nearestNames(name, candidates);
      // Only a clear winner is safe to apply unasked; a tie is the user's to choose.
      const kind = nearest.length === 1 ? 'safe' : 'suggestion';
      const fixes = nearest.map((id): Fix => ({
        title: `Change to '${id}'`,
        kind,
        edits: [{ file: options.file, start, end, newText: id }],
      }));
      const hint = nearest.length > 0 ? `; did you mean ${alternatives(nearest)}?` : '';
      reports.push(report(UNKNOWN_IGNORE_RULE, start, end, `Unknown rule '${name}' in fearless-ignore-${s.kind}${hint}`, fixes));
    }
  }
  if (!enabled(UNUSED_IGNORE)) return [...kept, ...reports];

  const unused = (i: number, j: number): boolean => {
    const name = suppressions[i].rules[j].name;
    return !usedNames[i][j] && known(name) && enabled(name);
  };
  // Reports about other names come first: whether a file-level `unused-ignore` name is itself
  // unused depends on whether they exist.
  const hasOtherReports = suppressions.some(
    (s, i) =>
      (s.rules.length === 0 && !usedDirectives[i]) ||
      s.rules.some((r, j) => r.name !== UNUSED_IGNORE && unused(i, j)),
  );
  const othersSuppressed = hasOtherReports && suppress(UNUSED_IGNORE, 0);

  suppressions.forEach((s, i) => {
    const removeComment: Fix = {
      title: 'Remove the unused ignore comment',
      kind: 'safe',
      edits: [{ file: options.file, ...commentRemoval(text, lines, s), newText: '' }],
    };
    if (s.rules.length === 0) {
      if (!usedDirectives[i] && !othersSuppressed) {
        const where = s.kind === 'file' ? 'in this file' : 'here';
        reports.push(report(UNUSED_IGNORE, s.commentStart, s.commentEnd, `fearless-ignore-${s.kind} suppresses nothing ${where}`, [removeComment]));
      }
      return;
    }
    const unusedNames = s.rules.flatMap((_, j) => (unused(i, j) ? [j] : []));
    for (const j of unusedNames) {
      const { name, start, end } = s.rules[j];
      if (name !== UNUSED_IGNORE && othersSuppressed) continue;
      // The comment goes only when no name in it is left to keep: one in use, turned off, or unknown.
      const fix: Fix =
        unusedNames.length === s.rules.length
          ? removeComment
          : {
              title: `Remove '${name}' from the ignore comment`,
              kind: 'safe',
              edits: [{ file: options.file, ...nameRemoval(s, j), newText: '' }],
            };
      reports.push(report(UNUSED_IGNORE, start, end, unusedMessage(s, name), [fix]));
    }
  });
  return [...kept, ...reports];
}

function unusedMessage(s: Suppression, name: string): string {
  if (DIRECTIVE_RULES.has(name) && s.kind === 'next-line') {
    return `'${name}' can only be ignored for a whole file, with fearless-ignore-file`;
  }
  return `'${name}' is ignored ${s.kind === 'file' ? 'in this file' : 'here'} but reported nothing`;
}

/** `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`. */
function alternatives(names: readonly string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** Removes one name and the separator joining it to its neighbour. */
function nameRemoval(s: Suppression, j: number): { start: number; end: number } {
  const names = s.rules;
  return j < names.length - 1
    ? { start: names[j].start, end: names[j + 1].start }
    : { start: names[j - 1].end, end: names[j].end };
}

/**
 * Removes a comment: with its line(s) when it stands alone; otherwise with the whitespace that
 * joined it to the code beside it, so neither a trailing blank nor a double space is left.
 */
function commentRemoval(text: string, lines: LineIndex, s: Suppression): { start: number; end: number } {
  const firstLine = lines.lineOf(s.commentStart);
  const lastLine = lines.lineOf(s.commentEnd);
  const lineStart = lines.startOf(firstLine);
  const lineEnd = lines.contentEnd(lastLine);
  const before = text.slice(lineStart, s.commentStart);
  const after = text.slice(s.commentEnd, lineEnd);
  const blankBefore = /^\s*$/.test(before);
  const blankAfter = /^\s*$/.test(after);
  if (blankBefore && blankAfter) {
    if (lastLine + 1 < lines.lineCount) return { start: lineStart, end: lines.startOf(lastLine + 1) };
    if (firstLine > 0) return { start: lines.contentEnd(firstLine - 1), end: lineEnd };
    return { start: lineStart, end: lineEnd };
  }
  if (blankAfter) return { start: s.commentStart - (before.length - before.trimEnd().length), end: lineEnd };
  return { start: s.commentStart, end: s.commentEnd + (after.length - after.trimStart().length) };
}


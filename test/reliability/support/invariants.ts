/**
 * What must hold of every analysis, whatever the input: each range (finding, related location, fix
 * edit) lies inside the text of its file, on code point boundaries and never inside a `\r\n`; a fix's
 * edits do not overlap; at most one budget finding per file. Each check returns readable problems
 * (empty when all is well), so a property can print them.
 */
import type { Diagnostic, Range } from 'vscode-languageserver-protocol';
import { BUDGET_EXCEEDED } from '../../../server/src/core/engine-diagnostics';
import type { Finding } from '../../../server/src/core/finding';

/** Whether `offset` splits a surrogate pair or a CRLF: a position no editor can show. */
function splits(text: string, offset: number): boolean {
  if (offset <= 0 || offset >= text.length) return false;
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  return (before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff) || (before === 13 && after === 10);
}

function spanProblem(what: string, text: string | undefined, start: number, end: number): string | undefined {
  if (text === undefined) return `${what}: its file's text is unknown`;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end || end > text.length) {
    return `${what}: [${start}, ${end}) is outside the text (length ${text.length})`;
  }
  if (splits(text, start) || splits(text, end)) return `${what}: [${start}, ${end}) splits a surrogate pair or a CRLF`;
  return undefined;
}

/** Engine findings of one analysis; `textOf` gives the engine's text of any file they point into. */
export function findingProblems(findings: readonly Finding[], textOf: (file: string) => string | undefined): string[] {
  const problems: string[] = [];
  const budgets = new Map<string, number>();
  for (const f of findings) {
    const where = `${f.rule} at ${f.span.file}:${f.span.start}`;
    const own = spanProblem(where, textOf(f.span.file), f.span.start, f.span.end);
    if (own) problems.push(own);
    for (const r of f.related) {
      const p = spanProblem(`${where}, related '${r.message}'`, textOf(r.span.file), r.span.start, r.span.end);
      if (p) problems.push(p);
    }
    for (const fix of f.fixes) {
      fix.edits.forEach((e, i) => {
        const p = spanProblem(`${where}, fix '${fix.title}' edit ${i}`, textOf(e.file), e.start, e.end);
        if (p) problems.push(p);
        for (const other of fix.edits.slice(i + 1)) {
          if (other.file === e.file && e.start < other.end && other.start < e.end) problems.push(`${where}, fix '${fix.title}': edits overlap`);
        }
      });
    }
    if (f.rule === BUDGET_EXCEEDED) budgets.set(f.span.file, (budgets.get(f.span.file) ?? 0) + 1);
  }
  for (const [file, count] of budgets) if (count > 1) problems.push(`${file}: ${count} budget findings (one at most)`);
  return problems;
}

let lastLines: { text: string; lines: string[] } | undefined;

/** LSP lines of a text, as the protocol counts them (`\r\n`, `\n`, `\r`); the last text's are kept (50,000 diagnostics ask for one text). */
export function lspLines(text: string): string[] {
  if (lastLines?.text !== text) lastLines = { text, lines: text.split(/\r\n|\r|\n/) };
  return lastLines.lines;
}

export function rangeProblem(what: string, range: Range, text: string | undefined): string | undefined {
  if (text === undefined) return `${what}: its document's text is unknown`;
  const lines = lspLines(text);
  const inside = (p: Range['start']): boolean => Number.isInteger(p.line) && Number.isInteger(p.character) &&
    p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
  if (!inside(range.start) || !inside(range.end)) return `${what}: ${JSON.stringify(range)} is outside the document (${lines.length} lines)`;
  const after = range.end.line > range.start.line || (range.end.line === range.start.line && range.end.character >= range.start.character);
  if (!after) return `${what}: ${JSON.stringify(range)} ends before it starts`;
  return undefined;
}

/** Published diagnostics of one document; `textOf` gives the text of any URI they point into. */
export function diagnosticProblems(uri: string, diagnostics: readonly Diagnostic[], textOf: (uri: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const d of diagnostics) {
    const what = `${String(d.code)} '${JSON.stringify(d.message).slice(0, 60)}'`;
    const own = rangeProblem(what, d.range, textOf(uri));
    if (own) problems.push(own);
    for (const r of d.relatedInformation ?? []) {
      const p = rangeProblem(`${what}, related`, r.location.range, textOf(r.location.uri));
      if (p) problems.push(p);
    }
  }
  return problems;
}

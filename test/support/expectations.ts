/**
 * The `//~` fixture convention: `//~ rule-a rule-b` expects those findings on its own line,
 * `//~^ rule` on the line above (one `^` per line up). Checked both ways: every expected finding
 * is found, and no line has a finding it does not expect.
 */
import { LineIndex } from '../../server/src/analysis/positions';
import type { Finding } from '../../server/src/analysis/finding';

const ANNOTATION = /\/\/~(\^*)[ \t]+([\w-]+(?:[ \t]+[\w-]+)*)/g;

/** Expected rule ids per 0-based line. */
export function expectations(text: string): Map<number, string[]> {
  const index = new LineIndex(text);
  const out = new Map<number, string[]>();
  for (const m of text.matchAll(ANNOTATION)) {
    const line = index.positionAt(m.index!).line - m[1].length;
    const ids = m[2].split(/\s+/);
    out.set(line, [...(out.get(line) ?? []), ...ids]);
  }
  return out;
}

/** Removes the annotations, so a fixed text can be compared with the expected one. */
export function stripAnnotations(text: string): string {
  return text.replace(/[ \t]*\/\/~.*$/gm, '');
}

/** Human-readable differences between expected and actual findings of one file; empty when they agree. */
export function compareFindings(file: string, text: string, findings: readonly Finding[]): string[] {
  const index = new LineIndex(text);
  const actual = new Map<number, Finding[]>();
  for (const f of findings) {
    const line = index.positionAt(f.span.start).line;
    actual.set(line, [...(actual.get(line) ?? []), f]);
  }
  const expected = expectations(text);
  const problems: string[] = [];
  const lines = new Set([...actual.keys(), ...expected.keys()]);
  for (const line of [...lines].sort((a, b) => a - b)) {
    const want = [...(expected.get(line) ?? [])].sort();
    const got = (actual.get(line) ?? []).map(f => f.rule).sort();
    if (want.join(' ') === got.join(' ')) continue;
    const detail = (actual.get(line) ?? []).map(f => `\n      ${f.rule}: ${f.message}`).join('');
    problems.push(`${file}:${line + 1}: expected [${want.join(', ')}], found [${got.join(', ')}]${detail}`);
  }
  return problems;
}

/**
 * The `//~` fixture convention: `//~ rule-a rule-b` expects those findings on its own line,
 * `//~^ rule` on the line above (one `^` per line up). A rule id may carry a fragment of the message
 * expected, to the end of the line or to a `;`: `//~ double-lock: already held`,
 * `//~ rule-a: one fragment; rule-b: another`. Checked both ways: every expected finding is found
 * (with a message holding its fragment), and no line has a finding it does not expect.
 */
import { LineIndex } from '../../server/src/core/positions';
import type { Finding } from '../../server/src/core/finding';

const ANNOTATION = /\/\/~(\^*)[ \t]+(.*)$/gm;
/** One group of an annotation: rule ids, the last one with the fragment of its message after a colon. */
const GROUP = /^([\w-]+(?:[ \t]+[\w-]+)*)(?:[ \t]*:[ \t]*(.*?))?[ \t]*$/;

export interface Expected {
  rule: string;
  /** Text the finding's message must hold. */
  fragment?: string;
}

/** Expected findings per 0-based line. */
export function expectations(text: string): Map<number, Expected[]> {
  const index = new LineIndex(text);
  const out = new Map<number, Expected[]>();
  for (const m of text.matchAll(ANNOTATION)) {
    const line = index.positionAt(m.index!).line - m[1].length;
    const expected = m[2].split(';').flatMap(group => {
      const g = GROUP.exec(group.trim());
      if (!g) throw new Error(`line ${line + 1}: unreadable //~ annotation: ${m[0]}`);
      const ids = g[1].split(/\s+/);
      return ids.map((rule, i): Expected => (i === ids.length - 1 && g[2] ? { rule, fragment: g[2] } : { rule }));
    });
    out.set(line, [...(out.get(line) ?? []), ...expected]);
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
    const want = expected.get(line) ?? [];
    const got = actual.get(line) ?? [];
    if (matches(want, got)) continue;
    const detail = got.map(f => `\n      ${f.rule}: ${f.message}`).join('');
    const wanted = want.map(e => (e.fragment ? `${e.rule}: "${e.fragment}"` : e.rule)).sort();
    problems.push(`${file}:${line + 1}: expected [${wanted.join(', ')}], found [${got.map(f => f.rule).sort().join(', ')}]${detail}`);
  }
  return problems;
}

/** Whether each expectation takes a finding of its own (fragments first, being the pickier), none left over. */
function matches(want: readonly Expected[], got: readonly Finding[]): boolean {
  if (want.length !== got.length) return false;
  const left = [...got];
  const pickiest = [...want].sort((a, b) => (b.fragment?.length ?? 0) - (a.fragment?.length ?? 0));
  for (const e of pickiest) {
    const i = left.findIndex(f => f.rule === e.rule && (e.fragment === undefined || f.message.includes(e.fragment)));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

/**
 * `lintcheck/baseline.tsv`: every finding of the last accepted run, triaged by a person. A finding is
 * known by repository, file, line and rule (the commits are pinned, so lines do not move); its triage
 * says whether it is a true positive, a false one, or debatable, with a one-line reason.
 */
import fs from 'node:fs';

export type Triage = 'TP' | 'FP' | 'debatable' | '?';
const TRIAGES: readonly Triage[] = ['TP', 'FP', 'debatable', '?'];

export interface Finding {
  repo: string;
  file: string;
  line: number;
  rule: string;
  severity: string;
  message: string;
}

export interface BaselineEntry extends Finding {
  triage: Triage;
  reason: string;
}

const HEADER = '# repo\tfile\tline\trule\tseverity\ttriage\treason';

export const keyOf = (f: Finding): string => `${f.repo}\t${f.file}\t${f.line}\t${f.rule}`;

export function readBaseline(file: string): Map<string, BaselineEntry> {
  const entries = new Map<string, BaselineEntry>();
  if (!fs.existsSync(file)) return entries;
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const [repo, path, lineNo, rule, severity, triage, reason = ''] = line.split('\t');
    if (!repo || !path || !rule || !severity || !TRIAGES.includes(triage as Triage)) {
      throw new Error(`baseline.tsv: line ${i + 1} is not "${HEADER.slice(2)}" with a triage of ${TRIAGES.join(', ')}`);
    }
    const entry = { repo, file: path, line: Number(lineNo), rule, severity, message: '', triage: triage as Triage, reason };
    entries.set(keyOf(entry), entry);
  });
  return entries;
}

/** The baseline of `findings`: each keeps the triage it had; a finding seen for the first time gets `?`. */
export function writeBaseline(file: string, findings: readonly Finding[], old: ReadonlyMap<string, BaselineEntry>): void {
  const rows = findings.map(f => {
    const known = old.get(keyOf(f));
    return [f.repo, f.file, f.line, f.rule, f.severity, known?.triage ?? '?', known?.reason ?? f.message].join('\t');
  });
  fs.writeFileSync(file, `${HEADER}\n${rows.join('\n')}\n`);
}

export interface BaselineDiff {
  /** Findings the baseline does not have. */
  added: Finding[];
  /** Baseline entries no longer found. */
  removed: BaselineEntry[];
  /** Findings still there whose severity changed: [before, now]. */
  changed: [BaselineEntry, Finding][];
}

export function diffBaseline(findings: readonly Finding[], baseline: ReadonlyMap<string, BaselineEntry>, repos: ReadonlySet<string>): BaselineDiff {
  const seen = new Set<string>();
  const added: Finding[] = [];
  const changed: [BaselineEntry, Finding][] = [];
  for (const f of findings) {
    const key = keyOf(f);
    seen.add(key);
    const known = baseline.get(key);
    if (!known) added.push(f);
    else if (known.severity !== f.severity) changed.push([known, f]);
  }
  // A repository that was not run (missing, or filtered out) has lost nothing.
  const removed = [...baseline.values()].filter(e => repos.has(e.repo) && !seen.has(keyOf(e)));
  return { added, removed, changed };
}

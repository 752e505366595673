/**
 * `npm run lintcheck`: Fearless on public repositories nobody here wrote, as Clippy's lintcheck runs
 * Clippy on crates.io. For each repository pinned in `repos.tsv` it runs `fearless check --format json`
 * on a checkout, then prints per rule what was found (and how it was triaged), per repository the size,
 * time and peak memory, and the difference from `baseline.tsv`. Never downloads: see DEVELOPERS.md.
 *
 *   npm run lintcheck                      run, print, diff against the baseline (exit 1 on a difference)
 *   npm run lintcheck -- --update          also rewrite baseline.tsv (new findings get triage `?`)
 *   npm run lintcheck -- --repo piscina    only the repositories whose name contains this
 *   npm run lintcheck -- --cli <old dist/cli.js> --baseline <file>   another build, against another baseline
 *                                          (the "before" of a change: a worktree of the old commit, built)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { collectFiles } from '../server/src/engine/file-selection';
import type { JsonOutput } from '../server/src/cli/format-json';
import { diffBaseline, readBaseline, writeBaseline, type BaselineEntry, type Finding } from './baseline';
import { ensureCheckout, readRepos, type PinnedRepo } from './checkouts';

const ROOT = path.resolve(__dirname, '..');
const RUSAGE = path.join(ROOT, 'bench', 'rusage.cjs');
const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;
/** Test, fixture and benchmark code: the false-warning budget is counted on the rest. */
const TEST_PATH = /(^|\/)(tests?|__tests__|spec|specs|e2e|fixtures?|bench|benchmarks?)(\/|$)|\.(test|spec|bench)\.[cm]?[jt]sx?$/;

interface RepoRun {
  repo: string;
  files: number;
  lines: number;
  nonTestLines: number;
  skipped: number;
  seconds: number;
  peakMb: number;
  findings: Finding[];
}

function runRepo(pinned: PinnedRepo, dir: string, cli: string): RepoRun {
  const start = performance.now();
  const child = spawnSync(process.execPath,
    ['--require', RUSAGE, cli, 'check', ...pinned.paths, '--format', 'json', '--exit-zero'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  const seconds = (performance.now() - start) / 1000;
  if (child.status !== 0) {
    throw new Error(`${pinned.repo}: fearless check exited with ${child.status}\n${child.stderr.toString().slice(-2000)}`);
  }
  const usage = JSON.parse(child.output[3]!.toString()) as { maxRssKb: number };
  const report = JSON.parse(child.stdout.toString()) as JsonOutput & { skipped?: { file: string }[] };
  const skipped = new Set((report.skipped ?? []).map(s => path.resolve(dir, s.file)));
  const { files } = collectFiles(pinned.paths, dir, { selected: () => true });
  let lines = 0;
  let nonTestLines = 0;
  for (const file of files) {
    if (skipped.has(file)) continue;
    const count = fs.readFileSync(file, 'utf8').split('\n').length;
    lines += count;
    if (!TEST_PATH.test(path.relative(dir, file).split(path.sep).join('/'))) nonTestLines += count;
  }
  return {
    repo: pinned.repo, files: report.files, lines, nonTestLines, skipped: skipped.size, seconds, peakMb: usage.maxRssKb / 1024,
    findings: report.diagnostics.map(d => ({ repo: pinned.repo, file: d.file, line: d.line, rule: d.rule, severity: d.severity, message: d.message })),
  };
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map(r => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map(r => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(cells[0]!), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

const isTest = (f: Finding): boolean => TEST_PATH.test(f.file);
const fixed = (n: number, digits = 1): string => n.toFixed(digits);

function report(runs: RepoRun[], baseline: ReadonlyMap<string, BaselineEntry>): void {
  const findings = runs.flatMap(r => r.findings);
  const lines = runs.reduce((n, r) => n + r.lines, 0);
  const nonTestLines = runs.reduce((n, r) => n + r.nonTestLines, 0);
  const triageOf = (f: Finding) => baseline.get(`${f.repo}\t${f.file}\t${f.line}\t${f.rule}`)?.triage ?? '?';

  console.log(`\n## Per repository\n`);
  console.log(table(['repository', 'files', 'kLOC', 'non-test kLOC', 'generated skipped', 'findings', 'time s', 'peak MB'],
    runs.map(r => [r.repo, r.files, fixed(r.lines / 1000), fixed(r.nonTestLines / 1000), r.skipped, r.findings.length, fixed(r.seconds), Math.round(r.peakMb)])));

  const rules = [...new Set(findings.map(f => f.rule))].sort();
  console.log(`\n## Per rule (${fixed(lines / 1000)} kLOC, ${fixed(nonTestLines / 1000)} kLOC non-test)\n`);
  console.log(table(['rule', ...SEVERITIES, 'per 10 kLOC', 'TP', 'FP', 'debatable', 'untriaged'], rules.map(rule => {
    const of = findings.filter(f => f.rule === rule);
    const triaged = (t: string) => of.filter(f => triageOf(f) === t).length;
    return [rule, ...SEVERITIES.map(s => of.filter(f => f.severity === s).length), fixed(of.length / (lines / 10_000), 2),
      triaged('TP'), triaged('FP'), triaged('debatable'), triaged('?')];
  })));

  const falseErrors = findings.filter(f => f.severity === 'error' && triageOf(f) === 'FP').length;
  const falseWarnings = findings.filter(f => f.severity === 'warning' && triageOf(f) === 'FP' && !isTest(f)).length;
  const parseErrors = findings.filter(f => f.rule === 'parse-error').length;
  console.log(`\nfalse errors: ${falseErrors}; false warnings in non-test code: ${falseWarnings}` +
    ` (${fixed(falseWarnings / (nonTestLines / 20_000), 2)} per 20 kLOC); parse-error: ${parseErrors}`);
}

function printDiff(findings: readonly Finding[], baseline: ReadonlyMap<string, BaselineEntry>, repos: ReadonlySet<string>): boolean {
  const { added, removed, changed } = diffBaseline(findings, baseline, repos);
  console.log(`\n## Against the baseline: ${added.length} new, ${removed.length} gone, ${changed.length} changed severity\n`);
  for (const f of added) console.log(`+ ${f.repo} ${f.file}:${f.line} ${f.severity} ${f.rule}: ${f.message}`);
  for (const e of removed) console.log(`- ${e.repo} ${e.file}:${e.line} ${e.severity} ${e.rule} [${e.triage}] ${e.reason}`);
  for (const [before, now] of changed) console.log(`~ ${now.repo} ${now.file}:${now.line} ${now.rule}: ${before.severity} -> ${now.severity} [${before.triage}]`);
  return added.length + removed.length + changed.length > 0;
}

function main(): number {
  const options = new Command('lintcheck')
    .option('--update', 'rewrite baseline.tsv with this run (triage kept; new findings get "?")')
    .option('--repo <text>', 'only repositories whose owner/name contains this')
    .option('--mirrors <dir>', 'where bare git snapshots are', path.resolve(ROOT, '..', '.mirror'))
    .option('--checkouts <dir>', 'where checkouts are written (git-ignored)', path.join(__dirname, '.repos'))
    .option('--cli <file>', 'the fearless CLI to run', path.join(ROOT, 'dist', 'cli.js'))
    .option('--baseline <file>', 'the triaged findings to compare with', path.join(__dirname, 'baseline.tsv'))
    .parse().opts<{ update?: boolean; repo?: string; mirrors: string; checkouts: string; cli: string; baseline: string }>();
  const cli = path.resolve(options.cli);
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const pinned = readRepos(path.join(__dirname, 'repos.tsv')).filter(r => !options.repo || r.repo.includes(options.repo));
  const baselineFile = path.resolve(options.baseline);
  const baseline = readBaseline(baselineFile);

  const runs: RepoRun[] = [];
  const missing: PinnedRepo[] = [];
  for (const repo of pinned) {
    const dir = ensureCheckout(repo, options.checkouts, options.mirrors);
    if (!dir) {
      missing.push(repo);
      continue;
    }
    process.stderr.write(`lintcheck: ${repo.repo} (${repo.paths.join(' ')})\n`);
    runs.push(runRepo(repo, dir, cli));
  }
  if (missing.length > 0) {
    console.log(`\nMissing (no checkout, no snapshot in ${options.mirrors}; see DEVELOPERS.md):`);
    for (const m of missing) console.log(`  ${m.repo} @ ${m.commit}`);
  }
  report(runs, baseline);
  const findings = runs.flatMap(r => r.findings);
  const differs = printDiff(findings, baseline, new Set(runs.map(r => r.repo)));
  if (options.update) {
    // Repositories not run this time keep their entries.
    const ran = new Set(runs.map(r => r.repo));
    const kept = [...baseline.values()].filter(e => !ran.has(e.repo));
    writeBaseline(baselineFile, [...kept, ...findings].sort(compareFindings), baseline);
    console.log(`\nbaseline.tsv rewritten: ${kept.length + findings.length} findings in ${path.basename(baselineFile)}`);
    return 0;
  }
  return differs ? 1 : 0;
}

function compareFindings(a: Finding, b: Finding): number {
  return a.repo.localeCompare(b.repo) || a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule);
}

process.exitCode = main();

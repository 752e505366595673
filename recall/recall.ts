/**
 * `npm run recall`: how many real, publicly reported concurrency bugs Fearless finds. Each folder of
 * `recall/cases/` rebuilds one report as a small program whose `//~ rule` comments mark where a perfect
 * Fearless reports; this runs `fearless check --format json` on every case twice — with @types/node
 * installed ("typed") and with no node_modules or package.json above ("untyped") — and prints per case
 * FOUND (every expectation reported), PARTIAL (some) or MISSED (none), the findings on lines that expect
 * nothing, and recall per rule. It measures, it does not gate: the exit code is 0 unless the CLI crashes.
 *
 *   npm run recall                                 the built dist/cli.js
 *   npx tsx recall/recall.ts --cli <old dist/cli.js>   another build (the "before" of a change)
 *   npx tsx recall/recall.ts --case barrier        only the cases whose folder name contains this
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import type { JsonDiagnostic, JsonOutput } from '../server/src/cli/format-json';
import { expectations } from '../test/support/expectations';

const ROOT = path.resolve(__dirname, '..');
const CASES = path.join(__dirname, 'cases');
const SOURCE = /\.[cm]?[jt]sx?$/;
const MODES = ['typed', 'untyped'] as const;
type Mode = (typeof MODES)[number];
type Verdict = 'FOUND' | 'PARTIAL' | 'MISSED';

/** One `//~` expectation: a rule on a line (1-based) of a file (relative to the case folder, `/`-separated). */
interface Expected {
  file: string;
  line: number;
  rule: string;
}

interface CaseRun {
  found: Expected[];
  noise: JsonDiagnostic[];
}

interface CaseResult {
  slug: string;
  expected: Expected[];
  runs: Record<Mode, CaseRun>;
}

const key = (file: string, line: number): string => `${file}:${line}`;

function filesOf(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile() && SOURCE.test(entry.name))
    .map(entry => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

function expectedIn(caseDir: string): Expected[] {
  return filesOf(caseDir).flatMap(file => [...expectations(fs.readFileSync(path.join(caseDir, file), 'utf8'))]
    .flatMap(([line, expected]) => [...new Set(expected.map(e => e.rule))].map(rule => ({ file, line: line + 1, rule }))));
}

/** The corpus copied where @types/node resolves, as in a project that installed its dependencies. */
function typedCopy(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-recall-typed-')));
  fs.cpSync(CASES, path.join(dir, 'cases'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'recall-cases', private: true }, null, 2));
  return dir;
}

/** The corpus copied where nothing installed can be found: no node_modules or package.json in any folder above. */
function untypedCopy(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-recall-untyped-')));
  for (let d = dir; ; d = path.dirname(d)) {
    for (const name of ['node_modules', 'package.json']) {
      if (fs.existsSync(path.join(d, name))) throw new Error(`${path.join(d, name)} would give the untyped copy types`);
    }
    if (path.dirname(d) === d) break;
  }
  fs.cpSync(CASES, path.join(dir, 'cases'), { recursive: true });
  return dir;
}

function check(cli: string, caseDir: string): JsonOutput {
  const child = spawnSync(process.execPath, [cli, 'check', caseDir, '--format', 'json', '--include-generated', '--exit-zero'],
    { cwd: caseDir, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (child.status !== 0) {
    throw new Error(`fearless check ${caseDir} exited with ${child.status ?? child.signal}\n${child.stderr.slice(-2000)}`);
  }
  return JSON.parse(child.stdout) as JsonOutput;
}

function judge(expected: readonly Expected[], report: JsonOutput): CaseRun {
  const reported = new Set(report.diagnostics.map(d => `${key(d.file, d.line)} ${d.rule}`));
  const expectingLines = new Set(expected.map(e => key(e.file, e.line)));
  return {
    found: expected.filter(e => reported.has(`${key(e.file, e.line)} ${e.rule}`)),
    noise: report.diagnostics.filter(d => !expectingLines.has(key(d.file, d.line))),
  };
}

function verdict(result: CaseResult, mode: Mode): Verdict {
  const found = result.runs[mode].found.length;
  return found === result.expected.length ? 'FOUND' : found === 0 ? 'MISSED' : 'PARTIAL';
}

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const ratio = (n: number, of: number): string => `${n}/${of} (${of === 0 ? 0 : Math.round((100 * n) / of)}%)`;

function report(results: readonly CaseResult[], cli: string): void {
  console.log(`# Recall of ${cli} on ${results.length} reported bugs\n`);
  console.log(table(['case', 'rules expected', 'typed', 'untyped', 'noise typed / untyped'], results.map(r => [
    r.slug, [...new Set(r.expected.map(e => e.rule))].sort().join(', '), verdict(r, 'typed'), verdict(r, 'untyped'),
    `${r.runs.typed.noise.length} / ${r.runs.untyped.noise.length}`,
  ])));

  const foundCases = (mode: Mode) => results.filter(r => verdict(r, mode) === 'FOUND').length;
  console.log(`\nrecall (cases FOUND): typed ${ratio(foundCases('typed'), results.length)}, ` +
    `untyped ${ratio(foundCases('untyped'), results.length)}`);

  const all = results.flatMap(r => r.expected);
  const rules = [...new Set(all.map(e => e.rule))].sort();
  const foundOf = (rule: string, mode: Mode) => results.flatMap(r => r.runs[mode].found).filter(e => e.rule === rule).length;
  console.log('\n## Per rule (expectations found)\n');
  console.log(table(['rule', 'expected', 'typed', 'untyped'], rules.map(rule => {
    const total = all.filter(e => e.rule === rule).length;
    return [rule, total, ratio(foundOf(rule, 'typed'), total), ratio(foundOf(rule, 'untyped'), total)];
  })));

  console.log('\n## Not found, and noise\n');
  for (const r of results) {
    for (const mode of MODES) {
      const run = r.runs[mode];
      const found = new Set(run.found);
      for (const e of r.expected.filter(x => !found.has(x))) console.log(`- ${mode} ${r.slug}/${e.file}:${e.line} missed ${e.rule}`);
      for (const d of run.noise) console.log(`- ${mode} ${r.slug}/${d.file}:${d.line} noise ${d.rule}: ${d.message}`);
    }
  }
}

function main(): void {
  const options = new Command('recall')
    .option('--cli <file>', 'the fearless CLI to run', path.join(ROOT, 'dist', 'cli.js'))
    .option('--case <text>', 'only the cases whose folder name contains this')
    .parse().opts<{ cli: string; case?: string }>();
  const cli = path.resolve(options.cli);
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: build it first (npm run build)`);
  const slugs = fs.readdirSync(CASES).filter(s => fs.statSync(path.join(CASES, s)).isDirectory() && (!options.case || s.includes(options.case))).sort();

  const copies: Record<Mode, string> = { typed: typedCopy(), untyped: untypedCopy() };
  try {
    const results = slugs.map((slug): CaseResult => {
      const expected = expectedIn(path.join(CASES, slug));
      if (expected.length === 0) throw new Error(`recall/cases/${slug} expects nothing: mark its bug with //~ rule`);
      process.stderr.write(`recall: ${slug}\n`);
      const run = (mode: Mode) => judge(expected, check(cli, path.join(copies[mode], 'cases', slug)));
      return { slug, expected, runs: { typed: run('typed'), untyped: run('untyped') } };
    });
    report(results, cli);
  } finally {
    for (const dir of Object.values(copies)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();

/**
 * `npm run bench`: how long the analyzer takes and how much memory it needs, as numbers to read
 * (never asserted: machines are noisy). Cold CLI runs on the bundled examples, on one 50,000-line
 * file and on a 40-file project; then the editor's case, re-analysing one file of a warm project
 * after each edit, as the language server does.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeFile } from '../server/src/engine/analyze-file';
import { Workspace } from '../server/src/analysis/program/workspace';
import { DEFAULT_CONFIG } from '../server/src/config/config-file';
import { bigModule, writeProject } from './generate';
import { RULE_SET } from '../server/src/rules/registry';

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, 'bench', '.work');
const CLI = path.join(ROOT, 'dist', 'cli.js');

interface ColdRun { name: string; lines: number; wallMs: number; cpuMs: number; maxRssMb: number; findings: number }

function countLines(target: string): number {
  const stat = fs.statSync(target);
  if (stat.isFile()) return fs.readFileSync(target, 'utf8').split('\n').length;
  return fs.readdirSync(target, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile() && /\.[cm]?[jt]sx?$/.test(e.name) && !e.parentPath.includes('node_modules'))
    .reduce((n, e) => n + countLines(path.join(e.parentPath, e.name)), 0);
}

function coldRun(name: string, target: string): ColdRun {
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--require', path.join(__dirname, 'rusage.cjs'), CLI, 'check', target, '--format', 'json', '--exit-zero'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit', 'pipe'], maxBuffer: 1 << 30 });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`${name}: fearless check exited with ${child.status}`);
  const usage = JSON.parse(child.output[3]!.toString()) as { maxRssKb: number; cpuMs: number };
  const report = JSON.parse(child.stdout.toString()) as { diagnostics: unknown[] };
  return { name, lines: countLines(target), wallMs, cpuMs: usage.cpuMs, maxRssMb: usage.maxRssKb / 1024, findings: report.diagnostics.length };
}

/** Edits one line of a file of a warm project again and again; returns each re-analysis time. */
function editLatencies(file: string, edits: number): number[] {
  const workspace = new Workspace();
  workspace.add(file);
  const parsed = workspace.get(file)!;
  analyzeFile(parsed.sourceFile, parsed.program, RULE_SET, DEFAULT_CONFIG); // warm: the program and lib files are built
  const original = fs.readFileSync(file, 'utf8');
  const times: number[] = [];
  for (let i = 0; i < edits; i++) {
    const text = original.replace('let total = 0;', `let total = ${i + 1};`);
    const start = performance.now();
    workspace.setText(file, text);
    const again = workspace.get(file)!;
    analyzeFile(again.sourceFile, again.program, RULE_SET, DEFAULT_CONFIG);
    times.push(performance.now() - start);
  }
  return times;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function main(): void {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  fs.mkdirSync(WORK, { recursive: true });
  const bigFile = path.join(WORK, 'big-50k.ts');
  fs.writeFileSync(bigFile, bigModule(50_000));
  const project = path.join(WORK, 'project-40x1250');
  writeProject(project, 40, 1_250);

  const runs = [
    coldRun('examples/', path.join(ROOT, 'examples')),
    coldRun('one 50k-line file', bigFile),
    coldRun('40 files x 1,250 lines', project),
  ];
  console.log('Cold `fearless check` (one process each, wall time includes start-up):');
  console.table(runs.map(r => ({
    workload: r.name, lines: r.lines, 'wall ms': Math.round(r.wallMs), 'cpu ms': Math.round(r.cpuMs),
    'peak RSS MB': Math.round(r.maxRssMb), findings: r.findings,
  })));

  const editFile = path.join(project, 'src', 'module0.ts');
  const latencies = editLatencies(editFile, 20);
  const editBig = editLatencies(bigFile, 5);
  console.log('Re-analysis after an edit (warm workspace, in process):');
  console.table([
    { file: `1,250 lines (${path.relative(ROOT, editFile)})`, edits: latencies.length, 'median ms': Math.round(percentile(latencies, 0.5)), 'p95 ms': Math.round(percentile(latencies, 0.95)) },
    { file: '50,000 lines', edits: editBig.length, 'median ms': Math.round(percentile(editBig, 0.5)), 'p95 ms': Math.round(percentile(editBig, 0.95)) },
  ]);
  const results = { date: new Date().toISOString(), runs, editLatencyMs: { small: latencies, big: editBig } };
  fs.writeFileSync(path.join(WORK, 'results.json'), JSON.stringify(results, null, 2));
  console.log(`Raw numbers: ${path.relative(ROOT, path.join(WORK, 'results.json'))}`);
}

main();

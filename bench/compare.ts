/**
 * Fearless against TypeScript's own floor and against ESLint, in one run, on the same generated
 * corpora (N = 50, 200, 1000 files): whole processes, same warm-up, median and min–max of several
 * runs, peak RSS of each. Then the editor's case through the real language server: one-line edits
 * of a worker file, each timed from didChange to the publishDiagnostics that answers it, and the
 * time until a file that depends on an edited one is judged again. Then many package roots (issue 16,
 * bench/roots-corpus.ts): on `many-roots` the one-program floor and `fearless check .`, on
 * `repo-like` the floor, `fearless check .` and `fearless check test`. Then `--cache` on the corpus
 * of 1000 files: a first run, one file changed, the second run. Every process runs under a
 * timeout; one that dies (out of heap, timed out) is recorded with its exit code, once. Writes
 * bench/RESULTS.md (a section per part) and bench/.work/compare.json.
 *
 *   FEARLESS_BENCH_ONLY=roots   only the many-roots part (or =cache: only the cache part): rewrites its
 *                               section of RESULTS.md and its key of compare.json, keeps the rest
 *   FEARLESS_BENCH_CLI=<cli.js> the build `fearless check` runs from (default dist/cli.js)
 *   FEARLESS_BENCH_SIZES, FEARLESS_BENCH_RUNS, FEARLESS_BENCH_ROOTS_RUNS, FEARLESS_BENCH_CACHE_RUNS
 *                               corpora and runs per part
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { type PublishDiagnosticsParams, WorkDoneProgress } from 'vscode-languageserver-protocol';
import { Corpus, writeCorpus } from './corpus';
import { type RootsCorpus, writeManyRoots, writeRepoLike } from './roots-corpus';

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, 'bench', '.work');
const PEERS = path.join(ROOT, 'bench', 'peers');
const SIZES = (process.env.FEARLESS_BENCH_SIZES ?? '50,200,1000').split(',').map(Number);
const RUNS = Number(process.env.FEARLESS_BENCH_RUNS ?? 5);
const ROOTS_RUNS = Number(process.env.FEARLESS_BENCH_ROOTS_RUNS ?? 3);
const CACHE_RUNS = Number(process.env.FEARLESS_BENCH_CACHE_RUNS ?? 3);
const ONLY = process.env.FEARLESS_BENCH_ONLY;
const CLI = path.resolve(process.env.FEARLESS_BENCH_CLI ?? path.join(ROOT, 'dist', 'cli.js'));
const FLOOR = path.join(ROOT, 'bench', 'floor.cjs');
// Outside the repository: no node_modules/@types above the corpora (this repository's vscode, mocha…)
// enters the projects Fearless gives loose packages, as none would in the user's repository.
const ROOTS_WORK = path.join(os.tmpdir(), 'fearless-bench-roots');
const TIMEOUT_S = 300;
const EDITS = 30;
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md');
const COMPARE_JSON = path.join(WORK, 'compare.json');

interface Sample { wallMs: number; rssMb: number; exit: number; json: boolean; stdout?: string }
interface Stat { median: number; min: number; max: number; rssMb: number; exit: number; json: boolean }

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * One whole process, timed by GNU time (through `timeout`, whose child's peak RSS the kernel
 * reports as the timeout's): wall clock, peak RSS, exit code, whether stdout was JSON (and stdout, if kept).
 */
function runOnce(cmd: string[], cwd: string, keep = false): Sample {
  const out = spawnSync('/usr/bin/time', ['-f', '%e %M', 'timeout', String(TIMEOUT_S), ...cmd], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const line = out.stderr.trim().split('\n').pop() ?? '';
  const [seconds, kb] = line.split(' ').map(Number);
  if (!Number.isFinite(seconds)) throw new Error(`${cmd.join(' ')}: ${out.stderr}`);
  return { wallMs: seconds * 1000, rssMb: kb / 1024, exit: out.status ?? -1, json: isJson(out.stdout), ...(keep && { stdout: out.stdout }) };
}

/** Timed out (124), or killed by a signal (128 + n: SIGABRT when V8 runs out of heap). */
const died = (s: Sample): boolean => s.exit === 124 || s.exit > 128;

function measure(cmd: string[], cwd: string, runs = RUNS): Stat {
  const warmUp = runOnce(cmd, cwd); // the file cache, the same for every tool
  // A process that died would die again: its one run is its measure.
  return statOf(died(warmUp) ? [warmUp] : Array.from({ length: runs }, () => runOnce(cmd, cwd)));
}

function statOf(samples: readonly Sample[]): Stat {
  const walls = samples.map(s => s.wallMs).sort((a, b) => a - b);
  return {
    median: walls[Math.floor(walls.length / 2)], min: walls[0], max: walls[walls.length - 1], rssMb: Math.max(...samples.map(s => s.rssMb)),
    exit: samples.find(s => s.exit !== 0)?.exit ?? 0, json: samples.every(s => s.json),
  };
}

function ensurePeers(): void {
  if (fs.existsSync(path.join(PEERS, 'node_modules', 'eslint'))) return;
  console.log('installing the peers (ESLint, typescript-eslint, TypeScript 6) into bench/peers/node_modules…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: PEERS, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm ci in bench/peers failed');
}

interface EditTimes { edits: number[]; dependentMs: number }

/** The language server on the corpus: edit latencies of a worker file, and a dependent's refresh. */
async function editLatencies(corpus: Corpus): Promise<EditTimes> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiting = new Map<string, (p: PublishDiagnosticsParams) => void>();
  rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    for (const key of [`${p.uri}@${p.version}`, `${p.uri}@*`]) {
      const resolve = waiting.get(key);
      if (resolve) { waiting.delete(key); resolve(p); }
    }
  });
  // Debounce 0: the analysis latency itself, not the pause the editor adds on purpose.
  rpc.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ debounceMs: 0 })));
  rpc.onRequest('client/registerCapability', () => null);
  // The start-up scan reports progress: the edits start once it has ended, in a workspace that is open.
  let scanned!: () => void;
  const scanDone = new Promise<void>(resolve => { scanned = resolve; });
  rpc.onRequest('window/workDoneProgress/create', (p: { token: string | number }) => {
    rpc.onProgress(WorkDoneProgress.type, p.token, value => {
      if (value.kind === 'end') scanned();
    });
    return null;
  });
  rpc.onNotification(() => undefined);
  rpc.listen();
  const next = (uri: string, version: number | '*'): Promise<PublishDiagnosticsParams> =>
    new Promise(resolve => waiting.set(`${uri}@${version}`, resolve));
  const folder = pathToFileURL(corpus.dir).href;
  await rpc.sendRequest('initialize', { processId: process.pid, rootUri: folder, workspaceFolders: [{ uri: folder, name: 'corpus' }], capabilities: { workspace: { configuration: true, workspaceFolders: true }, window: { workDoneProgress: true } } });
  await rpc.sendNotification('initialized', {});
  await scanDone;

  const open = async (file: string): Promise<string> => {
    const uri = pathToFileURL(file).href;
    const published = next(uri, 1);
    await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: fs.readFileSync(file, 'utf8') } });
    await published;
    return uri;
  };
  const workerUri = await open(corpus.workerFile);
  const spawnerUri = await open(corpus.spawnerFile);
  const edits: number[] = [];
  const original = fs.readFileSync(corpus.workerFile, 'utf8');
  for (let v = 2; v < 2 + EDITS + 5; v++) {
    const text = original.replace('const [value, weight] = msg.payload;', `const [value, weight] = msg.payload; // edit ${v}`);
    const published = next(workerUri, v);
    const start = performance.now();
    await rpc.sendNotification('textDocument/didChange', { textDocument: { uri: workerUri, version: v }, contentChanges: [{ text }] });
    await published;
    if (v >= 7) edits.push(performance.now() - start); // the first five warm the incremental program
  }
  const spawnerText = fs.readFileSync(corpus.spawnerFile, 'utf8');
  const dependent = next(workerUri, '*');
  const start = performance.now();
  await rpc.sendNotification('textDocument/didChange', { textDocument: { uri: spawnerUri, version: 2 }, contentChanges: [{ text: `${spawnerText}\n// touched\n` }] });
  await dependent;
  const dependentMs = performance.now() - start;
  await rpc.sendRequest('shutdown');
  await rpc.sendNotification('exit');
  rpc.dispose();
  return { edits, dependentMs };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

const fmt = (s: Stat): string => `${Math.round(s.median)} (${Math.round(s.min)}–${Math.round(s.max)})`;

const machine = (runs: number): string =>
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. ` +
  `Whole processes, ${runs} runs after a warm-up: median (min–max) ms; RSS is the peak in MB.`;

/** A section of RESULTS.md, and its keys of compare.json. */
interface Part { title: string; text: string; json: Record<string, unknown> }

/** Fearless against the floors and ESLint on the corpora of N files, and the editor's latencies. */
async function measureCorpora(): Promise<Part> {
  ensurePeers();
  const eslint = path.join(PEERS, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const tsc6 = path.join(PEERS, 'node_modules', 'typescript', 'bin', 'tsc');
  const tsc7 = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  const rows: string[] = [];
  const json: Record<string, unknown> = {};
  for (const n of SIZES) {
    const corpus = writeCorpus(path.join(WORK, `corpus-${n}`), n);
    console.log(`N=${corpus.files}: measuring…`);
    const node = process.execPath;
    const stats = {
      parse: measure([node, FLOOR, 'parse', corpus.dir], corpus.dir),
      bind: measure([node, FLOOR, 'bind', corpus.dir], corpus.dir),
      tsc6: measure([node, tsc6, '--noEmit', '-p', '.'], corpus.dir),
      tsc7: measure([tsc7, '--noEmit', '-p', '.'], corpus.dir),
      eslintTyped: measure([node, eslint, '-c', path.join(PEERS, 'eslint.typed.config.mjs'), 'src'], corpus.dir),
      eslintUntyped: measure([node, eslint, '-c', path.join(PEERS, 'eslint.untyped.config.mjs'), 'src'], corpus.dir),
      fearless: measure([node, CLI, 'check', '.', '--format', 'json', '--exit-zero'], corpus.dir),
    };
    const editTimes = await editLatencies(corpus);
    json[n] = { files: corpus.files, ...stats, edits: editTimes };
    rows.push(`| ${corpus.files} | ${fmt(stats.parse)} | ${fmt(stats.bind)} | ${fmt(stats.tsc6)} | ${fmt(stats.tsc7)} | ${fmt(stats.eslintUntyped)} | ${fmt(stats.eslintTyped)} | **${fmt(stats.fearless)}** | ` +
      `${(stats.fearless.median / stats.bind.median).toFixed(2)} | ${(stats.fearless.median / stats.eslintTyped.median).toFixed(2)} | ` +
      `${Math.round(stats.bind.rssMb)} / ${Math.round(stats.eslintTyped.rssMb)} / **${Math.round(stats.fearless.rssMb)}** | ` +
      `${Math.round(pct(editTimes.edits, 0.5))} / ${Math.round(pct(editTimes.edits, 0.95))} | ${Math.round(editTimes.dependentMs)} |`);
  }
  const walls = (k: number): number => (json[k] as { fearless: Stat }).fearless.median;
  const slope = SIZES.includes(1000) && SIZES.includes(200) ? (walls(1000) / walls(200)).toFixed(2) : 'n/a';
  const text = [
    machine(RUNS),
    '',
    '| files | TS6 parse | TS6 program+bind | tsc 6 --noEmit | tsc 7 --noEmit | ESLint untyped | ESLint typed | fearless check | fearless / bind | fearless / ESLint typed | RSS bind / ESLint typed / fearless | edit → diagnostics median / p95 ms | dependent refreshed ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Scaling: fearless check time(N=1000) / time(N=200) = ${slope}.`,
  ].join('\n');
  return { title: 'Corpora of N files', text, json };
}

/** The one-program floor and `fearless check <target>` on corpora of many package roots (issue 16). */
function measureRoots(): Part {
  const node = process.execPath;
  const many = writeManyRoots(path.join(ROOTS_WORK, 'many-roots'));
  const repo = writeRepoLike(path.join(ROOTS_WORK, 'repo-like'));
  const floor = (c: RootsCorpus): Stat => measure([node, FLOOR, 'bind-all', c.dir], c.dir, ROOTS_RUNS);
  const check = (c: RootsCorpus, target: string): Stat => measure([node, CLI, 'check', target, '--format', 'json', '--exit-zero'], c.dir, ROOTS_RUNS);
  console.log(`many package roots: measuring (${ROOTS_RUNS} runs each)…`);
  const manyFloor = floor(many);
  const repoFloor = floor(repo); // test/ imports the runner's src/: its floor is the whole repository's
  const rows = [
    { corpus: 'many-roots', ...many, target: '.', floor: manyFloor, fearless: check(many, '.') },
    { corpus: 'repo-like', ...repo, target: '.', floor: repoFloor, fearless: check(repo, '.') },
    { corpus: 'repo-like', ...repo, target: 'test', floor: repoFloor, fearless: check(repo, 'test') },
  ];
  const text = [
    machine(ROOTS_RUNS),
    `Corpora of bench/roots-corpus.ts; floor: one TypeScript 6 program over every .ts/.js file and every lib file one of the corpus's tsconfig.json files asks for, bound (bench/floor.cjs bind-all). ` +
      `A run that dies is run once: exit 134 is SIGABRT (V8 out of heap), 124 a timeout after ${TIMEOUT_S} s. Goal (issue 16): RSS fearless / floor ≤ 1.5.`,
    '',
    '| corpus | files / packages / lines | fearless check | floor ms | floor RSS | fearless ms | fearless RSS | RSS fearless / floor | time fearless / floor | exit | JSON |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(r => `| ${r.corpus} | ${r.files} / ${r.packages} / ${r.lines} | \`${r.target}\` | ${fmt(r.floor)} | ${Math.round(r.floor.rssMb)} | ` +
      `**${fmt(r.fearless)}** | **${Math.round(r.fearless.rssMb)}** | ${(r.fearless.rssMb / r.floor.rssMb).toFixed(2)} | ${(r.fearless.median / r.floor.median).toFixed(2)} | ` +
      `${r.fearless.exit} | ${r.fearless.json ? 'yes' : 'no'} |`),
  ].join('\n');
  return { title: 'Many package roots', text, json: { roots: rows } };
}

/**
 * `fearless check --cache` on the corpus of 1000 files (issue 16: the second run after a one-file
 * change ≤ 0.2× the first): the cache removed, a first run, one comment line added to one file, the
 * second run; for an ordinary model file, and for a worker (its spawner's facts feed it: it needs its
 * program). On a copy of the corpus, since the runs edit it. The second run's report is compared with
 * a run without the cache on the same edited corpus.
 */
function measureCache(): Part {
  const corpus = writeCorpus(path.join(WORK, 'cache-corpus-1000'), 1000);
  const cacheFile = path.join(WORK, 'cache-corpus-1000.fearlesscache');
  const check = (...flags: string[]): string[] => [process.execPath, CLI, 'check', '.', '--format', 'json', '--exit-zero', ...flags];
  const cached = check('--cache', '--cache-location', cacheFile);
  console.log(`--cache on ${corpus.files} files: measuring (${CACHE_RUNS} pairs each)…`);
  runOnce(check(), corpus.dir); // the file cache, as for every other measure
  // What any run costs before it reads a file: Node loading the CLI.
  const startup = measure([process.execPath, CLI, '--version'], corpus.dir, CACHE_RUNS);
  const changes = [
    { change: 'a model file', file: path.join(corpus.dir, 'src', 'model7.ts') },
    { change: 'a worker', file: corpus.workerFile },
  ];
  // Pairs of one change and of the other alternate: a machine busy for a while slows both alike.
  const pairs = changes.map(() => ({ firsts: [] as Sample[], seconds: [] as Sample[] }));
  const changed = (file: string, original: string): void => fs.writeFileSync(file, `${original}// changed for the cache benchmark\n`);
  for (let i = 0; i < CACHE_RUNS; i++) {
    changes.forEach(({ file }, k) => {
      const original = fs.readFileSync(file, 'utf8');
      try {
        fs.rmSync(cacheFile, { force: true });
        pairs[k].firsts.push(runOnce(cached, corpus.dir));
        changed(file, original);
        pairs[k].seconds.push(runOnce(cached, corpus.dir, true));
      } finally {
        fs.writeFileSync(file, original);
      }
    });
  }
  const rows = changes.map(({ change, file }, k) => {
    const original = fs.readFileSync(file, 'utf8');
    try {
      changed(file, original);
      const uncached = runOnce(check(), corpus.dir, true).stdout;
      const first = statOf(pairs[k].firsts);
      const second = statOf(pairs[k].seconds);
      return { change, file: path.relative(corpus.dir, file), first, second, ratio: second.median / first.median, same: pairs[k].seconds.every(s => s.stdout === uncached) };
    } finally {
      fs.writeFileSync(file, original);
    }
  });
  fs.rmSync(cacheFile, { force: true });
  const text = [
    machine(CACHE_RUNS),
    `\`fearless check . --cache\` on the corpus of ${corpus.files} files: the cache removed, a first run, a comment line added ` +
      'to one file, the second run (the pairs of the two files alternate). Goal (issue 16): second / first ≤ 0.2 after a one-file change. ' +
      '"Same report": the second run printed what a run without the cache prints on the changed corpus. ' +
      'A model file takes no part in threads: changed, it is analysed alone. A worker does: its second run builds its project ' +
      `(every file of the corpus) to analyse it. \`fearless --version\`, the floor of any run: ${fmt(startup)} ms.`,
    '',
    '| file changed | first run (writes the cache) | second run | second / first | RSS first / second | same report |',
    '|---|---|---|---|---|---|',
    ...rows.map(r => `| ${r.change} (\`${r.file}\`) | ${fmt(r.first)} | **${fmt(r.second)}** | **${r.ratio.toFixed(2)}** | ` +
      `${Math.round(r.first.rssMb)} / ${Math.round(r.second.rssMb)} | ${r.same ? 'yes' : 'no'} |`),
  ].join('\n');
  return { title: 'Cache (--cache)', text, json: { cache: { files: corpus.files, startup, rows } } };
}

/** The document with `## title` holding `text`: replaced where it was, else added at the end. */
function withSection(doc: string, title: string, text: string): string {
  const parts = doc.split(/^(?=## )/m).map(p => p.trim());
  const section = `## ${title}\n\n${text}`;
  const at = parts.findIndex(p => p.startsWith(`## ${title}\n`));
  if (at >= 0) parts[at] = section;
  else parts.push(section);
  return `${parts.join('\n\n')}\n`;
}

async function main(): Promise<void> {
  if (ONLY !== undefined && ONLY !== 'roots' && ONLY !== 'cache') throw new Error(`FEARLESS_BENCH_ONLY=${ONLY}: only "roots" and "cache" are known`);
  if (!fs.existsSync(CLI)) throw new Error(`build first: npm run build (no ${CLI})`);
  fs.mkdirSync(WORK, { recursive: true });
  // A partial run keeps what the last whole run wrote about the other part.
  const kept = (file: string): string | undefined => (ONLY && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
  let doc = kept(RESULTS) ?? '# Benchmark results\n\nWritten by `npm run bench` (bench/compare.ts).\n';
  const json = JSON.parse(kept(COMPARE_JSON) ?? '{}') as Record<string, unknown>;
  const parts = ONLY === 'roots' ? [measureRoots()] : ONLY === 'cache' ? [measureCache()] : [await measureCorpora(), measureRoots(), measureCache()];
  for (const part of parts) {
    doc = withSection(doc, part.title, part.text);
    Object.assign(json, part.json);
    console.log(`${part.title}\n\n${part.text}\n`);
  }
  fs.writeFileSync(RESULTS, doc);
  fs.writeFileSync(COMPARE_JSON, JSON.stringify(json, null, 2));
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});

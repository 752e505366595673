/**
 * Fearless against TypeScript's own floor and against ESLint, in one run, on the same generated
 * corpora (N = 50, 200, 1000 files): whole processes, same warm-up, median and min–max of several
 * runs, peak RSS of each. Then the editor's case through the real language server: one-line edits
 * of a worker file, each timed from didChange to the publishDiagnostics that answers it, and the
 * time until a file that depends on an edited one is judged again. Writes bench/RESULTS.md.
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

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, 'bench', '.work');
const PEERS = path.join(ROOT, 'bench', 'peers');
const SIZES = (process.env.FEARLESS_BENCH_SIZES ?? '50,200,1000').split(',').map(Number);
const RUNS = Number(process.env.FEARLESS_BENCH_RUNS ?? 5);
const EDITS = 30;

interface Sample { wallMs: number; rssMb: number }
interface Stat { median: number; min: number; max: number; rssMb: number }

/** One whole process, timed by GNU time: wall clock and peak RSS. */
function runOnce(cmd: string[], cwd: string): Sample {
  const out = spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const line = out.stderr.trim().split('\n').pop() ?? '';
  const [seconds, kb] = line.split(' ').map(Number);
  if (!Number.isFinite(seconds)) throw new Error(`${cmd.join(' ')}: ${out.stderr}`);
  return { wallMs: seconds * 1000, rssMb: kb / 1024 };
}

function measure(cmd: string[], cwd: string): Stat {
  runOnce(cmd, cwd); // warm-up: the file cache, the same for every tool
  const samples = Array.from({ length: RUNS }, () => runOnce(cmd, cwd));
  const walls = samples.map(s => s.wallMs).sort((a, b) => a - b);
  return { median: walls[Math.floor(walls.length / 2)], min: walls[0], max: walls[walls.length - 1], rssMb: Math.max(...samples.map(s => s.rssMb)) };
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

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('build first: npm run build');
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
      parse: measure([node, path.join(ROOT, 'bench', 'floor.cjs'), 'parse', corpus.dir], corpus.dir),
      bind: measure([node, path.join(ROOT, 'bench', 'floor.cjs'), 'bind', corpus.dir], corpus.dir),
      tsc6: measure([node, tsc6, '--noEmit', '-p', '.'], corpus.dir),
      tsc7: measure([tsc7, '--noEmit', '-p', '.'], corpus.dir),
      eslintTyped: measure([node, eslint, '-c', path.join(PEERS, 'eslint.typed.config.mjs'), 'src'], corpus.dir),
      eslintUntyped: measure([node, eslint, '-c', path.join(PEERS, 'eslint.untyped.config.mjs'), 'src'], corpus.dir),
      fearless: measure([node, path.join(ROOT, 'dist', 'cli.js'), 'check', '.', '--format', 'json', '--exit-zero'], corpus.dir),
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
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
  const table = [
    `Machine: ${machine}. Whole processes, ${RUNS} runs after a warm-up: median (min–max) ms; RSS is the peak in MB.`,
    '',
    '| files | TS6 parse | TS6 program+bind | tsc 6 --noEmit | tsc 7 --noEmit | ESLint untyped | ESLint typed | fearless check | fearless / bind | fearless / ESLint typed | RSS bind / ESLint typed / fearless | edit → diagnostics median / p95 ms | dependent refreshed ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Scaling: fearless check time(N=1000) / time(N=200) = ${slope}.`,
  ].join('\n');
  fs.writeFileSync(path.join(ROOT, 'bench', 'RESULTS.md'), `# Benchmark results\n\nWritten by \`npm run bench\` (bench/compare.ts).\n\n${table}\n`);
  fs.writeFileSync(path.join(WORK, 'compare.json'), JSON.stringify(json, null, 2));
  console.log(table);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});

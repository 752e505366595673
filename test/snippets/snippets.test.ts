/**
 * Every snippet of every language file, expanded with its defaults (snippet-syntax.ts), must type-check
 * under strict, run, and get no finding at all from `fearless check`. Two kinds of cases:
 *
 * - `defaults-<prefix>`: the snippet exactly as inserted (plus its worker twin from snippets/twins.json,
 *   also as inserted). It must type-check, have no finding, and run to a clean exit with no output.
 * - behaviour cases: the snippet with test code at its tab stops or around it (the "driver"), and
 *   test workers made of the same snippet plus worker code, printing results the test compares: a
 *   counter's exact total under contention, par-map's order, a pool's error propagation…
 *
 * One temp project holds everything (`<language>/<node|web>/<case>/…`), so each of tsc and fearless runs
 * once per project and a problem is attributed back to its case by path. TypeScript cases are also
 * type-checked as .tsx (typescriptreact), and JavaScript ones with checkJs (strict, but without
 * noImplicitAny, which untyped JavaScript cannot meet). Node cases run with node, the TypeScript
 * ones compiled by esbuild file by file into build/ (so the checked folders hold sources only); web
 * cases run in headless Chromium, served cross-origin isolated. KEEP_SNIPPET_PROJECT=1 keeps the project.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { type Exit, exec } from '../support/processes';
import { Browser, chromium } from 'playwright-core';
import { type SnippetNode, parseSnippet } from '../../server/src/snippets/snippet-syntax';
import { expandSnippet, knownVariables } from '../../server/src/snippets/snippet-expansion';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const TSC = path.join(REPO, 'node_modules', '.bin', 'tsc');
const CHROMIUM = '/usr/bin/chromium';
const RUN_TIMEOUT_MS = 30_000;
const PARALLEL = Math.max(2, os.availableParallelism());

interface Snippet {
  prefix: string;
  body: string[];
  description: string;
}

interface Language {
  id: 'typescript' | 'javascript';
  ext: '.ts' | '.js';
  snippets: Map<string, Snippet>;
}

function loadSnippets(file: string): Map<string, Snippet> {
  const json = JSON.parse(fs.readFileSync(path.join(REPO, 'snippets', file), 'utf8')) as Record<string, Snippet>;
  return new Map(Object.values(json).map(s => [s.prefix, s]));
}

const LANGUAGES: Language[] = [
  { id: 'typescript', ext: '.ts', snippets: loadSnippets('typescript.json') },
  { id: 'javascript', ext: '.js', snippets: loadSnippets('javascript.json') },
];
const TWINS = JSON.parse(fs.readFileSync(path.join(REPO, 'snippets', 'twins.json'), 'utf8')) as Record<string, { file: string; snippet: string }>;
const TWIN_ONLY = new Set(Object.values(TWINS).map(t => t.snippet));

type Env = 'node' | 'web';

/**
 * One file of a case. `values` fill tab stops (type-free code: it goes into both languages); `before`
 * and `after` are TypeScript, stripped of types by esbuild for the JavaScript case.
 */
interface FileSpec {
  name: string;
  snippet?: string;
  values?: Record<number, string>;
  before?: string;
  after?: string;
}

interface Case {
  name: string;
  env: Env;
  files: FileSpec[];
  /** The printed lines, or (a case that must fail) the exit and what stderr says. */
  expect: { stdout: string[] } | { failsWith: RegExp };
}

const envOf = (prefix: string): Env => (prefix.endsWith('-web') ? 'web' : 'node');

/** The snippet in `main`, its twin (if it has one) in the file its default worker path names. */
function withTwin(prefix: string, main: Omit<FileSpec, 'name' | 'snippet'> = {}, twin: Omit<FileSpec, 'name' | 'snippet'> = {}): FileSpec[] {
  const files: FileSpec[] = [{ name: 'main', snippet: prefix, ...main }];
  const t = TWINS[prefix];
  if (t) files.push({ name: path.basename(t.file, path.extname(t.file)), snippet: t.snippet, ...twin });
  return files;
}

const TEST_WORKER = "import { Worker as TestWorker } from 'node:worker_threads';";
const SLEEP = 'const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));';
// Listens at creation: a thread that exits before a later listener is attached would never be joined.
const JOINED = `const joined = (thread: TestWorker) => new Promise((resolve, reject) => thread.on('exit', resolve).on('error', reject));`;

const BEHAVIOUR: Case[] = [
  {
    name: 'spawn',
    env: 'node',
    files: withTwin(
      'spawn',
      { values: { 0: "console.log(result);\nawait spawnWorker(-1).then(() => console.log('resolved'), error => console.log(`rejected: ${error.message}`));" } },
      { values: { 5: "input < 0 ? (() => { throw new Error('negative input'); })() : input * 2" } },
    ),
    expect: { stdout: ['42', 'rejected: negative input'] },
  },
  {
    name: 'spawn-self',
    env: 'node',
    files: withTwin('spawn-self', { values: { 0: 'console.log(result);' } }),
    expect: { stdout: ['42'] },
  },
  {
    name: 'join',
    env: 'node',
    files: [
      {
        name: 'main',
        snippet: 'join',
        after: `${TEST_WORKER}
const url = new URL('./worker.js', import.meta.url);
console.log(await join<number>(new TestWorker(url, { workerData: 21 })));
await join<number>(new TestWorker(url, { workerData: -1 })).catch((error: Error) => console.log(error.message));`,
      },
      { name: 'worker', snippet: 'worker-task', values: { 5: 'input < 0 ? process.exit(3) : input * 2' } },
    ],
    expect: { stdout: ['42', 'worker exited with code 3'] },
  },
  {
    name: 'join-all',
    env: 'node',
    files: withTwin('join-all', { values: { 0: "console.log(results.join(','));" } }),
    expect: { stdout: ['0,2,4,6'] },
  },
  {
    name: 'join-all-fails',
    env: 'node',
    files: withTwin(
      'join-all',
      { values: { 0: "console.log('not reached');" } },
      { values: { 5: "input === 2 ? (() => { throw new Error('task 2 failed'); })() : input * 2" } },
    ),
    expect: { failsWith: /task 2 failed/ },
  },
  {
    name: 'thread-pool',
    env: 'node',
    files: withTwin(
      'thread-pool',
      {
        values: {
          0: `console.log(results.join(','));
  const outcomes = await Promise.allSettled([5, -1, 7, 1000, 9].map(input => pool.run(input)));
  console.log(outcomes.map(o => (o.status === 'fulfilled' ? o.value : \`error: \${o.reason.message}\`)).join(','));`,
        },
        after: "console.log('closed');",
      },
      { values: { 5: "if (input === 1000) process.exit(5);\n  if (input < 0) throw new Error(`bad input ${input}`);\n  return input * 2;" } },
    ),
    expect: { stdout: ['2,4,6', '10,error: bad input -1,14,error: a pool thread exited with code 5,18', 'closed'] },
  },
  {
    name: 'par-map',
    env: 'node',
    files: withTwin(
      'par-map',
      {
        values: {
          0: `const ordered = results.length === 1000 && results.every((value, i) => value === i * i);
console.log(ordered ? 'in order' : \`out of order: \${results.slice(0, 5)}\`);
await parMap([3, -1, 4]).then(() => console.log('resolved'), error => console.log(\`rejected: \${error.message}\`));`,
        },
      },
      {
        values: {
          // The first chunk is the slowest, so it finishes last: the order must not depend on timing.
          5: "if (item < 0) throw new Error('negative item');\n  for (const end = Date.now() + (item < 500 ? 1 : 0); Date.now() < end;);\n  return item * item;",
        },
      },
    ),
    expect: { stdout: ['in order', 'rejected: negative item'] },
  },
  {
    name: 'arc-mutex',
    env: 'node',
    files: [
      {
        name: 'main',
        snippet: 'arc-mutex',
        values: { 0: 'data[0] += 1;' },
        after: `${TEST_WORKER}
${JOINED}
const threads = Array.from({ length: 4 }, () =>
  joined(new TestWorker(new URL('./worker.js', import.meta.url), { workerData: { cell: mutex.cell, data, rounds: 10_000 } })));
for (let i = 0; i < 1_000; i++) {
  await mutex.lockAsync();
  try {
    data[0] += 1;
  } finally {
    mutex.unlock();
  }
}
await Promise.all(threads);
console.log(data[0]);`,
      },
      {
        name: 'worker',
        snippet: 'arc-mutex',
        after: `import { workerData as shared } from 'node:worker_threads';
const { cell, data: total, rounds } = shared as { cell: Int32Array<SharedArrayBuffer>; data: Float64Array<SharedArrayBuffer>; rounds: number };
const lock = new Mutex(cell);
for (let i = 0; i < rounds; i++) {
  if (i % 2 === 0) {
    lock.lock();
    try {
      total[0] += 1;
    } finally {
      lock.unlock();
    }
  } else {
    lock.withLock(() => {
      total[0] += 1;
    });
  }
}`,
      },
    ],
    expect: { stdout: ['41001'] },
  },
  {
    name: 'rwlock',
    env: 'node',
    files: [
      {
        name: 'main',
        snippet: 'rwlock',
        values: { 0: 'data[0] = 0;\n  data[1] = 0;' },
        after: `${TEST_WORKER}
const roles = ['writer', 'reader', 'writer', 'reader'];
const results = Promise.all(roles.map(role => new Promise<number>((resolve, reject) => {
  new TestWorker(new URL('./worker.js', import.meta.url), { workerData: { role, cell: rwlock.cell, data, rounds: 2_000 } })
    .on('message', resolve)
    .on('error', reject);
})));
let torn = 0;
for (let i = 0; i < 200; i++) {
  await rwlock.readLockAsync();
  try {
    if (data[0] !== data[1]) torn++;
  } finally {
    rwlock.readUnlock();
  }
}
for (const n of await results) torn += n;
console.log(data[0], data[1], 'torn', torn);`,
      },
      {
        name: 'worker',
        snippet: 'rwlock',
        after: `import { parentPort as testPort, workerData as shared } from 'node:worker_threads';
const { role, cell, data: pair, rounds } = shared as { role: string; cell: Int32Array<SharedArrayBuffer>; data: Float64Array<SharedArrayBuffer>; rounds: number };
const lock = new RwLock(cell);
let torn = 0;
for (let i = 0; i < rounds; i++) {
  if (role === 'writer') {
    lock.writeLock();
    try {
      pair[0] += 1;
      pair[1] += 1;
    } finally {
      lock.writeUnlock();
    }
  } else {
    lock.readLock();
    try {
      if (pair[0] !== pair[1]) torn++;
    } finally {
      lock.readUnlock();
    }
  }
}
testPort?.postMessage(torn);`,
      },
    ],
    expect: { stdout: ['4000 4000 torn 0'] },
  },
  {
    name: 'condvar',
    env: 'node',
    files: [
      {
        name: 'main',
        snippet: 'condvar',
        values: { 4: '2' },
        after: `${TEST_WORKER}
${JOINED}
${SLEEP}
const waiters = Array.from({ length: 3 }, () =>
  joined(new TestWorker(new URL('./worker.js', import.meta.url), { workerData: { mutex: mutex.cell, condvar: condvar.cell, state } })));
const mainWaiter = untilReady();
await sleep(100);
await setReady();
await mainWaiter;
await mutex.lockAsync();
try {
  while (state[1] < 3) await condvar.waitAsync(mutex);
  console.log('woken', state[1]);
} finally {
  mutex.unlock();
}
await Promise.all(waiters);`,
      },
      {
        name: 'worker',
        snippet: 'condvar',
        after: `import { workerData as shared } from 'node:worker_threads';
type Cell = Int32Array<SharedArrayBuffer>;
const { mutex: m, condvar: c, state: s } = shared as { mutex: Cell; condvar: Cell; state: Cell };
const lock = new Mutex(m);
const changed = new Condvar(c);
lock.lock();
try {
  while (s[0] === 0) changed.wait(lock);
  s[1] += 1;
  changed.notifyAll();
} finally {
  lock.unlock();
}`,
      },
    ],
    expect: { stdout: ['woken 3'] },
  },
  {
    name: 'atomic-counter',
    env: 'node',
    files: [
      {
        name: 'main',
        snippet: 'atomic-counter',
        after: `${TEST_WORKER}
${JOINED}
const threads = Array.from({ length: 4 }, () =>
  joined(new TestWorker(new URL('./worker.js', import.meta.url), { workerData: { cell: counter.cell, rounds: 25_000 } })));
for (let i = 0; i < 1_000; i++) counter.add();
await Promise.all(threads);
console.log(counter.load());`,
      },
      {
        name: 'worker',
        snippet: 'atomic-counter',
        after: `import { workerData as shared } from 'node:worker_threads';
const { cell, rounds } = shared as { cell: Int32Array<SharedArrayBuffer>; rounds: number };
const hits = new AtomicCounter(cell);
for (let i = 0; i < rounds; i++) {
  hits.add(2);
  hits.sub();
}`,
      },
    ],
    expect: { stdout: ['101000'] },
  },
  {
    name: 'atomic-flag',
    env: 'node',
    files: [
      {
        name: 'main',
        snippet: 'atomic-flag',
        after: `${TEST_WORKER}
${JOINED}
${SLEEP}
const seen = new AtomicBool();
const thread = joined(new TestWorker(new URL('./worker.js', import.meta.url), { workerData: { ready: ready.cell, seen: seen.cell } }));
await sleep(50);
ready.store(true);
await seen.waitForAsync(true);
console.log(seen.load() ? 'flag observed' : 'flag lost');
await thread;`,
      },
      {
        name: 'worker',
        snippet: 'atomic-flag',
        after: `import { workerData as shared } from 'node:worker_threads';
const cells = shared as { ready: Int32Array<SharedArrayBuffer>; seen: Int32Array<SharedArrayBuffer> };
const go = new AtomicBool(cells.ready);
go.waitFor(true);
new AtomicBool(cells.seen).store(go.load());`,
      },
    ],
    expect: { stdout: ['flag observed'] },
  },
  {
    name: 'channel',
    env: 'node',
    files: [
      {
        name: 'main',
        snippet: 'channel',
        before: 'let total = 0;',
        values: { 0: 'total += value;' },
        after: `${TEST_WORKER}
const [remoteTx, remoteRx] = channel<number>();
new TestWorker(new URL('./worker.js', import.meta.url), { workerData: { port: remoteTx.port }, transferList: [remoteTx.port] })
  .on('error', (error) => { throw error; });
let remote = 0;
for await (const value of remoteRx) remote += value;
console.log(total, remote);`,
      },
      {
        name: 'worker',
        snippet: 'channel',
        after: `import { workerData as shared } from 'node:worker_threads';
const out = new Sender<number>((shared as { port: MessagePort }).port);
for (let i = 1; i <= 1000; i++) out.send(i);
out.close();`,
      },
    ],
    expect: { stdout: ['6 500500'] },
  },
  {
    name: 'mpsc',
    env: 'node',
    files: withTwin('mpsc', {
      before: 'let count = 0;\nlet total = 0;\nlet ordered = true;\nconst last = new Map<number, number>();',
      values: {
        0: 'count++;\n  total += value;\n  const producer = Math.floor(value / 1000);\n  if ((last.get(producer) ?? 0) >= value) ordered = false;\n  last.set(producer, value);',
      },
      after: "console.log(count, total, ordered ? 'ordered' : 'unordered', producers.length);",
    }),
    expect: { stdout: ['400 620200 ordered 4'] },
  },
  {
    name: 'spawn-web',
    env: 'web',
    files: withTwin('spawn-web', { values: { 0: 'console.log(result);' } }),
    expect: { stdout: ['42'] },
  },
  {
    name: 'channel-web',
    env: 'web',
    files: [
      {
        name: 'main',
        snippet: 'channel-web',
        before: 'let total = 0;',
        values: { 0: 'total += value;' },
        after: `const [remoteTx, remoteRx] = channel<number>();
const thread = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
thread.postMessage(remoteTx.port, [remoteTx.port]);
let remote = 0;
for await (const value of remoteRx) remote += value;
thread.terminate();
console.log(total, remote);`,
      },
      {
        name: 'worker',
        snippet: 'channel-web',
        // Before the snippet's top-level await: a message that arrives while no handler is set is lost.
        before: `self.onmessage = (event: MessageEvent<MessagePort>) => {
  const out = new Sender<number>(event.data);
  for (let i = 1; i <= 1000; i++) out.send(i);
  out.close();
};`,
      },
    ],
    expect: { stdout: ['6 500500'] },
  },
];

/** Every snippet a user inserts on its own (not only as a twin), exactly as inserted, with its twin. */
function defaultCases(language: Language): Case[] {
  return [...language.snippets.keys()]
    .filter(prefix => !TWIN_ONLY.has(prefix))
    .map(prefix => ({ name: `defaults-${prefix}`, env: envOf(prefix), files: withTwin(prefix), expect: { stdout: [] } }));
}

/** Where each line of a generated file came from, to say whether a problem is in a snippet or in test code. */
interface Written {
  file: string;
  segments: { from: number; to: number; origin: string }[];
}

interface CaseResult {
  written: Written[];
  typeErrors: string[];
  findings: string[];
  run?: Exit;
}

interface Project {
  language: Language;
  env: Env;
  dir: string;
  cases: Case[];
}

const made: string[] = [];
let root = '';
const results = new Map<string, CaseResult>();
const key = (language: Language, name: string): string => `${language.id}/${name}`;

function transpile(code: string): string {
  return esbuild
    .transformSync(code, { loader: 'ts', format: 'esm', target: 'es2022', tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } } })
    .code.trimEnd();
}

function writeCase(language: Language, env: Env, c: Case): Written[] {
  const dir = path.join(root, language.id, env, c.name);
  fs.mkdirSync(dir, { recursive: true });
  return c.files.map(spec => {
    const file = path.join(dir, spec.name + language.ext);
    const parts: { text: string; origin: string }[] = [];
    const driver = (code: string): string => (language.id === 'typescript' ? code : transpile(code));
    if (spec.before) parts.push({ text: driver(spec.before), origin: 'test code' });
    if (spec.snippet) {
      const snippet = language.snippets.get(spec.snippet);
      assert.ok(snippet, `${language.id}: no snippet with prefix ${spec.snippet}`);
      parts.push({ text: expandSnippet(snippet.body, { file, values: spec.values, tab: '  ' }), origin: `snippet ${spec.snippet}` });
    }
    if (spec.after) parts.push({ text: driver(spec.after), origin: 'test code' });
    const segments: Written['segments'] = [];
    let line = 1;
    for (const part of parts) {
      const lines = part.text.split('\n').length;
      segments.push({ from: line, to: line + lines - 1, origin: part.origin });
      line += lines;
    }
    const text = parts.map(p => p.text).join('\n') + '\n';
    fs.writeFileSync(file, text);
    if (language.id === 'typescript') {
      const tsx = path.join(root, 'typescriptreact', env, c.name, spec.name + '.tsx');
      fs.mkdirSync(path.dirname(tsx), { recursive: true });
      fs.writeFileSync(tsx, text);
    }
    return { file: path.relative(root, file), segments };
  });
}

function tsconfig(env: Env, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      target: 'es2022',
      lib: env === 'web' ? ['es2024', 'dom', 'dom.iterable'] : ['es2024'],
      module: 'nodenext',
      moduleResolution: 'nodenext',
      types: env === 'web' ? [] : ['node'],
      skipLibCheck: true,
      noEmit: true,
      ...extra,
    },
  });
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  }));
}

/** The case a path under the temp root belongs to (`<language>/<env>/<case>/…`; .tsx copies count as TypeScript). */
function caseOf(relative: string): string | undefined {
  const [language, , name] = relative.split(/[\\/]/);
  if (!name) return undefined;
  return `${language === 'typescriptreact' ? 'typescript' : language}/${name}`;
}

function origin(written: Written[], file: string, line: number): string {
  const w = written.find(x => x.file === file.replace(/\.tsx$/, '.ts'));
  return w?.segments.find(s => line >= s.from && line <= s.to)?.origin ?? 'test code';
}

async function typeCheck(projects: Project[]): Promise<void> {
  const dirs = projects.flatMap(p => (p.language.id === 'typescript' ? [p.dir, path.join(root, 'typescriptreact', p.env)] : [p.dir]));
  await inParallel(dirs, PARALLEL, async dir => {
    const run = await exec(process.execPath, [TSC, '--noEmit', '-p', path.relative(root, dir)], root, 120_000);
    for (const line of run.stdout.split('\n')) {
      const m = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
      const target = m && results.get(caseOf(m[1]) ?? '');
      if (m && target) target.typeErrors.push(`${m[1]}:${m[2]}:${m[3]} ${m[4]} (in ${origin(target.written, m[1], Number(m[2]))}): ${m[5]}`);
      else if (line.trim() && !/^\s/.test(line)) assert.fail(`tsc -p ${dir}: ${line}\n${run.stdout}${run.stderr}`);
    }
    // Exit 1 or 2 only says that errors were reported: every one of them was attributed above.
    assert.ok(run.code !== null && run.code <= 2 && !run.stderr, `tsc -p ${dir} failed (exit ${run.code}):\n${run.stdout}${run.stderr}`);
  });
}

interface Diagnostic {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: string;
  message: string;
}

async function fearlessCheck(): Promise<void> {
  const run = await exec(process.execPath, [CLI, 'check', '--format', 'json', ...LANGUAGES.map(l => l.id)], root, 120_000);
  let report: { diagnostics: Diagnostic[] };
  try {
    report = JSON.parse(run.stdout);
  } catch {
    assert.fail(`fearless check printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  for (const d of report.diagnostics) {
    const target = results.get(caseOf(d.file) ?? '');
    assert.ok(target, `a finding outside every case: ${JSON.stringify(d)}`);
    const source = fs.readFileSync(path.join(root, d.file), 'utf8').split('\n')[d.line - 1]?.trim();
    target.findings.push(`${d.file}:${d.line}:${d.column} ${d.rule} (${d.severity}, in ${origin(target.written, d.file, d.line)}): ${d.message}\n    ${source}`);
  }
}

async function runNode(projects: Project[]): Promise<void> {
  const jobs = projects.filter(p => p.env === 'node').flatMap(p => p.cases.map(c => ({ p, c })));
  await inParallel(jobs, PARALLEL, async ({ p, c }) => {
    const dir = p.language.id === 'typescript' ? path.join(root, 'build', p.language.id, p.env, c.name) : path.join(p.dir, c.name);
    results.get(key(p.language, c.name))!.run = await exec(process.execPath, ['main.js'], dir, RUN_TIMEOUT_MS);
  });
}

/** Serves the temp root cross-origin isolated (SharedArrayBuffer works); a folder is a page running its main.js. */
function serve(): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const file = path.join(root, decodeURIComponent(url.pathname));
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
    if (url.pathname.endsWith('/')) {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end('<!doctype html><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>');
    } else if (file.startsWith(root) && fs.existsSync(file)) {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(fs.readFileSync(file));
    } else {
      response.writeHead(404, headers).end();
    }
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const END = '--end of main.js--';

async function runWeb(projects: Project[], browser: Browser): Promise<void> {
  const server = await serve();
  try {
    const { port } = server.address() as AddressInfo;
    const jobs = projects.filter(p => p.env === 'web').flatMap(p => p.cases.map(c => ({ p, c })));
    await inParallel(jobs, 2, async ({ p, c }) => {
      const folder = p.language.id === 'typescript' ? `build/${p.language.id}/web/${c.name}/` : `${p.language.id}/web/${c.name}/`;
      const page = await browser.newPage();
      const lines: string[] = [];
      const errors: string[] = [];
      page.on('console', message => lines.push(message.text()));
      page.on('pageerror', error => errors.push(error.message));
      try {
        await page.goto(`http://127.0.0.1:${port}/${folder}`);
        const deadline = Date.now() + RUN_TIMEOUT_MS;
        while (!lines.includes(END) && errors.length === 0 && Date.now() < deadline) await page.waitForTimeout(20);
        const done = lines.includes(END);
        results.get(key(p.language, c.name))!.run = {
          code: done && errors.length === 0 ? 0 : 1,
          stdout: lines.filter(l => l !== END).map(l => l + '\n').join(''),
          stderr: errors.join('\n'),
          timedOut: !done && errors.length === 0,
        };
      } finally {
        await page.close();
      }
    });
  } finally {
    await new Promise(resolve => server.close(resolve));
  }
}

describe('snippets', function () {
  this.timeout(180_000);
  let browser: Browser | undefined;
  const projects: Project[] = [];

  before(async function () {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/setup-editors.sh`);
    // realpath: paths in tool output must share the prefix we strip (macOS links its temp dir).
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-snippets-')));
    made.push(root);
    fs.writeFileSync(path.join(root, 'package.json'), '{"type":"module"}\n');
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');

    for (const language of LANGUAGES) {
      for (const env of ['node', 'web'] as const) {
        const cases = [...BEHAVIOUR, ...defaultCases(language)].filter(c => c.env === env);
        const dir = path.join(root, language.id, env);
        for (const c of cases) results.set(key(language, c.name), { written: writeCase(language, env, c), typeErrors: [], findings: [] });
        fs.writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig(env, language.id === 'javascript' ? { allowJs: true, checkJs: true, noImplicitAny: false } : {}));
        if (language.id === 'typescript') fs.writeFileSync(path.join(root, 'typescriptreact', env, 'tsconfig.json'), tsconfig(env, { jsx: 'preserve' }));
        projects.push({ language, env, dir, cases });
      }
    }
    // Web cases end with a marker, so the page knows main.js has finished.
    for (const p of projects.filter(x => x.env === 'web')) {
      for (const c of p.cases) fs.appendFileSync(path.join(p.dir, c.name, 'main' + p.language.ext), `console.log(${JSON.stringify(END)});\n`);
    }

    const sources = projects.filter(p => p.language.id === 'typescript').flatMap(p => p.cases.flatMap(c => c.files.map(f => path.join(p.dir, c.name, f.name + '.ts'))));
    const build = esbuild.build({
      entryPoints: sources,
      outbase: root,
      outdir: path.join(root, 'build'),
      format: 'esm',
      platform: 'node',
      target: 'node20',
      bundle: false,
      logLevel: 'silent',
    });
    const launched = chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    await Promise.all([
      typeCheck(projects),
      fearlessCheck(),
      build.then(() => runNode(projects)),
      Promise.all([build, launched]).then(([, b]) => {
        browser = b;
        return runWeb(projects, b);
      }),
    ]);
  });

  after(async function () {
    await browser?.close();
    if (process.env.KEEP_SNIPPET_PROJECT) console.log(`snippet project kept in ${root}`);
    else for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the TypeScript and JavaScript files offer the same prefixes, each once', function () {
    const [ts, js] = LANGUAGES.map(l => [...l.snippets.keys()].sort());
    assert.deepEqual(js, ts);
    for (const language of LANGUAGES) {
      const json = JSON.parse(fs.readFileSync(path.join(REPO, 'snippets', `${language.id}.json`), 'utf8')) as Record<string, Snippet>;
      assert.equal(Object.keys(json).length, language.snippets.size, `${language.id}: a prefix is used twice`);
      for (const [name, s] of Object.entries(json)) assert.ok(s.description && s.body.length > 0, `${language.id}: ${name}`);
    }
  });

  it('every snippet has one final tab stop, known variables only, and no malformed tab stop left as text', function () {
    const known = new Set(knownVariables());
    const walk = (nodes: SnippetNode[], visit: (n: SnippetNode) => void): void => {
      for (const n of nodes) {
        visit(n);
        if ((n.kind === 'placeholder' || n.kind === 'variable') && n.children) walk(n.children, visit);
      }
    };
    for (const language of LANGUAGES) {
      for (const { prefix, body } of language.snippets.values()) {
        let finals = 0;
        walk(parseSnippet(body), n => {
          if (n.kind === 'tabstop' && n.index === 0) finals++;
          if (n.kind === 'variable') assert.ok(known.has(n.name), `${language.id} ${prefix}: $${n.name} is no variable (escape a template literal as \\\${…})`);
          if (n.kind === 'text') assert.doesNotMatch(n.value, /\$\{?\d/, `${language.id} ${prefix}: a malformed tab stop in ${JSON.stringify(n.value)}`);
        });
        assert.equal(finals, 1, `${language.id} ${prefix}: ${finals} final tab stops`);
      }
    }
  });

  it('JavaScript snippets number their tab stops as the TypeScript ones do, with the same defaults', function () {
    const defaults = (body: string[]): Map<number, string> => {
      const found = new Map<number, string>();
      const walk = (nodes: SnippetNode[]): void => {
        for (const n of nodes) {
          if (n.kind === 'placeholder' && !found.has(n.index)) found.set(n.index, JSON.stringify(n.children));
          if (n.kind === 'choice' && !found.has(n.index)) found.set(n.index, n.options.join('|'));
          if (n.kind === 'placeholder' || (n.kind === 'variable' && n.children)) walk(n.children ?? []);
        }
      };
      walk(parseSnippet(body));
      return found;
    };
    const [ts, js] = LANGUAGES;
    for (const [prefix, snippet] of js.snippets) {
      const tsDefaults = defaults(ts.snippets.get(prefix)!.body);
      for (const [index, value] of defaults(snippet.body)) {
        assert.ok(tsDefaults.has(index), `${prefix}: tab stop ${index} exists only in JavaScript`);
        assert.equal(value, tsDefaults.get(index), `${prefix}: tab stop ${index} has another default in JavaScript`);
      }
    }
  });

  it('every twin names a snippet of the same language, at the file its default worker path resolves to', function () {
    for (const language of LANGUAGES) {
      for (const [prefix, twin] of Object.entries(TWINS)) {
        const spawner = language.snippets.get(prefix);
        assert.ok(spawner && language.snippets.has(twin.snippet), `${language.id}: twin ${prefix} → ${twin.snippet}`);
        const base = path.basename(twin.file, path.extname(twin.file));
        assert.match(expandSnippet(spawner.body), new RegExp(`new URL\\('\\./${base}\\.js', import\\.meta\\.url\\)`), `${language.id}: ${prefix} spawns ./${base}.js`);
      }
    }
  });

  for (const language of LANGUAGES) {
    describe(language.id, function () {
      for (const c of [...BEHAVIOUR, ...defaultCases(language)]) {
        describe(c.name, function () {
          const result = (): CaseResult => results.get(key(language, c.name))!;

          const checked = language.id === 'typescript' ? 'type-checks under strict, as .ts and as .tsx' : 'type-checks with checkJs (strict but for noImplicitAny)';
          it(checked, function () {
            assert.deepEqual(result().typeErrors, [], result().typeErrors.join('\n'));
          });

          it('gets no finding from fearless check', function () {
            assert.deepEqual(result().findings, [], result().findings.join('\n'));
          });

          const title = 'failsWith' in c.expect ? `runs and fails with ${c.expect.failsWith}` : `runs and prints ${JSON.stringify(c.expect.stdout)}`;
          it(title, function () {
            const run = result().run;
            assert.ok(run, 'did not run');
            const context = `exit ${run.code}${run.timedOut ? ' (timed out)' : ''}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
            if ('failsWith' in c.expect) {
              assert.ok(!run.timedOut && run.code !== 0, `should fail:\n${context}`);
              assert.match(run.stderr, c.expect.failsWith, context);
            } else {
              assert.equal(run.code, 0, context);
              assert.equal(run.stderr, '', context);
              assert.deepEqual(run.stdout.split('\n').filter(Boolean), c.expect.stdout, context);
            }
          });
        });
      }
    });
  }
});

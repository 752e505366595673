/**
 * Deterministic corpora of many package roots, the shape that made one project per package root
 * cost gigabytes (issue 16). `many-roots`: a monorepo of 100 small packages, each with its own
 * package.json (two of three with a tsconfig.json, options varied as real repositories vary them),
 * each linking the workspace's `shared-lib` through its own `node_modules` as pnpm does. `repo-like`:
 * a test runner's repository, src/ of about 8 kLOC, ~100 fixture packages under test/fixtures/, and
 * the committed symlink test/node_modules/<runner> -> ../../ back to the root, a cycle for any walker
 * that follows links. Same bytes every run. @types/node is this repository's, linked in as installed.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface RootsCorpus {
  dir: string;
  /** Source files (.ts/.js) outside node_modules. */
  files: number;
  lines: number;
  /** Directories holding a package.json. */
  packages: number;
}

const TYPES_NODE = path.resolve(__dirname, '..', 'node_modules', '@types', 'node');

/** Writes the files of a corpus under `dir` and counts them. */
class Writer {
  files = 0;
  lines = 0;
  packages = 0;
  constructor(readonly dir: string) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    // Installed, not committed: the machine's @types/node, as `npm install` would have put it there.
    this.link(TYPES_NODE, 'node_modules/@types/node');
  }

  write(rel: string, text: string): void {
    const file = path.join(this.dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    if (/\.[cm]?[jt]s$/.test(rel)) {
      this.files++;
      this.lines += text.split('\n').length - 1;
    }
  }

  json(rel: string, value: unknown): void {
    if (path.basename(rel) === 'package.json') this.packages++;
    this.write(rel, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** A symlink at `rel`; a target inside the corpus is written relative, as git would store it. */
  link(target: string, rel: string): void {
    const at = path.join(this.dir, rel);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    const inside = !path.relative(this.dir, target).startsWith('..');
    fs.symlinkSync(inside ? path.relative(path.dirname(at), target) || '.' : target, at, 'dir');
  }

  done(): RootsCorpus {
    return { dir: this.dir, files: this.files, lines: this.lines, packages: this.packages };
  }
}

/** About 27 lines of ordinary typed code: an entry type, a collector class, a retrying helper. */
function unit(p: string, k: number): string {
  return `
export interface ${p}Entry${k} { id: string; attempts: number; durationMs: number; tags: readonly string[] }

export class ${p}Collector${k} {
  private readonly entries: ${p}Entry${k}[] = [];
  private total = 0;

  record(entry: ${p}Entry${k}): void {
    this.entries.push(entry);
    this.total += entry.durationMs;
  }

  slowest(limit = ${3 + (k % 5)}): ${p}Entry${k}[] {
    return [...this.entries].sort((a, b) => b.durationMs - a.durationMs).slice(0, limit);
  }

  summary(): string {
    const tags = new Set(this.entries.flatMap(e => e.tags));
    return \`\${this.entries.length} entries, \${this.total} ms, tags: \${[...tags].sort().join(', ')}\`;
  }
}

export function retry${p}${k}<T>(fn: () => T, attempts = ${2 + (k % 3)}): T {
  let last: unknown;
  for (let n = 0; n < attempts; n++) {
    try { return fn(); } catch (err) { last = err; }
  }
  throw last instanceof Error ? last : new Error(String(last));
}
`;
}

/** An ordinary module of `units` units named after `p`, after the imports given. */
function ordinary(p: string, units: number, imports = ''): string {
  let text = imports;
  for (let k = 0; k < units; k++) text += unit(p, k);
  return text;
}

/**
 * Spawns `./<workerModule>.js` and shares an Int32Array over a SharedArrayBuffer with it: the main
 * thread counts with Atomics and releases the worker through a flag it waits on. `racy` adds the
 * plain increment of a shared cell both threads make, the bug a test fixture would carry.
 */
function spawner(name: string, workerModule: string, racy: boolean, imports = ''): string {
  return `import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
${imports}
export async function ${name}(rounds: number): Promise<number> {
  const shared = new Int32Array(new SharedArrayBuffer(4 * 4));
  const worker = new Worker(new URL('./${workerModule}.js', import.meta.url), { workerData: { shared, rounds } });
  worker.on('error', (err) => console.error(err));
  for (let k = 0; k < rounds; k++) Atomics.add(shared, 0, 1);
${racy ? '  shared[2]++;\n' : ''}  Atomics.store(shared, 1, 1);
  Atomics.notify(shared, 1);
  await once(worker, 'exit');
  return Atomics.load(shared, 0);
}
`;
}

/** The spawned side: waits for the main thread's flag, counts, and reports its total. */
function worker(racy: boolean): string {
  return `import { parentPort, workerData } from 'node:worker_threads';

const { shared, rounds } = workerData as { shared: Int32Array<SharedArrayBuffer>; rounds: number };
Atomics.wait(shared, 1, 0);
for (let k = 0; k < rounds; k++) Atomics.add(shared, 0, 1);
${racy ? 'shared[2]++;\n' : ''}parentPort?.postMessage(Atomics.load(shared, 0));
`;
}

/** shared-lib's mutex: a lock word in shared memory, taken with compareExchange. */
const MUTEX = `export class Mutex {
  constructor(private readonly cell: Int32Array<SharedArrayBuffer>, private readonly index = 0) {}

  lock(): void {
    while (Atomics.compareExchange(this.cell, this.index, 0, 1) !== 0) Atomics.wait(this.cell, this.index, 1);
  }

  unlock(): void {
    Atomics.store(this.cell, this.index, 0);
    Atomics.notify(this.cell, this.index, 1);
  }

  run<T>(fn: () => T): T {
    this.lock();
    try {
      return fn();
    } finally {
      this.unlock();
    }
  }
}
`;

const LIB_MODULES = ['queue', 'retry', 'format', 'events', 'ids', 'stats', 'cache', 'paths', 'config'];

/** The workspace library every package imports: ~10 modules, an exports map to its .ts sources. */
function writeSharedLib(w: Writer): void {
  w.json('lib/package.json', {
    name: 'shared-lib', version: '1.0.0', private: true, type: 'module',
    exports: { '.': './index.ts', './mutex': './mutex.ts', './*': './*.ts' },
  });
  w.json('lib/tsconfig.json', {
    compilerOptions: { target: 'es2024', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2024'], types: ['node'], strict: true, noEmit: true },
  });
  w.write('lib/mutex.ts', MUTEX);
  LIB_MODULES.forEach((m, i) => w.write(`lib/${m}.ts`, ordinary(`Lib${i}`, 2 + (i % 3))));
  w.write('lib/index.ts', ['mutex', ...LIB_MODULES].map(m => `export * from './${m}.js';\n`).join(''));
}

/** A package's compiler options, varied as the packages of one monorepo vary them. */
function packageOptions(i: number): Record<string, unknown> {
  const options: Record<string, unknown> = {
    target: i % 5 === 0 ? 'es2022' : i % 5 === 1 ? 'es2023' : 'es2024',
    lib: i % 10 === 3 ? ['es2022'] : i % 10 === 7 ? ['es2024', 'dom'] : ['es2024'],
  };
  if (i % 2 === 0) options.strict = true;
  if (i % 4 !== 0) options.types = ['node']; // the rest rely on automatic @types inclusion
  if (i % 3 !== 1) Object.assign(options, { module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, skipLibCheck: i % 6 === 0 });
  return options;
}

/** The monorepo: `shared-lib` in lib/, and `packages` packages under packages/ (replacing what `dir` held). */
export function writeManyRoots(dir: string, packages = 100): RootsCorpus {
  const w = new Writer(dir);
  w.json('package.json', { name: 'many-roots', private: true, workspaces: ['lib', 'packages/*'] });
  w.json('tsconfig.base.json', { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, skipLibCheck: true } });
  writeSharedLib(w);
  for (let i = 0; i < packages; i++) {
    const pkg = `packages/pkg${i}`;
    w.json(`${pkg}/package.json`, { name: `pkg${i}`, version: '0.0.0', private: true, type: 'module', dependencies: { 'shared-lib': 'workspace:*' } });
    if (i % 3 !== 2) {
      w.json(`${pkg}/tsconfig.json`, {
        ...(i % 3 === 1 ? { extends: '../../tsconfig.base.json' } : {}),
        compilerOptions: packageOptions(i),
        include: ['src'],
      });
    }
    w.link(path.join(dir, 'lib'), `${pkg}/node_modules/shared-lib`);
    const racy = i % 7 === 0;
    const extra = i % 3; // 3 to 5 files
    w.write(`${pkg}/src/spawn.ts`, spawner('countTogether', 'worker', racy, `import { Mutex } from 'shared-lib/mutex';\n\nexport const lock = new Mutex(new Int32Array(new SharedArrayBuffer(4)));\n`));
    w.write(`${pkg}/src/worker.ts`, worker(racy));
    for (let e = 0; e < extra; e++) w.write(`${pkg}/src/part${e}.ts`, ordinary(`Pkg${i}Part${e}`, 2, `import { retryLib1${e} } from 'shared-lib';\n\nexport const retried${e} = retryLib1${e}(() => ${i + e});\n`));
    const parts = Array.from({ length: extra }, (_, e) => `export * from './part${e}.js';\n`).join('');
    w.write(`${pkg}/src/index.ts`, `import { Lib0Collector0, Lib3Collector1 } from 'shared-lib';\nimport { countTogether, lock } from './spawn.js';\n${parts}
export async function main${i}(): Promise<string> {
  const timings = new Lib0Collector0();
  const events = new Lib3Collector1();
  const total = await countTogether(${10 + i});
  lock.run(() => timings.record({ id: 'pkg${i}', attempts: 1, durationMs: total, tags: ['count'] }));
  events.record({ id: 'done', attempts: 1, durationMs: 0, tags: [] });
  return \`\${timings.summary()} / \${events.summary()}\`;
}
`);
  }
  return w.done();
}

/**
 * The runner's public API, what every fixture imports by the package's name. Test files run in
 * workers, so registering a test tells the main thread: each fixture that calls `test` uses a
 * declaration that touches a thread API, as in the runner of the report.
 */
const API = `import { isMainThread, parentPort } from 'node:worker_threads';

export type TestFn = () => void | Promise<void>;

interface Registered { name: string; fn: TestFn; suite: readonly string[] }

const registered: Registered[] = [];
const suites: string[] = [];

export function describe(name: string, body: () => void): void {
  suites.push(name);
  try {
    body();
  } finally {
    suites.pop();
  }
}

export function test(name: string, fn: TestFn): void {
  registered.push({ name, fn, suite: [...suites] });
  if (!isMainThread) parentPort?.postMessage({ type: 'registered', name, suite: [...suites] });
}

export function expect<T>(actual: T) {
  return {
    toBe(expected: T): void {
      if (!Object.is(actual, expected)) throw new Error(\`expected \${String(expected)}, got \${String(actual)}\`);
    },
    toEqual(expected: T): void {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error('not equal');
    },
  };
}

export function tests(): readonly Registered[] {
  return registered;
}
`;

const AREAS = ['reporters', 'runner', 'config', 'snapshot', 'watch', 'coverage', 'utils'];
const FIXTURE_KINDS = ['esm', 'cjs', 'timeout', 'snapshot', 'workers', 'shared-memory', 'retry', 'only', 'skip', 'hooks'];

/** A test file valid as JavaScript and as TypeScript; `cjs` requires the runner instead. */
function fixtureTest(name: string, k: number, cjs: boolean): string {
  const load = cjs ? `const { describe, test, expect } = require('swift-runner');` : `import { describe, test, expect } from 'swift-runner';`;
  return `${load}

describe('${name} ${k}', () => {
  test('adds', () => {
    expect(${k} + 1).toBe(${k + 1});
  });

  test('waits', async () => {
    const value = await new Promise(resolve => setTimeout(() => resolve(${k}), 1));
    expect(value).toEqual(${k});
  });
});
`;
}

/** The test runner's repository with `fixtures` fixture packages (replacing what `dir` held). */
export function writeRepoLike(dir: string, fixtures = 100): RootsCorpus {
  const w = new Writer(dir);
  const name = 'swift-runner';
  w.json('package.json', { name, version: '3.1.0', type: 'module', exports: { '.': './src/index.ts', './worker': './src/pool/worker0.ts' }, bin: { [name]: './src/cli.ts' } });
  w.json('tsconfig.json', {
    compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2023'], types: ['node'], strict: true, noEmit: true },
    include: ['src'],
  });
  w.write('src/api.ts', API);
  // Four pools of workers, and 34 ordinary modules of about 230 lines, each importing the one before.
  const exports = ['api'];
  for (let p = 0; p < 4; p++) {
    w.write(`src/pool/pool${p}.ts`, spawner(`runPool${p}`, `worker${p}`, p === 3));
    w.write(`src/pool/worker${p}.ts`, worker(p === 3));
    exports.push(`pool/pool${p}`);
  }
  for (let m = 0; m < 34; m++) {
    const rel = `${AREAS[m % AREAS.length]}/module${m}`;
    const previous = m > 0 ? `import { retryMod${m - 1}0 } from '../${AREAS[(m - 1) % AREAS.length]}/module${m - 1}.js';\n\nexport const ready${m} = retryMod${m - 1}0(() => ${m});\n` : '';
    w.write(`src/${rel}.ts`, ordinary(`Mod${m}`, 8, previous));
    exports.push(rel);
  }
  w.write('src/index.ts', exports.map(e => `export * from './${e}.js';\n`).join(''));
  w.write('src/cli.ts', `#!/usr/bin/env node\nimport { tests } from './index.js';\n\nfor (const t of tests()) await t.fn();\n`);
  // Committed in the repository so that fixtures import the runner by its name.
  w.link(dir, `test/node_modules/${name}`);
  for (let i = 0; i < fixtures; i++) {
    const kind = FIXTURE_KINDS[i % FIXTURE_KINDS.length];
    const fixture = `test/fixtures/${kind}-${Math.floor(i / FIXTURE_KINDS.length)}`;
    const cjs = kind === 'cjs';
    const ts = (i + Math.floor(i / FIXTURE_KINDS.length)) % 2 === 0 && !cjs;
    w.json(`${fixture}/package.json`, { name: `fixture-${i}`, private: true, type: cjs ? 'commonjs' : 'module' });
    if (i % 3 === 0) {
      w.json(`${fixture}/tsconfig.json`, { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', allowJs: true, strict: i % 2 === 0, noEmit: true } });
    }
    const ext = ts ? 'ts' : 'js';
    w.write(`${fixture}/basic.test.${ext}`, fixtureTest(kind, i, cjs));
    if (kind === 'workers' || kind === 'shared-memory') {
      w.write(`${fixture}/spawn.ts`, spawner('countTogether', 'worker', kind === 'shared-memory'));
      w.write(`${fixture}/worker.ts`, worker(kind === 'shared-memory'));
    } else if (i % 4 === 1) {
      w.write(`${fixture}/second.test.${ext}`, fixtureTest(`${kind} again`, i + 1, cjs));
    }
  }
  return w.done();
}

/**
 * What the reliability tests feed the analyzer: the repository's own fixtures and examples (real
 * code, as seeds), random edits of them, generated concurrency code, and hand-made pathological
 * projects. Everything random is seeded: `FEARLESS_FUZZ_SEED` picks the seed, `FEARLESS_FUZZ_RUNS`
 * scales the number of cases (`npm run fuzz` runs many more than the default).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { isSourceFile } from '../../../server/src/analysis/program/files';

const ROOT = path.join(__dirname, '..', '..', '..');

export const FUZZ_SEED = Number(process.env.FEARLESS_FUZZ_SEED ?? 20261201);
const FUZZ_RUNS = process.env.FEARLESS_FUZZ_RUNS ? Number(process.env.FEARLESS_FUZZ_RUNS) : undefined;

/** Cases for one property: its default, or `FEARLESS_FUZZ_RUNS` when set. */
export function runs(byDefault: number): number {
  return FUZZ_RUNS ?? byDefault;
}

/** Whether this is the long run: the tests that scale with it stretch their hang guards too. */
export const LONG_RUN = FUZZ_RUNS !== undefined;

/** A project to analyse: paths relative to its directory, and their texts. */
export type Case = Record<string, string>;

/**
 * Seeds: each fixture file alone, each folder fixture (and each examples project) whole, so that
 * spawns and imports between its files still resolve after edits.
 */
export function seedCases(): Case[] {
  const cases: Case[] = [];
  const fixtures = path.join(ROOT, 'test', 'fixtures');
  for (const rule of fs.readdirSync(fixtures).sort()) {
    const dir = path.join(fixtures, rule);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const at = path.join(dir, entry.name);
      if (entry.isDirectory()) cases.push(readTree(at));
      else if (isSourceFile(at)) cases.push({ [entry.name]: fs.readFileSync(at, 'utf8') });
    }
  }
  for (const project of ['wordfreq', 'exercises']) cases.push(readTree(path.join(ROOT, 'examples', project, 'src')));
  return cases.filter(c => Object.keys(c).length > 0);
}

function readTree(dir: string): Case {
  const out: Case = {};
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (isSourceFile(path.join(dir, rel))) out[rel] = fs.readFileSync(path.join(dir, rel), 'utf8');
  }
  return out;
}

/** Fragments that break things: brackets, unterminated tokens, odd line ends and code points. */
const TRICKY = [
  '{', '}', '(', ')', '[', ']', '<', '>', '`', '${', '"', "'", '/*', '*/', '//', '/', '\\', ';', ',', '=>', '...',
  '\r\n', '\r', '\n', '\u2028', '\uFEFF', '\0', '\uD83D', '\uDE00', '😀', '𝒳', 'é', '\t',
  ' as any', ': any', '<any>', '!', '?.', '??', 'await ', 'yield ', 'async ', 'function ', 'class ', 'new ',
  'Atomics.', 'postMessage(', 'new Worker(', 'workerData', 'parentPort', 'SharedArrayBuffer', 'Int32Array',
  '.lock()', '.unlock()', 'try {', '} finally {', 'return;', 'break;', 'throw e;', 'while (true) {', 'if (x) ',
  '// fearless-ignore-next-line', '/* fearless-ignore-file */', '/** @shared */', '/** @guardedBy m */',
];

const snippet: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
);

/** One random edit, with positions as fractions of the text so they fit any text. */
type Edit =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'duplicate'; at: number; length: number; to: number }
  | { kind: 'truncate'; at: number };

const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fraction, length: fc.nat({ max: 80 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fraction, text: snippet }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fraction, length: fc.nat({ max: 200 }), to: fraction }),
  fc.record({ kind: fc.constant('truncate' as const), at: fraction }),
);

function applyEdit(text: string, e: Edit): string {
  const at = Math.floor(e.at * text.length);
  switch (e.kind) {
    case 'delete': return text.slice(0, at) + text.slice(at + e.length);
    case 'insert': return text.slice(0, at) + e.text + text.slice(at);
    case 'duplicate': {
      const span = text.slice(at, at + e.length);
      const to = Math.floor(e.to * text.length);
      return text.slice(0, to) + span + text.slice(to);
    }
    case 'truncate': return text.slice(0, at);
  }
}

/** A seed with a few random edits in one or more of its files (the others left as they were). */
export function mutatedCase(seeds: readonly Case[]): fc.Arbitrary<Case> {
  return fc.record({
    seed: fc.nat({ max: seeds.length - 1 }),
    edits: fc.array(fc.record({ file: fc.nat(), edits: fc.array(edit, { minLength: 1, maxLength: 5 }) }), { minLength: 1, maxLength: 3 }),
  }).map(({ seed, edits }) => {
    const out = { ...seeds[seed] };
    const names = Object.keys(out);
    for (const { file, edits: list } of edits) {
      const name = names[file % names.length];
      out[name] = list.reduce(applyEdit, out[name]);
    }
    return out;
  });
}

/**
 * Generated code in the shapes the rules look at (shared memory, Atomics, workers, messages, ports,
 * locks), nested in random control flow, as a main module and the worker it spawns. A prelude makes
 * the shared memory, the worker and a lock, so that most statements touch something real.
 */
export function generatedCase(): fc.Arbitrary<Case> {
  const view = fc.constantFrom('a', 'counts', 'floats', 'local', 'copy', 'any');
  const index = fc.constantFrom('0', '1', 'i', 'n - 1', '-1', '2 ** 40');
  const statement: fc.Arbitrary<string> = fc.oneof(
    fc.tuple(view, index, fc.constantFrom('++', '--', ' += 2', ' = 1', ' |= 4', '')).map(([v, i, op]) => `${v}[${i}]${op};`),
    fc.tuple(fc.constantFrom('add', 'sub', 'load', 'store', 'wait', 'notify', 'compareExchange', 'waitAsync', 'exchange'), view, index)
      .map(([op, v, i]) => `Atomics.${op}(${v}, ${i}, 0, 1);`),
    fc.tuple(view, fc.constantFrom('', ', [v.buffer]', ', [port2]', ', [sab]')).map(([v, list]) => `w.postMessage({ v: ${v}, port2 }${list.replace('v.', `${v}.`)});`),
    fc.tuple(view).map(([v]) => `parentPort?.postMessage(${v}, [${v}.buffer]);`),
    fc.tuple(view).map(([v]) => `${v}.fill(0); ${v}.set([1]); ${v}.sort();`),
    fc.tuple(view, view).map(([v, u]) => `m.lock(); try { ${v}[0]++; } finally { m.unlock(); } ${u}[1] = 2;`),
    fc.tuple(view).map(([v]) => `m.lock(); ${v}[0]++; m.unlock();`),
    fc.constantFrom(
      'm.lock(); m.lock(); m.unlock();', 'm.unlock();', 'm.lock(); await work(); m.unlock();', 'm.lock(); m.unlock();',
      'while (Atomics.load(a, 0) === 0) {}', 'while (a[0] === 0) {}', 'for (;;) { if (counts[0]) break; }',
      'Atomics.wait(a, 0, 0);', 'if (Atomics.wait(a, 0, 0) === "ok") {}',
      'port1.on("message", () => {});', 'port1.addEventListener("message", () => {});', 'port1.close();',
      'w.on("exit", () => {}); w.on("error", (e) => { throw e; });', 'w.unref();', 'await once(w, "exit");',
      'w.postMessage(() => 1);', 'w.postMessage({ p: Promise.resolve(1), s: Symbol() });',
      'class Box { #x = 1; get y() { return 1; } m() {} } w.postMessage(new Box());',
      'type Rec<T> = { next: Rec<T> } | T; const r: Rec<number> = 1; w.postMessage(r);',
      'type Deep<T> = T extends object ? { [K in keyof T]: Deep<T[K]> } : T; const d = {} as Deep<Int32Array>; w.postMessage(d);',
      'const late = new Worker(new URL("./missing.js", import.meta.url));', 'new Worker("./worker.js");',
      'const s = "😀𝒳\\uD800"; const 𝒳 = s.length;', 'label: for (const _ of [1]) { continue label; }',
      'throw new Error("x");', 'return;', 'i++;', 'await work();',
    ),
  );
  const opener = fc.constantFrom(
    ['if (x) {', '}'], ['while (x) {', '}'], ['for (let j = 0; j < n; j++) {', '}'], ['try {', '} finally { work(); }'],
    ['try {', '} catch (e) { throw e; }'], ['function f() {', '}'], ['async function g() {', '}'], ['const h = async () => {', '};'],
    ['class C { async m() {', '} }'], ['switch (n) { case 1: {', '} }'], ['{', '}'], ['do {', '} while (x);'],
  );
  const block: fc.Arbitrary<string> = fc.letrec<{ block: string }>(tie => ({
    block: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.array(statement, { maxLength: 4 }).map(list => list.join('\n')),
      fc.tuple(opener, tie('block')).map(([[open, close], body]) => `${open}\n${body}\n${close}`),
      fc.tuple(tie('block'), tie('block')).map(([first, second]) => `${first}\n${second}`),
    ),
  })).block;
  const prelude = (role: 'main' | 'worker'): string => `import { MessageChannel, Worker, parentPort, workerData } from 'node:worker_threads';
import { once } from 'node:events';
declare const x: boolean, n: number, any: any;
declare function work(): Promise<void>;
class Mutex { lock(): void {} unlock(): void {} }
let i = 0;
const m = new Mutex();
const sab = ${role === 'main' ? 'new SharedArrayBuffer(64)' : '(workerData as { sab: SharedArrayBuffer }).sab'};
const a = new Int32Array(sab), counts = new Int32Array(sab, 16), floats = new Float64Array(sab);
const local = new Int32Array(4), copy = a.slice();
const { port1, port2 } = new MessageChannel();
const w = new Worker(new URL('./${role === 'main' ? 'worker' : 'main'}.js', import.meta.url), { workerData: { sab, a, counts } });
`;
  return fc.record({ main: block, worker: block, ext: fc.constantFrom('ts', 'mts', 'tsx') }).map(({ main, worker, ext }) => ({
    [`main.${ext}`]: `${prelude('main')}${main}\nexport {};\n`,
    [`worker.${ext}`]: `${prelude('worker')}${worker}\nexport {};\n`,
  }));
}

/** Hand-made worst cases, each a project of its own; one is a file of `longLines` lines. */
export function pathologicalCases(longLines = 50_000): Record<string, Case> {
  const fixture = fs.readFileSync(path.join(ROOT, 'examples', 'wordfreq', 'src', 'worker.ts'), 'utf8');
  const main = fs.readFileSync(path.join(ROOT, 'examples', 'wordfreq', 'src', 'main.ts'), 'utf8');
  const deep = 10_000;
  const garbage = Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919 + 13) % 0xffff)).join('');
  const lines: string[] = ["import { Worker } from 'node:worker_threads';", 'const sab = new SharedArrayBuffer(1024);', 'const a = new Int32Array(sab);'];
  for (let i = 0; lines.length < longLines; i++) lines.push(`export function f${i}(n: number): number { a[${i % 256}]++; return n + ${i}; }`);
  return {
    'truncated file': { 'main.ts': main.slice(0, Math.floor(main.length / 2)) },
    'unbalanced braces': { 'main.ts': main.replace(/\}/g, (b, at: number) => (at % 3 === 0 ? '' : b)) + '{{{{(((' },
    'deep parentheses': { 'deep.ts': `export const x = ${'('.repeat(deep)}1${')'.repeat(deep)};\n` },
    'deep blocks with shared writes': { 'deep.ts': `const a = new Int32Array(new SharedArrayBuffer(8));\nexport function f() ${'{ a[0]++; '.repeat(deep)}${'}'.repeat(deep)}\n` },
    'deep if statements': { 'deep.ts': `export function f(a: Int32Array) {\n${'if (a[0]) {\n'.repeat(deep)}a[0]++;\n${'}\n'.repeat(deep)}}\n` },
    'long member chain': { 'deep.ts': `declare const o: any;\nexport const x = o${'.a'.repeat(deep)};\n` },
    'long call chain': { 'deep.ts': `declare const o: any;\nexport const x = o${'.a()'.repeat(deep)};\n` },
    'long && chain': { 'deep.ts': `declare const a: boolean;\nexport const x = ${Array(deep).fill('a').join(' && ')};\n` },
    'deep arrays': { 'deep.ts': `export const x = ${'['.repeat(deep)}${']'.repeat(deep)};\n` },
    'deep types': { 'deep.ts': `export type T = ${'Array<'.repeat(deep)}number${'>'.repeat(deep)};\n` },
    'deep template literals': { 'deep.ts': `export const x = ${'`${'.repeat(deep)}1${'}`'.repeat(deep)};\n` },
    'deep file imported by a normal one': {
      'main.ts': `import { x } from './deep.js';\nimport { Worker } from 'node:worker_threads';\nconst a = new Int32Array(new SharedArrayBuffer(4));\nnew Worker(new URL('./w.js', import.meta.url), { workerData: { a, x } });\na[0]++;\nexport {};\n`,
      'deep.ts': `export const x = ${'('.repeat(deep)}1${')'.repeat(deep)};\n`,
      'w.ts': `import { workerData } from 'node:worker_threads';\nconst { a } = workerData as { a: Int32Array };\na[0]++;\nexport {};\n`,
    },
    [`${longLines.toLocaleString('en')}-line file`]: { 'big.ts': lines.join('\n') + '\n' },
    'huge string literal': { 'main.ts': `export const s = "${'x'.repeat(4_000_000)}";\n` + main },
    'huge template literal': { 'main.ts': `export const s = \`${'😀'.repeat(500_000)}\`;\n` + main },
    'binary garbage': { 'main.ts': garbage },
    'binary garbage without NUL': { 'main.ts': garbage.replace(/\0/g, '') },
    'CRLF line ends': { 'main.ts': main.replace(/\n/g, '\r\n'), 'worker.ts': fixture.replace(/\n/g, '\r\n') },
    'lone CR line ends': { 'main.ts': main.replace(/\n/g, '\r'), 'worker.ts': fixture.replace(/\n/g, '\r') },
    'byte-order mark': { 'main.ts': `\uFEFF${main}`, 'worker.ts': `\uFEFF${fixture}` },
    'BOM and CRLF': { 'main.ts': `\uFEFF${main.replace(/\n/g, '\r\n')}`, 'worker.ts': `\uFEFF${fixture.replace(/\n/g, '\r\n')}` },
    'emoji and surrogate pairs': {
      'main.ts': `import { Worker } from 'node:worker_threads';
const 𝒳 = new Int32Array(new SharedArrayBuffer(16)); const ß𝒴 = "😀😀\\uD83D"; const lone = "\uD83D"; const é = '\uDE00';
const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: { 𝒳, ß𝒴 } }); /* 😀 */ 𝒳[0]++; // 👩‍👩‍👧
while (𝒳[1] === 0) {} w.postMessage({ f: () => 1, s: "😀" + lone + é });
export {};
`,
      'worker.ts': `import { workerData } from 'node:worker_threads';\nconst { 𝒳 } = workerData as { 𝒳: Int32Array }; 𝒳[0]++; /* 𝒳𝒳😀 */ 𝒳[1] = 1;\nexport {};\n`,
    },
    'any everywhere': {
      'main.ts': `import { Worker } from 'node:worker_threads';
const a: any = new Int32Array(new SharedArrayBuffer(4) as any) as any;
const w: any = new (Worker as any)(new URL('./worker.js', import.meta.url) as any, { workerData: { a } as any } as any);
(a as any)[0 as any]++; (w as any).postMessage(a as any, [(a as any).buffer] as any); Atomics.add(a as any, 0, 1);
(globalThis as any).m.lock(); (a as any)[0] = 1; (globalThis as any).m.unlock();
export {};
`,
      'worker.ts': `import { workerData } from 'node:worker_threads';\nconst any: any = workerData; any.a[0]++; any.port.on('message', (m: any) => m);\nexport {};\n`,
    },
    'recursive types': {
      'main.ts': `import { Worker } from 'node:worker_threads';
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type Loop<T> = { self: Loop<T>; value: T; fn?: () => Loop<T> };
type Deep<T, N extends unknown[] = []> = N['length'] extends 40 ? T : { next: Deep<T, [...N, 1]> };
interface Node { children: Node[]; parent?: Node; port?: MessagePort }
declare const loop: Loop<Int32Array>; declare const deep: Deep<SharedArrayBuffer>; declare const tree: Node; declare const json: Json;
const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: { loop, deep, tree, json } });
w.postMessage(loop); w.postMessage(deep); w.postMessage(tree, []); w.postMessage(json);
export {};
`,
      'worker.ts': `import { workerData } from 'node:worker_threads';\nconst { loop } = workerData; loop.value[0]++; loop.self.self.value[1]++;\nexport {};\n`,
    },
    'circular imports': {
      'a.ts': `import { b, bView } from './b.js';\nexport const aView = new Int32Array(new SharedArrayBuffer(8));\nexport function a(): number { bView[0]++; return b(); }\n`,
      'b.ts': `import { a, aView } from './c.js';\nexport const bView = aView;\nexport function b(): number { aView[0]++; return a(); }\n`,
      'c.ts': `export * from './a.js';\nexport * from './c.js';\nimport './b.js';\n`,
    },
    'two workers that spawn each other': {
      'one.ts': `import { Worker, workerData } from 'node:worker_threads';
const shared: Int32Array = workerData?.shared ?? new Int32Array(new SharedArrayBuffer(8));
const w = new Worker(new URL('./two.js', import.meta.url), { workerData: { shared } });
shared[0]++; w.postMessage(shared);
export {};
`,
      'two.ts': `import { Worker, workerData } from 'node:worker_threads';
const { shared } = workerData as { shared: Int32Array };
const w = new Worker(new URL('./one.js', import.meta.url), { workerData: { shared } });
shared[1]++; w.postMessage(shared);
export {};
`,
    },
    'a worker that spawns itself': {
      'self.ts': `import { Worker, isMainThread, workerData } from 'node:worker_threads';
const a: Int32Array = isMainThread ? new Int32Array(new SharedArrayBuffer(8)) : workerData.a;
new Worker(new URL(import.meta.url), { workerData: { a } });
a[0]++;
export {};
`,
    },
    'empty files': { 'main.ts': '', 'worker.js': '', 'x.mts': '\n', 'y.cjs': '\uFEFF' },
  };
}

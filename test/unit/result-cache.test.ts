import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CheckResult, checkPaths } from '../../server/src/engine/check';
import type { CacheData } from '../../server/src/engine/result-cache';
import { RULE_SET } from '../../server/src/rules/registry';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const TSCONFIG = JSON.stringify({ compilerOptions: { target: 'es2022', lib: ['es2024'], module: 'nodenext', strict: true } });
const VERSION = '1.0.0';
/** A module no thread ever sees. */
const MODEL = 'export interface Item { id: number; name: string }\nexport function label(item: Item): string {\n  return `${item.id}:${item.name}`;\n}\n';

const made: string[] = [];

function fixture(relative: string): string {
  return fs.readFileSync(path.join(FIXTURES, relative), 'utf8');
}

function project(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-cache-')));
  made.push(dir);
  write(dir, { 'tsconfig.json': TSCONFIG, ...files });
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
}

function check(dir: string, previous?: unknown, version = VERSION, paths: string[] = []): CheckResult {
  return checkPaths(paths, { rules: RULE_SET, cwd: dir, cache: { previous, version } });
}

/** The findings as the report would show them, in a stable order, paths relative to the project. */
function findings(result: CheckResult, dir: string): string[] {
  return result.findings
    .map(f => JSON.stringify({ ...f, span: { ...f.span, file: path.relative(dir, f.span.file) } }))
    .sort();
}

function rules(result: CheckResult, dir: string): string[] {
  return result.findings.map(f => `${path.relative(dir, f.span.file)} ${f.rule}`).sort();
}

function analysed(result: CheckResult, dir: string): string[] {
  return result.cache!.analysed.map(f => path.relative(dir, f)).sort();
}

/** The files analysed without their program. */
function alone(result: CheckResult, dir: string): string[] {
  return result.cache!.alone.map(f => path.relative(dir, f)).sort();
}

/** The same check without a cache: what a cached run must report. */
function uncached(dir: string, paths: string[] = []): string[] {
  return findings(checkPaths(paths, { rules: RULE_SET, cwd: dir }), dir);
}

function data(result: CheckResult): CacheData {
  return result.cache!.data;
}

describe('result cache (--cache)', function () {
  this.timeout(120000);

  after(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  const crossFile = (): Record<string, string> => ({
    'main.ts': fixture('unsynchronized-shared-write/invalid-cross-file/main.ts'),
    'worker.ts': fixture('unsynchronized-shared-write/invalid-cross-file/worker.ts'),
    'model.ts': MODEL,
  });

  it('reuses every result when nothing changed, reporting the same findings', function () {
    const dir = project(crossFile());
    const first = check(dir);
    assert.deepEqual(analysed(first, dir), ['main.ts', 'model.ts', 'worker.ts']);
    assert.deepEqual(rules(first, dir), ['worker.ts unsynchronized-shared-write', 'worker.ts unsynchronized-shared-write']);
    const second = check(dir, data(first));
    assert.deepEqual(analysed(second, dir), []);
    assert.deepEqual(findings(second, dir), findings(first, dir));
    assert.deepEqual(second.texts.get(path.join(dir, 'worker.ts')), fixture('unsynchronized-shared-write/invalid-cross-file/worker.ts'));
  });

  it('analyses only a changed file that takes no part in threads', function () {
    const dir = project(crossFile());
    const first = check(dir);
    assert.deepEqual(alone(first, dir), []);
    write(dir, { 'model.ts': `${MODEL}// a comment\n` });
    const second = check(dir, data(first));
    assert.deepEqual(analysed(second, dir), ['model.ts']);
    assert.deepEqual(alone(second, dir), ['model.ts']);
    assert.deepEqual(findings(second, dir), uncached(dir));
    assert.deepEqual(analysed(check(dir, data(second)), dir), []);
    // What it reports without its program is what it reports with it: a parse error, here.
    write(dir, { 'model.ts': `${MODEL}export function broken( {\n` });
    const third = check(dir, data(second));
    assert.deepEqual(alone(third, dir), ['model.ts']);
    assert.deepEqual(rules(third, dir), ['model.ts parse-error', 'worker.ts unsynchronized-shared-write', 'worker.ts unsynchronized-shared-write']);
    assert.deepEqual(findings(third, dir), uncached(dir));
  });

  it('analyses a changed file on its program when it comes to take part in threads', function () {
    const dir = project(crossFile());
    const cases: Record<string, string> = {
      'a thread API': `${MODEL}export const cells = new Int32Array(8);\nAtomics.add(cells, 0, 1);\n`,
      'an ignore comment': `${MODEL}// fearless-ignore-next-line unsynchronized-shared-write\nexport const n = 1;\n`,
      'another module imported': `import './worker';\n${MODEL}`,
      'a spawn': `import { Worker } from 'node:worker_threads';\n${MODEL}export const w = new Worker('./worker.js');\n`,
    };
    let previous = data(check(dir));
    for (const [what, text] of Object.entries(cases)) {
      write(dir, { 'model.ts': text });
      const result = check(dir, previous);
      assert.ok(analysed(result, dir).includes('model.ts'), what);
      assert.deepEqual(alone(result, dir), [], what);
      assert.deepEqual(findings(result, dir), uncached(dir), what);
      write(dir, { 'model.ts': MODEL });
      previous = data(check(dir, data(result)));
    }
  });

  it('analyses a worker again when what its spawner sends changes', function () {
    const dir = project(crossFile());
    const first = check(dir);
    // Plain memory sent: no other thread shares it, so the worker's writes are no race.
    write(dir, { 'main.ts': fixture('unsynchronized-shared-write/invalid-cross-file/main.ts').replace('new SharedArrayBuffer(8)', 'new ArrayBuffer(8)') });
    const second = check(dir, data(first));
    assert.deepEqual(analysed(second, dir), ['main.ts', 'worker.ts']);
    assert.deepEqual(rules(second, dir), []);
    assert.deepEqual(findings(second, dir), uncached(dir));
    // And back: the race is found again from the cache of the run that did not report it.
    write(dir, crossFile());
    const third = check(dir, data(second));
    assert.deepEqual(analysed(third, dir), ['main.ts', 'worker.ts']);
    assert.deepEqual(findings(third, dir), findings(first, dir));
  });

  // A stage that blocks at its top level is a main thread until a file spawns it (test/lsp/cross-file.test.ts).
  const STAGE = "import path from 'node:path';\nimport { Worker } from 'node:worker_threads';\n\n" +
    "const state = new Int32Array(new SharedArrayBuffer(4));\n" +
    "const leaf = new Worker(path.join(__dirname, 'leaf.js'), { workerData: { state } });\n" +
    "leaf.on('error', (err) => console.error(err));\nAtomics.wait(state, 0, 0);\n";
  const LEAF = "import { workerData } from 'node:worker_threads';\n\n" +
    'const state = workerData.state as Int32Array<SharedArrayBuffer>;\nAtomics.store(state, 0, 1);\nAtomics.notify(state, 0);\n';
  const MAIN = "import path from 'node:path';\nimport { Worker } from 'node:worker_threads';\n\n" +
    "export function start(): Worker {\n  const stage = new Worker(path.join(__dirname, 'stage.js'));\n" +
    "  stage.on('error', (err) => console.error(err));\n  return stage;\n}\n";

  it('analyses a worker again when a new file spawns it', function () {
    const dir = project({ 'stage.ts': STAGE, 'leaf.ts': LEAF, 'model.ts': MODEL });
    const first = check(dir);
    const blocking = (result: CheckResult): boolean => rules(result, dir).includes('stage.ts blocking-wait-on-main-thread');
    assert.ok(blocking(first));
    write(dir, { 'main.ts': MAIN });
    const second = check(dir, data(first));
    assert.deepEqual(analysed(second, dir), ['main.ts', 'stage.ts']);
    assert.ok(!blocking(second));
    assert.deepEqual(findings(second, dir), uncached(dir));
    // The spawner removed: the stage is a main thread again.
    fs.rmSync(path.join(dir, 'main.ts'));
    const third = check(dir, data(second));
    assert.ok(analysed(third, dir).includes('stage.ts'));
    assert.deepEqual(findings(third, dir), findings(first, dir));
  });

  it('analyses a file again when its lock-order inversion changes in another file', function () {
    const dir = project({
      'locks.ts': fixture('lock-order-inversion/invalid-two-files/locks.ts'),
      'reserve.ts': fixture('lock-order-inversion/invalid-two-files/reserve.ts'),
      'cancel.ts': fixture('lock-order-inversion/invalid-two-files/cancel.ts'),
      'model.ts': MODEL,
    });
    const first = check(dir);
    assert.deepEqual(rules(first, dir), ['cancel.ts lock-order-inversion', 'reserve.ts lock-order-inversion']);
    // cancel.ts takes the locks in reserve.ts' order now: no cycle left.
    const swapped = fixture('lock-order-inversion/invalid-two-files/cancel.ts')
      .replaceAll('ordersLock', '\0').replaceAll('inventoryLock', 'ordersLock').replaceAll('\0', 'inventoryLock');
    write(dir, { 'cancel.ts': swapped });
    const second = check(dir, data(first));
    assert.deepEqual(analysed(second, dir), ['cancel.ts', 'reserve.ts']);
    assert.deepEqual(rules(second, dir), []);
    assert.deepEqual(findings(second, dir), uncached(dir));
  });

  it('analyses again the files that mention a name a changed file gives to the thread names', function () {
    const dir = project({ ...crossFile(), 'use.ts': "import { label } from './model';\nexport const shown = label({ id: 1, name: 'a' });\n" });
    const first = check(dir);
    // `label` now mentions shared memory: every file mentioning it may take part in threads.
    write(dir, { 'model.ts': MODEL.replace('return `', 'void new SharedArrayBuffer(8);\n  return `') });
    const second = check(dir, data(first));
    assert.deepEqual(analysed(second, dir), ['model.ts', 'use.ts']);
    assert.deepEqual(findings(second, dir), uncached(dir));
  });

  it('keeps the texts of the files outside the check its findings point into, and sees them change', function () {
    const types = 'export interface Input {\n  counts: Int32Array<SharedArrayBuffer>;\n}\n';
    const dir = project({
      'types.ts': types,
      // `input.counts` is shared because its declared type says so: the related place is in types.ts.
      'worker.ts': "import type { Input } from './types.js';\nexport function bump(input: Input): void {\n  input.counts[0]++;\n}\n",
    });
    const first = check(dir, undefined, VERSION, ['worker.ts']);
    assert.ok(first.findings.some(f => f.related.some(r => r.span.file === path.join(dir, 'types.ts'))));
    const second = check(dir, data(first), VERSION, ['worker.ts']);
    assert.deepEqual(analysed(second, dir), []);
    assert.equal(second.texts.get(path.join(dir, 'types.ts')), types);
    assert.deepEqual(findings(second, dir), findings(first, dir));
    write(dir, { 'types.ts': `// The input of a worker.\n${types}` });
    const third = check(dir, data(second), VERSION, ['worker.ts']);
    assert.deepEqual(analysed(third, dir), ['worker.ts']);
    assert.deepEqual(findings(third, dir), uncached(dir, ['worker.ts']));
  });

  it('analyses everything under another config, another version, or with a damaged cache', function () {
    const dir = project(crossFile());
    const first = check(dir);
    const all = ['main.ts', 'model.ts', 'worker.ts'];
    assert.deepEqual(analysed(check(dir, data(first), '1.0.1'), dir), all);
    assert.deepEqual(analysed(check(dir, 'not a cache'), dir), all);
    assert.deepEqual(analysed(check(dir, { ...data(first), files: { [path.join(dir, 'model.ts')]: { hash: 1 } } }), dir), all);
    const damaged = JSON.parse(JSON.stringify(data(first))) as CacheData;
    damaged.files[path.join(dir, 'main.ts')].refs = 'none' as never;
    assert.deepEqual(analysed(check(dir, damaged), dir), ['main.ts']);
    write(dir, { 'fearless.json': JSON.stringify({ rules: { 'unsynchronized-shared-write': 'warning' } }) });
    const configured = check(dir, data(first));
    assert.deepEqual(analysed(configured, dir), all);
    assert.deepEqual(configured.findings.map(f => f.severity), ['warning', 'warning']);
  });
});

/**
 * The Join fixes at run time: small programs with a Join bug, fixed by the fix the engine offers (found
 * by its title, applied as the editor applies it), compiled by esbuild and run by node. Each pair shows
 * the bug and that the fix removes it: the joined program waits for its worker's result; the one with
 * an 'error' handler survives the worker's exception (logging it, or rejecting the promise its caller
 * waits on); the detached one and the one whose channel is closed exit (the unfixed ones are killed after
 * a short timeout); the path resolved from the file works from another working directory.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { type Exit, exec } from './support/processes';
import { analyzeFile } from '../server/src/engine/analyze-file';
import { RULE_SET } from '../server/src/rules/registry';
import { applyEdits } from '../server/src/engine/apply-edits';
import { Project } from '../server/src/analysis/project';
import { DEFAULT_CONFIG } from '../server/src/config/config-file';

const REPO = path.resolve(__dirname, '..');
/** How long a program that should end may run; one that should hang is killed after HANG_MS. */
const RUN_MS = 15_000;
const HANG_MS = 2_000;

function run(script: string, cwd: string, timeoutMs = RUN_MS): Promise<Exit> {
  return exec(process.execPath, [script], cwd, timeoutMs);
}

const explain = (r: Exit): string => `exit ${r.code}${r.timedOut ? ' (killed: timed out)' : ''}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

/**
 * A project in a temp folder: its sources are written, `fix` rewrites one of them with the engine's fix,
 * `build` compiles every source (`src/x.ts` → `dist/x.js` when there is a `src/`, else beside it).
 */
class RuntimeProject {
  readonly dir: string;

  constructor(files: Record<string, string>) {
    this.dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-join-')));
    // The repository's packages stand in for the project's own: node:worker_threads gets its types.
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(this.dir, 'node_modules'), 'dir');
    for (const [rel, text] of Object.entries(files)) this.write(rel, text);
  }

  write(rel: string, text: string): void {
    const file = path.join(this.dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }

  read(rel: string): string {
    return fs.readFileSync(path.join(this.dir, rel), 'utf8');
  }

  /** Applies the fix titled `title` of the `rule` finding in `rel`, writes the result back, and returns it. */
  fix(rel: string, rule: string, title: string): string {
    const file = path.join(this.dir, rel);
    const sources = fs.readdirSync(this.dir, { recursive: true, encoding: 'utf8' })
      .filter(f => /\.[cm]?ts$/.test(f) && !f.startsWith('node_modules')).map(f => path.join(this.dir, f));
    const project = new Project();
    for (const f of sources) project.workspace.add(f);
    for (const f of sources) project.readSpawns(f);
    const parsed = project.workspace.get(file)!;
    const analysis = analyzeFile(parsed.sourceFile, parsed.program, RULE_SET, DEFAULT_CONFIG, project.context);
    assert.deepEqual(analysis.errors, []);
    const finding = analysis.findings.find(f => f.rule === rule);
    assert.ok(finding, `no ${rule} finding in ${rel}: ${analysis.findings.map(f => f.rule).join(', ')}`);
    const fix = finding.fixes.find(f => f.title === title);
    assert.ok(fix, `${rule} offers no "${title}": ${finding.fixes.map(f => f.title).join(' | ')}`);
    const fixed = applyEdits(parsed.sourceFile.text, fix.edits);
    assert.deepEqual(fixed.skipped, []);
    this.write(rel, fixed.text);
    return fixed.text;
  }

  build(format: 'esm' | 'cjs'): void {
    for (const rel of fs.readdirSync(this.dir, { recursive: true, encoding: 'utf8' })) {
      if (!/\.ts$/.test(rel) || rel.startsWith('node_modules')) continue;
      const out = rel.replace(/^src([\\/])/, 'dist$1').replace(/\.ts$/, '.js');
      const { code } = esbuild.transformSync(this.read(rel), { loader: 'ts', format, platform: 'node', target: 'node20' });
      this.write(out, code);
    }
  }

  /** The project before the fix, as a copy: the unfixed program runs beside the fixed one. */
  copy(): RuntimeProject {
    const twin = new RuntimeProject({});
    for (const rel of fs.readdirSync(this.dir, { recursive: true, encoding: 'utf8' })) {
      const from = path.join(this.dir, rel);
      if (rel.startsWith('node_modules') || !fs.statSync(from).isFile()) continue;
      twin.write(rel, fs.readFileSync(from, 'utf8'));
    }
    return twin;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

const ESM = '{ "type": "module" }\n';
/** Doubles its input; a negative input throws, as a bug in the worker would. */
const WORKER = `import { parentPort, workerData } from 'node:worker_threads';

const input = workerData as number;
if (input < 0) throw new Error(\`worker failed on \${input}\`);
setTimeout(() => parentPort!.postMessage(input * 2), 50);
`;

/** Builds the bugged project and its fixed twin, runs `main` in both. */
async function beforeAndAfter(files: Record<string, string>, rule: string, title: string, format: 'esm' | 'cjs' = 'esm',
  runs: { script?: string; cwd?: (p: RuntimeProject) => string; timeoutMs?: number } = {}): Promise<{ before: Exit; after: Exit; fixed: string }> {
  const bugged = new RuntimeProject(files);
  const fixedProject = bugged.copy();
  try {
    const source = Object.keys(files).find(f => /main\.[cm]?ts$/.test(f))!;
    const fixed = fixedProject.fix(source, rule, title);
    bugged.build(format);
    fixedProject.build(format);
    const script = runs.script ?? source.replace(/\.ts$/, '.js');
    const [before, after] = await Promise.all([bugged, fixedProject].map(p =>
      run(path.join(p.dir, script), runs.cwd?.(p) ?? p.dir, runs.timeoutMs)));
    return { before, after, fixed };
  } finally {
    bugged.remove();
    fixedProject.remove();
  }
}

describe('Join fixes at run time', function () {
  this.timeout(60_000);

  it("Join: await once(worker, 'exit') makes the program wait for the worker's result", async () => {
    const { before, after, fixed } = await beforeAndAfter({
      'package.json': ESM,
      'worker.ts': WORKER,
      'main.ts': `import { Worker } from 'node:worker_threads';

let result: number | undefined;
const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: 21 });
worker.on('message', (value: number) => (result = value));
worker.on('error', (error) => console.error(error));
console.log(\`result: \${result}\`);
`,
    }, 'unjoined-worker', "Join: `await once(worker, 'exit')`");
    assert.match(fixed, /await once\(worker, 'exit'\);\nconsole\.log/);
    assert.equal(before.stdout, 'result: undefined\n', explain(before));
    assert.equal(after.code, 0, explain(after));
    assert.equal(after.stdout, 'result: 42\n', explain(after));
  });

  it("Join's .then form reports the exit where await is not legal (CommonJS), leaving errors to their handler", async () => {
    const { before, after } = await beforeAndAfter({
      'worker.ts': `const { parentPort, workerData } = require('node:worker_threads');

const input = workerData as number;
if (input === -1) throw new Error('worker failed');
if (input === -2) process.exit(3);
parentPort.postMessage(input * 2);
`,
      'main.ts': `import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

export function start(input: number): void {
  const worker = new Worker(path.join(__dirname, 'worker.js'), { workerData: input });
  worker.on('error', () => console.log('the error handler has it'));
}
start(-1);
start(-2);
`,
    }, 'unjoined-worker', "Join: `once(worker, 'exit').then(…)`", 'cjs');
    assert.equal(before.code, 0, explain(before));
    assert.equal(before.stderr, '', explain(before));
    // The failed exit is now seen; the error its handler takes does not also become an unhandled rejection.
    assert.equal(after.code, 0, explain(after));
    assert.equal(after.stdout, 'the error handler has it\n', explain(after));
    assert.equal(after.stderr, 'worker exited with code 3\n', explain(after));
  });

  it("Detach: worker.unref() lets the process exit while the worker still runs", async () => {
    const { before, after } = await beforeAndAfter({
      'package.json': ESM,
      'worker.ts': "setInterval(() => {}, 1000);\nexport {};\n",
      'main.ts': `import { Worker } from 'node:worker_threads';

const worker = new Worker(new URL('./worker.js', import.meta.url));
worker.on('error', (error) => console.error(error));
console.log('main done');
`,
    }, 'unjoined-worker', 'Detach: `worker.unref()`', 'esm', { timeoutMs: HANG_MS * 2 });
    assert.ok(before.timedOut, `the unfixed program should wait for its worker for ever: ${explain(before)}`);
    assert.equal(after.code, 0, explain(after));
    assert.equal(after.stdout, 'main done\n', explain(after));
  });

  it("Add an 'error' handler (log) keeps the process alive through the worker's exception", async () => {
    const { before, after } = await beforeAndAfter({
      'package.json': ESM,
      'worker.ts': WORKER,
      'main.ts': `import { Worker } from 'node:worker_threads';

const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: -1 });
worker.on('exit', (code) => console.log(\`worker exited with code \${code}\`));
`,
    }, 'unhandled-worker-error', "Add an `'error'` handler");
    assert.notEqual(before.code, 0, explain(before));
    assert.match(before.stderr, /worker failed on -1/, explain(before));
    assert.equal(after.code, 0, explain(after));
    assert.match(after.stderr, /worker failed on -1/, 'the error is logged');
    assert.equal(after.stdout, 'worker exited with code 1\n', explain(after));
  });

  it("Add an 'error' handler (reject) turns the crash into the rejection the caller handles", async () => {
    const { before, after, fixed } = await beforeAndAfter({
      'package.json': ESM,
      'worker.ts': WORKER,
      'main.ts': `import { Worker } from 'node:worker_threads';

function double(input: number): Promise<number> {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: input });
  return new Promise((resolve, reject) => {
    worker.on('message', resolve);
    worker.on('exit', (code) => code !== 0 && reject(new Error(\`exit \${code}\`)));
  });
}

console.log(await double(21));
console.log(await double(-1).catch((error: Error) => \`caught: \${error.message}\`));
`,
    }, 'unhandled-worker-error', "Add an `'error'` handler");
    assert.match(fixed, /worker\.on\('error', reject\);/);
    assert.notEqual(before.code, 0, explain(before));
    assert.equal(after.code, 0, explain(after));
    assert.equal(after.stdout, '42\ncaught: worker failed on -1\n', explain(after));
  });

  it('Close the port when done: the process exits once every message is delivered', async () => {
    const { before, after } = await beforeAndAfter({
      'package.json': ESM,
      'main.ts': `import { MessageChannel } from 'node:worker_threads';

let total = 0;
const { port1, port2 } = new MessageChannel();
port1.on('message', (value: number) => (total += value));
port1.on('close', () => console.log(\`total: \${total}\`));
for (const value of [1, 2, 3, 4]) port2.postMessage(value);
`,
    }, 'unclosed-port', 'Close the port when done: `port2.close()`', 'esm', { timeoutMs: HANG_MS });
    assert.ok(before.timedOut, `the unfixed program should never exit: ${explain(before)}`);
    assert.equal(before.stdout, '', explain(before));
    assert.equal(after.timedOut, false, explain(after));
    assert.equal(after.code, 0, explain(after));
    assert.equal(after.stdout, 'total: 10\n', explain(after));
  });

  for (const format of ['esm', 'cjs'] as const) {
    it(`Resolve from this file (${format === 'esm' ? 'new URL(…, import.meta.url)' : 'path.join(__dirname, …)'}): the worker loads from another working directory`, async () => {
      const title = format === 'esm'
        ? "Resolve from this file: `new URL('./worker.js', import.meta.url)`"
        : "Resolve from this file: `path.join(__dirname, 'worker.js')`";
      const { before, after, fixed } = await beforeAndAfter({
        'package.json': format === 'esm' ? ESM : '{ "type": "commonjs" }\n',
        'tsconfig.json': JSON.stringify({ compilerOptions: { rootDir: 'src', outDir: 'dist', module: 'nodenext', strict: true, types: ['node'] }, include: ['src'] }),
        'src/worker.ts': format === 'esm' ? WORKER : WORKER.replace("import { parentPort, workerData } from 'node:worker_threads';",
          "const { parentPort, workerData } = require('node:worker_threads');"),
        // Written for `node dist/main.js` started from the package root.
        'src/main.ts': `import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { RULE_SET } from '../server/src/rules/registry';

async function main(): Promise<void> {
  const [value] = await once(new Worker('./dist/worker.js', { workerData: 21 }), 'message');
  console.log(\`worker answered \${value}\`);
}
void main();
`,
      }, 'worker-path-cwd-relative', title, format, { script: 'dist/main.js', cwd: p => path.join(p.dir, 'dist') });
      assert.ok(fixed.includes(format === 'esm' ? "new URL('./worker.js', import.meta.url)" : "path.join(__dirname, 'worker.js')"), fixed);
      assert.notEqual(before.code, 0, explain(before));
      assert.match(before.stderr, /Cannot find module|ERR_MODULE_NOT_FOUND/, explain(before));
      assert.equal(after.code, 0, explain(after));
      assert.equal(after.stdout, 'worker answered 42\n', explain(after));
    });
  }
});

/**
 * examples/exercises: built once with its own build.mjs, each exercise is run as its npm script runs it
 * (the command after `node build.mjs &&`) and must exit 0, print nothing on stderr and print exactly
 * the expected lines. Then `fearless check` must find nothing at all in the folder, hints included.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..');
const DIR = path.join(REPO, 'examples', 'exercises');
const CLI = path.join(REPO, 'dist', 'cli.js');
/** Per process. A deadlocked exercise (a lost notify, a pool that never drains) hangs rather than fails. */
const RUN_TIMEOUT_MS = 20_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // SIGKILL: a thread blocked in Atomics.wait would keep the process alive through a gentler signal's handler.
    const child = spawn(process.execPath, args, { cwd, timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, stdout, stderr, timedOut: signal === 'SIGKILL' }));
  });
}

const explain = (r: Run): string => `exit ${r.code}${r.timedOut ? ` (killed after ${RUN_TIMEOUT_MS} ms)` : ''}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

/** below[n] is π(n), the number of primes below n, for every n ≤ max: a sieve of the test's own. */
function primesBelow(max: number): Int32Array {
  const composite = new Uint8Array(max);
  for (let n = 2; n * n < max; n++) if (!composite[n]) for (let m = n * n; m < max; m += n) composite[m] = 1;
  const below = new Int32Array(max + 1);
  for (let n = 1; n <= max; n++) below[n] = below[n - 1] + (n - 1 >= 2 && !composite[n - 1] ? 1 : 0);
  return below;
}

const WORKERS = 4;
const ROUNDS = 1_000_000;
const FAILING_JOB = 13;
const increments = Array.from({ length: WORKERS }, () => ROUNDS).join(' + ');
const poolSum = (): number => {
  const below = primesBelow(100_000);
  let sum = 0;
  for (let job = 1; job <= 100; job++) if (job !== FAILING_JOB) sum += below[job * 1000];
  return sum;
};
// Well-known values of π(n), too large to sieve here cheaply.
const PRIMES_BELOW = { 5_000_000: 348_513, 10_000_000: 664_579, 20_000_000: 1_270_607, 1_000_000: 78_498 };

/** Each exercise's npm script, and the lines it must print. */
const EXERCISES: Record<string, () => string[]> = {
  alternate: () => [
    ...Array.from({ length: 20 }, (_, i) => `worker ${(i + 1) % 2 === 1 ? 'odd' : 'even'}: ${i + 1}`),
    'printed 10 odd and 10 even numbers',
  ],
  'counter-mutex': () => [`counter (Mutex): ${increments} increments = ${WORKERS * ROUNDS} (expected ${WORKERS * ROUNDS})`],
  'counter-atomics': () => [`counter (Atomics): ${increments} increments = ${WORKERS * ROUNDS} (expected ${WORKERS * ROUNDS})`],
  'channel-sum': () => ["channel: sent 100 numbers (1..100), the worker's sum = 5050 (expected 5050)"],
  flag: () => [
    `main: flag observed, answer = ${PRIMES_BELOW[1_000_000]}`,
    `setter: stored ${PRIMES_BELOW[1_000_000]} (primes below 1000000) and set the flag`,
    `observer: flag observed (true), answer = ${PRIMES_BELOW[1_000_000]}`,
  ],
  pool: () => [
    `pool: job ${FAILING_JOB} failed: job ${FAILING_JOB} failed on purpose`,
    'pool: 100 jobs, 99 results, 1 failed',
    `pool: primes below 1000 = 168, below 100000 = 9592, sum of results = ${poolSum()}`,
  ],
  'http-pool': () => [
    `GET /primes?below=20000000 -> 200 ${PRIMES_BELOW[20_000_000]} primes below 20000000`,
    'GET /hello -> 200 hello, world',
    `GET /primes?below=10000000 -> 200 ${PRIMES_BELOW[10_000_000]} primes below 10000000`,
    'GET /hello?name=pool -> 200 hello, pool',
    `GET /primes?below=5000000 -> 200 ${PRIMES_BELOW[5_000_000]} primes below 5000000`,
    'GET /primes?below=100000000 -> 500 100000000 is over the limit of 50000000',
    'GET /primes?below=many -> 400 below must be a non-negative integer',
    'GET /missing -> 404 no route for /missing',
  ],
};

/** The sources `fearless check` must see: never the built JavaScript in .build/. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(file => /\.(ts|mjs)$/.test(file) && !file.split(path.sep).some(part => part.startsWith('.') || part === 'node_modules'));
}

describe('examples/exercises', function () {
  this.timeout(60_000);
  const scripts = (JSON.parse(fs.readFileSync(path.join(DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  let checked: Promise<Run>;

  before(async function () {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
    // The check reads sources only, so it can run while the exercises build and run.
    checked = run([CLI, 'check', '--format', 'json', path.relative(REPO, DIR)], REPO);
    const build = await run(['build.mjs'], DIR);
    assert.equal(build.code, 0, explain(build));
    assert.equal(build.stderr, '', explain(build));
  });

  it('has one npm script per exercise, each building then running it', function () {
    const exercises = Object.keys(scripts).filter(name => name !== 'build' && name !== 'typecheck');
    assert.deepEqual(exercises.sort(), Object.keys(EXERCISES).sort());
    assert.equal(scripts.build, 'node build.mjs');
    for (const name of exercises) assert.equal(scripts[name], `node build.mjs && node .build/${name}/main.js`, name);
  });

  for (const [name, expected] of Object.entries(EXERCISES)) {
    it(`npm run ${name}: exits 0 and prints what it must`, async function () {
      const entry = scripts[name]?.split('&&').at(-1)?.trim().split(/\s+/) ?? [];
      assert.equal(entry[0], 'node', `${name}: ${scripts[name]}`);
      const result = await run(entry.slice(1), DIR);
      assert.equal(result.code, 0, explain(result));
      assert.equal(result.stderr, '', explain(result));
      assert.deepEqual(result.stdout.split('\n').filter(Boolean), expected(), explain(result));
    });
  }

  it('fearless check finds nothing in it, hints included, and skips the built JavaScript', async function () {
    const result = await checked;
    assert.equal(result.code, 0, explain(result));
    const report = JSON.parse(result.stdout) as { files: number; diagnostics: { file: string; line: number; rule: string; message: string }[] };
    assert.deepEqual(report.diagnostics.map(d => `${d.file}:${d.line} ${d.rule}: ${d.message}`), []);
    assert.equal(report.files, sources(DIR).length);
  });
});

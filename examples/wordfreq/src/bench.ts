// bench: how the word count scales with workers, on synthetic text: 1, 2, 4… workers, each counting its slice.
// One file, two roles: on the main thread it starts itself as the workers; as a worker it counts its slice.
//
//   node dist/bench.js [--max-workers N] [--kb N]
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MessageChannel, Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

interface Slice {
  text: string;
}

const WORDS = ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'and', 'runs', 'away'];

function synthetic(bytes: number): string {
  const parts: string[] = [];
  for (let size = 0, i = 0; size < bytes; i = (i * 7 + 3) % WORDS.length) {
    parts.push(WORDS[i]);
    size += WORDS[i].length + 1;
  }
  return parts.join(' ');
}

function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 0x20;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/** `count` slices of about the same size, cut at spaces. */
function slices(text: string, count: number): string[] {
  const out: string[] = [];
  for (let start = 0, i = 1; start < text.length; i++) {
    let end = i === count ? text.length : Math.ceil((text.length * i) / count);
    while (end < text.length && text[end] !== ' ') end++;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

/** Counts one slice on a worker (this same file). */
function countIn(slice: string): Promise<number> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { text: slice } satisfies Slice }); //~ unhandled-worker-error
  return new Promise((resolve, reject) => {
    let words = 0;
    worker.on('message', (n: number) => (words = n));
    worker.on('exit', (code) => (code === 0 ? resolve(words) : reject(new Error(`bench worker exited with code ${code}`))));
  });
}

/** The timed run: every worker joined, every failure taken. */
async function countAll(text: string, workerCount: number): Promise<number> {
  const workers: Worker[] = [];
  let total = 0;
  for (const slice of slices(text, workerCount)) {
    const worker = new Worker(new URL(import.meta.url), { workerData: { text: slice } satisfies Slice });
    worker.on('message', (n: number) => (total += n));
    worker.on('error', (error) => console.error('bench worker failed:', error));
    workers.push(worker);
  }
  await Promise.all(workers.map((w) => once(w, 'exit')));
  return total;
}

/** Warms the JIT up on a first slice before anything is timed. */
function warmUp(text: string): void {
  const warm = new Worker(new URL(import.meta.url), { workerData: { text: text.slice(0, 1 << 16) } satisfies Slice }); //~ unjoined-worker
  warm.on('error', (error) => console.error('warm-up failed:', error));
}

/** The single-threaded baseline, run as the built bench from the package root. */
async function baseline(text: string): Promise<number> {
  const worker = new Worker('./dist/bench.js', { workerData: { text } satisfies Slice }); //~ worker-path-cwd-relative
  const [words] = (await once(worker, 'message')) as [number];
  await once(worker, 'exit');
  return words;
}

/** The counter from before the bench counted in itself, still asked for a cross-check. */
async function crossCheck(text: string): Promise<number> {
  const worker = new Worker(new URL('./count-worker.js', import.meta.url), { workerData: { text } satisfies Slice }); //~ worker-entry-not-found
  const [words] = (await once(worker, 'message')) as [number];
  await worker.terminate();
  return words;
}

if (!isMainThread) {
  parentPort?.postMessage(countWords((workerData as Slice).text));
} else {
  const { values } = parseArgs({ options: { 'max-workers': { type: 'string' }, kb: { type: 'string', default: '4096' } } });
  const maxWorkers = Math.max(1, Math.min(Number(values['max-workers'] ?? availableParallelism()) || 1, 64));
  const text = synthetic((Number(values.kb) || 4096) * 1024);

  // Lines go through a channel, so that printing never runs inside a timed section.
  const { port1: lines, port2: log } = new MessageChannel();
  lines.on('message', (line: string) => console.log(line)); //~ unclosed-port

  warmUp(text);
  const expected = await baseline(text);
  log.postMessage(`baseline: ${expected} words (cross-check: ${await crossCheck(text)})`);
  for (let n = 1; n <= maxWorkers; n *= 2) {
    const start = performance.now();
    const words = await countAll(text, n);
    log.postMessage(`${n} worker(s): ${words} words in ${(performance.now() - start).toFixed(1)} ms${words === expected ? '' : ' (wrong!)'}`);
  }
  const perSlice = await Promise.all(slices(text, maxWorkers).map(countIn));
  log.postMessage(`per slice: ${perSlice.join(' ')}`);
}

// wordfreq: counts the words of text files on all cores and prints the most frequent ones.
//
//   node dist/main.js [--workers N] [--top N] [--chunk-kb N] [--slow MS] [files...]
//
// With no files it counts the samples in ../data.
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { FLUSHED, PROGRESS_CELLS, TOTAL_BYTES, reportProgress } from './progress.js';
import { CLOSED_BIT, CONTROL_CELLS, GO, HIST_BUCKETS, QUEUE_HEADER_CELLS, QUEUE_TAIL, READY, Throttle } from './protocol.js';
import type { WorkerDone, WorkerInput } from './protocol.js';
import { SharedCountTable } from './shared-table.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: 'string', short: 'w' },
    top: { type: 'string', short: 'n', default: '20' },
    'chunk-kb': { type: 'string', default: '64' },
    slow: { type: 'string', default: '0' },
  },
});
const workerCount = Math.max(1, Math.min(Number(values.workers ?? availableParallelism()) || 1, 64));
const topN = Number(values.top) || 20;
const chunkBytes = Math.max(1, Number(values['chunk-kb']) || 64) * 1024;
const throttle = new Throttle(Number(values.slow) || 0);

async function inputFiles(): Promise<string[]> {
  if (positionals.length > 0) return positionals;
  const dir = fileURLToPath(new URL('../data/', import.meta.url));
  return (await readdir(dir)).filter((f) => f.endsWith('.txt')).sort().map((f) => dir + f);
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** [start, end) ranges of about `size` bytes, cut at whitespace (never inside a word or a UTF-8 sequence). */
function* chunks(text: Buffer<ArrayBuffer>, size: number): Generator<[number, number]> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + size, text.length);
    while (end < text.length && !isSpace(text[end])) end++;
    yield [start, end];
    start = end;
  }
}

/** Slots for the distinct words: a power of two, at most half full for any plausible vocabulary. */
function tableCapacity(bytes: number): number {
  let capacity = 1024;
  while (capacity < bytes / 3 && capacity < 1 << 22) capacity *= 2;
  return capacity;
}

const files = await inputFiles();
const text = Buffer.concat((await Promise.all(files.map((f) => readFile(f)))).flatMap((b) => [b, Buffer.from('\n')]));

// Shared memory. It is all filled in before the first worker exists, so plain writes are fine here.
const corpus = new Uint8Array(new SharedArrayBuffer(text.length));
corpus.set(text);
const progressBuffer = new SharedArrayBuffer(PROGRESS_CELLS * 4);
const progress = new Int32Array(progressBuffer);
progress[TOTAL_BYTES] = text.length;
const maxJobs = Math.ceil(text.length / chunkBytes) + 1;
const queueBuffer = new SharedArrayBuffer((QUEUE_HEADER_CELLS + 2 * maxJobs) * 4);
const queue = new Int32Array(queueBuffer, 0, QUEUE_HEADER_CELLS);
const jobs = new Int32Array(queueBuffer, QUEUE_HEADER_CELLS * 4);
const control = new Int32Array(new SharedArrayBuffer(CONTROL_CELLS * 4));
const timings = new Float64Array(new SharedArrayBuffer((workerCount + 1) * 8)); // per worker, then the total
const hist = new Int32Array(new SharedArrayBuffer(workerCount * HIST_BUCKETS * 4));
// Every distinct word appears in the text at least once, so the text's size bounds the arena.
const table = SharedCountTable.create(tableCapacity(text.length), text.length);

const exits: Promise<unknown[]>[] = [];
const wordsPerWorker = new Array<number>(workerCount).fill(0);
for (let id = 0; id < workerCount; id++) {
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: {
      id,
      corpus: corpus.buffer,
      queue: queueBuffer,
      table: table.buffer,
      progress: progressBuffer,
      control: control.buffer,
      timings: timings.buffer,
      hist: hist.buffer,
      histOffset: id * HIST_BUCKETS,
      throttle, //~ send-loses-prototype
    } satisfies WorkerInput,
  });
  worker.on('error', (err) => {
    console.error(`worker ${id} failed:`, err);
    process.exit(1); // the others would wait for its chunks forever
  });
  worker.on('message', (done: WorkerDone) => {
    wordsPerWorker[done.id] = done.lengths.reduce((sum, n) => sum + n, 0);
  });
  exits.push(once(worker, 'exit'));
}

// Wait until every worker is up, then start them all at once so their timings compare.
let ready: number;
while ((ready = Atomics.load(control, READY)) < workerCount) {
  Atomics.wait(control, READY, ready); //~ blocking-wait-on-main-thread
}
Atomics.store(control, GO, 1);
Atomics.notify(control, GO);

// Hand out the chunks as we find them: write the job, then publish it by moving the tail.
const reporting = reportProgress(progress);
let published = 0;
for (const [start, end] of chunks(text, chunkBytes)) {
  jobs[2 * published] = start;
  jobs[2 * published + 1] = end;
  published++;
  Atomics.store(queue, QUEUE_TAIL, published);
  Atomics.notify(queue, QUEUE_TAIL);
}
Atomics.store(queue, QUEUE_TAIL, published | CLOSED_BIT);
Atomics.notify(queue, QUEUE_TAIL);
await reporting;

// Every byte is counted; the workers are merging into the table. That takes a few ms: just spin.
while (progress[FLUSHED] < workerCount) {} //~ busy-wait unsynchronized-shared-read

const top = table
  .entries()
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  .slice(0, topN);
console.log(`${table.size} distinct words in ${files.length} file(s), ${published} chunks, ${workerCount} workers`);
for (const [word, count] of top) console.log(`${String(count).padStart(8)}  ${word}`);

await Promise.all(exits);

// The workers are gone: their slots in `timings` and `hist` are final.
const perWorker = Array.from(timings.subarray(0, workerCount), (ms) => ms.toFixed(0));
console.log(`busy ms per worker: ${perWorker.join(' ')} (total ${timings[workerCount].toFixed(0)})`);
console.log(`words per worker: ${wordsPerWorker.join(' ')}`);
const byLength = new Array<number>(HIST_BUCKETS).fill(0);
for (let i = 0; i < hist.length; i++) byLength[i % HIST_BUCKETS] += hist[i];
console.log(`word lengths: ${byLength.map((n, len) => `${len === HIST_BUCKETS - 1 ? `${len}+` : len}:${n}`).slice(1).join(' ')}`);

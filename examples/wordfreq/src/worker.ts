// One counting worker: takes chunks of the corpus from the job queue, counts their words locally,
// then merges its counts into the shared table.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { BYTES_DONE, CHUNKS_DONE, FLUSHED } from './progress.js';
import { CLOSED_BIT, COUNT_MASK, GO, HIST_BUCKETS, QUEUE_HEADER_CELLS, QUEUE_NEXT, QUEUE_TAIL, READY } from './protocol.js';
import type { WorkerDone, WorkerInput } from './protocol.js';
import { SharedCountTable } from './shared-table.js';

const { id, histOffset, throttle, ...buffers } = workerData as WorkerInput;

const corpus = new Uint8Array(buffers.corpus);
const queue = new Int32Array(buffers.queue, 0, QUEUE_HEADER_CELLS);
const jobs = new Int32Array(buffers.queue, QUEUE_HEADER_CELLS * 4);
const progress = new Int32Array(buffers.progress);
// Byte counts can pass 2^31 on big inputs: keep this one unsigned.
const bytesDone = new Uint32Array(buffers.progress, BYTES_DONE * 4, 1);
const control = new Int32Array(buffers.control);
const timings = new Float64Array(buffers.timings);
const hist = new Int32Array(buffers.hist);
const table = new SharedCountTable(buffers.table);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Counts the words of `text` into `counts`, and their lengths into `lengths`. */
function countWords(text: string, counts: Map<string, number>, lengths: Int32Array<ArrayBuffer>): void {
  for (const [word] of text.toLowerCase().matchAll(WORD)) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
    lengths[Math.min(word.length, HIST_BUCKETS - 1)]++;
  }
}

/** Claims the next job and waits until main has published it; -1 once the queue is closed and drained. */
function nextJob(): number {
  const job = Atomics.add(queue, QUEUE_NEXT, 1);
  let tail: number;
  while (job >= ((tail = Atomics.load(queue, QUEUE_TAIL)) & COUNT_MASK)) {
    if (tail & CLOSED_BIT) return -1;
    Atomics.wait(queue, QUEUE_TAIL, tail);
  }
  return job;
}

/** Blocks this worker for `ms` (--slow). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(1), 0, 0, ms); //~ atomics-unshared-memory
}

// Tell main we are up, then wait for the starting gun so that all workers' clocks start together.
Atomics.add(control, READY, 1);
Atomics.notify(control, READY);
// main sets GO exactly once, so one wait is enough
Atomics.wait(control, GO, 0); //~ wait-outside-loop
const started = performance.now();

const decoder = new TextDecoder();
const counts = new Map<string, number>();
const lengths = new Int32Array(HIST_BUCKETS);
for (let job = nextJob(); job >= 0; job = nextJob()) {
  const start = jobs[2 * job];
  const end = jobs[2 * job + 1];
  countWords(decoder.decode(corpus.subarray(start, end)), counts, lengths);

  // the chunk count only feeds the progress line: close enough is fine
  progress[CHUNKS_DONE]++; //~ unsynchronized-shared-write
  Atomics.add(bytesDone, 0, end - start);
  // @ts-expect-error -- same memory layout as an Int32Array
  Atomics.notify(bytesDone, 0); //~ atomics-invalid-array
  if (throttle.active) sleep(throttle.msPerChunk);
}

// Merge into the shared table.
const encoder = new TextEncoder();
for (const [word, n] of counts) {
  const key = encoder.encode(word);
  const entry = table.find(key);
  if (entry >= 0) table.bump(entry, n); // already there, and a slot never moves: skip the lock
  else table.add(key, n);
}

// Tell main how many words we counted. We are done with `lengths`, so move it rather than copy it.
parentPort!.postMessage({ id, lengths } satisfies WorkerDone, [lengths.buffer]);

// Our own slice of the histogram and our own timing slot: nobody else writes them.
for (let i = 0; i < HIST_BUCKETS; i++) {
  hist[histOffset + i] = lengths[i]; //~ use-after-transfer
}
const elapsed = performance.now() - started;
timings[id] = elapsed;
// @ts-expect-error -- lib.d.ts only lists the integer arrays here
Atomics.add(timings, timings.length - 1, elapsed); //~ atomics-invalid-array

Atomics.add(progress, FLUSHED, 1);
Atomics.notify(progress, FLUSHED);

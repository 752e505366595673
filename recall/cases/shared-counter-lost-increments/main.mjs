// Reported: https://github.com/zig-utils/zig-js/issues/129
// Eight workers each did `counters[SPAWNED]++` on one shared counter to prove they all ran; the
// read-modify-write lost an increment under contention and CI saw "expected 8, got 7".
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const WORKERS = 8;
const counters = new Int32Array(new SharedArrayBuffer(8));
const results = [];

const workers = Array.from({ length: WORKERS }, (_, lane) => {
  const worker = new Worker(new URL('./lane-worker.mjs', import.meta.url), { workerData: { lane, counters } });
  worker.on('message', (value) => results.push(value));
  worker.on('error', (err) => console.error(`lane ${lane} failed`, err));
  return worker;
});

await Promise.all(workers.map((worker) => once(worker, 'exit')));
if (counters[0] !== WORKERS) throw new Error(`expected ${WORKERS}, got ${counters[0]}`);
console.log(results.sort((a, b) => a - b));

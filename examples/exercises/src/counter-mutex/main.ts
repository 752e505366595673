// N workers each add 1 to a shared counter M times, every increment under a Mutex: the total is
// exactly N × M. Without the lock, `data[0] += 1` is a read-modify-write and concurrent ones get lost.
import { Worker } from 'node:worker_threads';
import { Mutex } from './mutex.js';
import type { CounterInput } from './protocol.js';

const WORKERS = 4;
const ROUNDS = 1_000_000;

const mutex = new Mutex();
// Guarded by mutex: read and write it only while holding the lock.
const data = new Float64Array(new SharedArrayBuffer(1 * Float64Array.BYTES_PER_ELEMENT));

// Scoped threads (`thread::scope`): every worker is joined before this statement ends, even when one
// fails; then the first failure is thrown.
const outcomes = await Promise.allSettled(
  Array.from({ length: WORKERS }, (_, index) => {
    const workerData: CounterInput = { cell: mutex.cell, data, rounds: ROUNDS };
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData });
    return new Promise<number>((resolve, reject) => {
      let result: { value: number } | undefined;
      worker.on('message', (value: number) => {
        result = { value };
      });
      worker.on('error', reject);
      worker.on('exit', code => {
        if (code !== 0) reject(new Error(`worker ${index} exited with code ${code}`));
        else if (result) resolve(result.value);
        else reject(new Error(`worker ${index} exited without posting a result`));
      });
    });
  }),
);
const results = outcomes.map(outcome => {
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
});

const expected = WORKERS * ROUNDS;
await mutex.lockAsync();
try {
  console.log(`counter (Mutex): ${results.join(' + ')} increments = ${data[0]} (expected ${expected})`);
  if (data[0] !== expected) process.exitCode = 1;
} finally {
  mutex.unlock();
}

// N workers each add 1 to a shared counter M times, every increment one Atomics.add: the total is
// exactly N × M, with no lock at all.
import { Worker } from 'node:worker_threads';
import { AtomicCounter } from './atomic-counter.js';
import type { CounterInput } from './protocol.js';

const WORKERS = 4;
const ROUNDS = 1_000_000;

const counter = new AtomicCounter();

// Scoped threads (`thread::scope`): every worker is joined before this statement ends, even when one
// fails; then the first failure is thrown.
const outcomes = await Promise.allSettled(
  Array.from({ length: WORKERS }, (_, index) => {
    const workerData: CounterInput = { cell: counter.cell, rounds: ROUNDS };
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
const total = counter.load();
console.log(`counter (Atomics): ${results.join(' + ')} increments = ${total} (expected ${expected})`);
if (total !== expected) process.exitCode = 1;

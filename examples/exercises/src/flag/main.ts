// One worker computes a value, stores it and sets an AtomicBool; another worker blocks until it sees the
// flag set, then reads the value. Main waits for the flag too, without blocking its event loop.
import { Worker } from 'node:worker_threads';
import { AtomicBool } from './atomic-bool.js';
import type { FlagCells } from './protocol.js';

/**
 * Waits for a worker to finish (`JoinHandle::join`): resolves with the last value it posted once it
 * has exited, and rejects on an uncaught error, a non-zero exit code or no result at all. Call it
 * right after `new Worker(…)`, before the worker can have exited.
 */
function join<T>(worker: import('node:worker_threads').Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    let result: { value: T } | undefined;
    worker.on('message', (value: T) => {
      result = { value };
    });
    worker.on('error', reject);
    worker.on('exit', code => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`));
      else if (result) resolve(result.value);
      else reject(new Error('worker exited without posting a result'));
    });
  });
}

const ready = new AtomicBool();
const answer = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
const workerData: FlagCells = { ready: ready.cell, answer };

// Either may start first: waiting for a flag that is already set returns at once.
const observer = join<string>(new Worker(new URL('./observer.js', import.meta.url), { workerData }));
const setter = join<string>(new Worker(new URL('./setter.js', import.meta.url), { workerData }));

await ready.waitForAsync(true);
console.log(`main: flag observed, answer = ${answer[0]}`);
console.log(`setter: ${await setter}`);
console.log(`observer: ${await observer}`);

// Two workers print 1..20 strictly alternately, odd and even, handing the turn to each other through
// one shared flag that each waits on with Atomics.wait and flips with Atomics.notify.
import { Worker } from 'node:worker_threads';
import { AtomicBool } from './atomic-bool.js';
import type { PrinterInput } from './protocol.js';

const LAST = 20;

/**
 * Runs ./worker.js on a new thread with `workerData` (`thread::spawn`). The promise is the join
 * handle: it resolves with the value the worker posted once the thread has exited, and rejects if the
 * worker throws or exits with a non-zero code.
 */
function spawnPrinter(workerData: PrinterInput): Promise<number> {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData });
  return new Promise((resolve, reject) => {
    let result: { value: number } | undefined;
    worker.on('message', (value: number) => {
      result = { value };
    });
    worker.on('error', reject);
    worker.on('exit', code => {
      if (code !== 0) reject(new Error(`./worker.js exited with code ${code}`));
      else if (result) resolve(result.value);
      else reject(new Error('./worker.js exited without posting a result'));
    });
  });
}

// A fresh flag is false, so the odd printer goes first.
const evensTurn = new AtomicBool();
const [odds, evens] = await Promise.all([
  spawnPrinter({ first: 1, last: LAST, evensTurn: evensTurn.cell }),
  spawnPrinter({ first: 2, last: LAST, evensTurn: evensTurn.cell }),
]);
console.log(`printed ${odds} odd and ${evens} even numbers`);

import { parentPort, workerData } from 'node:worker_threads';
import { AtomicBool } from './atomic-bool.js';
import type { FlagCells } from './protocol.js';

// Started by `new Worker(…, { workerData })`: posts one result and ends. A throw reaches the spawner's
// 'error' handler and fails its join.
const port = parentPort;
if (!port) throw new Error('setter.ts must be started with new Worker()');

const LIMIT = 1_000_000;

/** How many primes are below `limit` (a sieve): some real work before the flag goes up. */
function countPrimes(limit: number): number {
  const composite = new Uint8Array(limit);
  let count = 0;
  for (let n = 2; n < limit; n++) {
    if (composite[n]) continue;
    count++;
    for (let m = n * n; m < limit; m += n) composite[m] = 1;
  }
  return count;
}

function publish({ ready, answer }: FlagCells): string {
  const value = countPrimes(LIMIT);
  // A plain write is enough: the Atomics.store inside ready.store() comes after it, so any thread that
  // sees the flag set (with Atomics.load) sees this value too.
  answer[0] = value;
  new AtomicBool(ready).store(true);
  return `stored ${value} (primes below ${LIMIT}) and set the flag`;
}

const input = workerData as FlagCells;
const result: string = publish(input);
port.postMessage(result);

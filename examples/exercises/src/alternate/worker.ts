import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { AtomicBool } from './atomic-bool.js';
import type { PrinterInput } from './protocol.js';

// Started by `new Worker(…, { workerData })`: posts one result and ends. A throw reaches the spawner's
// 'error' handler and fails its join.
const port = parentPort;
if (!port) throw new Error('worker.ts must be started with new Worker()');

/** Prints its numbers, each on its turn, and returns how many it printed. */
function takeTurns({ first, last, evensTurn: cell }: PrinterInput): number {
  const name = first % 2 === 0 ? 'even' : 'odd';
  const myTurn = first % 2 === 0;
  const evensTurn = new AtomicBool(cell);
  let printed = 0;
  for (let n = first; n <= last; n += 2) {
    evensTurn.waitFor(myTurn);
    // Straight to fd 1, not console.log: a worker's console output reaches stdout through the main
    // thread, asynchronously and per worker, so the two workers' lines could overtake each other.
    writeSync(1, `worker ${name}: ${n}\n`);
    printed++;
    evensTurn.store(!myTurn);
  }
  return printed;
}

const input = workerData as PrinterInput;
const result: number = takeTurns(input);
port.postMessage(result);

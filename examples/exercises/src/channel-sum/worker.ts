import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Receiver } from './channel.js';

// Started by `new Worker(…, { workerData })`: posts one result and ends. A throw reaches the spawner's
// 'error' handler and fails its join.
const port = parentPort;
if (!port) throw new Error('worker.ts must be started with new Worker()');

/** Sums what arrives until the sender closes the channel. */
async function sum(rx: Receiver<number>): Promise<number> {
  let total = 0;
  for await (const value of rx) total += value;
  return total;
}

const input = workerData as { numbers: MessagePort };
const result: number = await sum(new Receiver<number>(input.numbers));
port.postMessage(result);

import { parentPort, workerData } from 'node:worker_threads';
import { AtomicCounter } from './atomic-counter.js';
import type { CounterInput } from './protocol.js';

// Started by `new Worker(…, { workerData })`: posts one result and ends. A throw reaches the spawner's
// 'error' handler and fails its join.
const port = parentPort;
if (!port) throw new Error('worker.ts must be started with new Worker()');

/** Adds 1 to the counter `rounds` times; returns how many it added. */
function increment({ cell, rounds }: CounterInput): number {
  const counter = new AtomicCounter(cell);
  for (let i = 0; i < rounds; i++) counter.add();
  return rounds;
}

const input = workerData as CounterInput;
const result: number = increment(input);
port.postMessage(result);

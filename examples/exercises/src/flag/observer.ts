import { parentPort, workerData } from 'node:worker_threads';
import { AtomicBool } from './atomic-bool.js';
import type { FlagCells } from './protocol.js';

// Started by `new Worker(…, { workerData })`: posts one result and ends. A throw reaches the spawner's
// 'error' handler and fails its join.
const port = parentPort;
if (!port) throw new Error('observer.ts must be started with new Worker()');

function observe({ ready, answer }: FlagCells): string {
  const flag = new AtomicBool(ready);
  flag.waitFor(true);
  return `flag observed (${flag.load()}), answer = ${answer[0]}`;
}

const input = workerData as FlagCells;
const result: string = observe(input);
port.postMessage(result);

import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';

setInterval(() => {
  parentPort?.postMessage(1 - os.freemem() / os.totalmem());
}, (workerData as { intervalMs: number }).intervalMs);

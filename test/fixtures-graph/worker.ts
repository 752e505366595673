import { workerData } from 'node:worker_threads';

const totals = new Int32Array(workerData.counts as SharedArrayBuffer);
Atomics.add(totals, 0, 1);
totals[1] = 2;

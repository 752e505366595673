import path from 'node:path';
import { Worker } from 'node:worker_threads';

const counts = new SharedArrayBuffer(8);
const totals = new Int32Array(counts);
const worker = new Worker(path.join(__dirname, 'worker.js'), { workerData: { counts, label: 'tally' } });
worker.on('exit', () => console.log(Atomics.load(totals, 0)));

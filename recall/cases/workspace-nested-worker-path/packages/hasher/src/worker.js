import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const hash = createHash('sha256');
for (const chunk of workerData) hash.update(chunk);
parentPort.postMessage(hash.digest('hex'));

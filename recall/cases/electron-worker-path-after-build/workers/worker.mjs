import { readdir } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';

const entries = await readdir(workerData.folder);
parentPort.postMessage(entries.length);

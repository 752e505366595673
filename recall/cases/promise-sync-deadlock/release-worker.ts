import { parentPort, workerData } from 'node:worker_threads';

parentPort?.postMessage((workerData as { file: string }).file.length > 0 ? 0 : 1);

import { parentPort, workerData } from 'node:worker_threads';
import { addAttribute } from './attributes';

const { cells } = workerData as { cells: Int32Array<SharedArrayBuffer> };
parentPort?.on('message', (attribute: number) => {
  parentPort?.postMessage(addAttribute(cells, attribute));
});

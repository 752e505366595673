import { Worker } from 'node:worker_threads';
import { addAttribute } from './attributes';

const cells = new Int32Array(new SharedArrayBuffer(4 * 8));
const tables = [0, 1].map(() => {
  const worker = new Worker(new URL('./table-worker.js', import.meta.url), { workerData: { cells } });
  worker.on('error', (err: Error) => console.error('table worker failed', err));
  worker.unref();
  return worker;
});

export function defineAttribute(attribute: number): number {
  tables.forEach((t) => t.postMessage(attribute + 1));
  return addAttribute(cells, attribute);
}

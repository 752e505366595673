// Reported: https://github.com/saltyshiomix/nextron/issues/272
// `new Worker("./workers/worker.mjs")` worked in development, started from the project folder; in the
// packaged app the working directory differs and the worker file could not be found.
import { Worker } from 'node:worker_threads';

export function indexLibrary(folder: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker('./workers/worker.mjs', { workerData: { folder } }); //~ worker-path-cwd-relative
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code: number) => code !== 0 && reject(new Error(`indexer exited with ${code}`)));
  });
}

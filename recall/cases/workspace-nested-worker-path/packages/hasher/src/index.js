// Reported: https://github.com/nodejs/node/issues/21686
// In a yarn workspace, a package spawned './worker.js' sitting next to its index.js; run from the
// repository root, Node looked for <root>/worker.js: "Cannot find module" and an unhandled 'error'.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export async function hashAll(chunks) {
  const worker = new Worker('./worker.js', { workerData: chunks }); //~ worker-path-cwd-relative
  const [digest] = await once(worker, 'message');
  await worker.terminate();
  return digest;
}

// Reported: https://github.com/nodejs/node/issues/43331
// The worker imported a package that was not installed; with no 'error' listener on the Worker the
// failure was rethrown in the main thread and took the whole application down.
import { Worker } from 'node:worker_threads';

const hasher = new Worker(new URL('./bcrypt-worker.mjs', import.meta.url)); //~ unhandled-worker-error
const waiting = new Map();
let nextId = 0;

hasher.on('message', ({ id, hash }) => {
  waiting.get(id)?.(hash);
  waiting.delete(id);
});
hasher.on('exit', (code) => console.log(`hasher exited with ${code}`));

export function hashPassword(password) {
  return new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    hasher.postMessage({ id, password });
  });
}

export function shutdown() {
  return hasher.terminate();
}

import { parentPort } from 'node:worker_threads';

parentPort.once('message', (person) => {
  parentPort.postMessage(`Hello, ${person.fullname()}`);
});

import { parentPort, workerData } from 'node:worker_threads';

parentPort?.on('message', (message: { kind: string }) => {
  if (message.kind === 'poison') throw new Error(`actor ${workerData.slot} cannot handle poison`);
  parentPort?.postMessage({ from: workerData.slot, echo: message.kind });
});

import { type MessagePort, workerData } from 'node:worker_threads';

const { signal, port } = workerData as { signal: Int32Array; port: MessagePort };
port.on('message', ({ input }: { input: string }) => {
  port.postMessage({ code: input.trim() });
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});

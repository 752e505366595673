// Reported: https://github.com/evanw/esbuild/issues/590
// The sync API read the signal, posted a request and waited for the signal to move: the notify of an
// earlier request could end a later wait early, and receiveMessageOnPort then returned undefined.
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

const signal = new Int32Array(new SharedArrayBuffer(4));
const { port1: mainPort, port2: workerPort } = new MessageChannel();
const worker = new Worker(path.join(__dirname, 'service-worker.js'), {
  workerData: { signal, port: workerPort },
  transferList: [workerPort],
});
worker.on('error', (err: Error) => console.error('esbuild service died', err));
worker.unref();
mainPort.unref();

export function transformSync(input: string): string {
  const before = Atomics.load(signal, 0);
  mainPort.postMessage({ command: 'transform', input });
  Atomics.wait(signal, 0, before); //~ wait-outside-loop blocking-wait-on-main-thread
  const reply = receiveMessageOnPort(mainPort) as { message: { code: string } };
  return reply.message.code;
}

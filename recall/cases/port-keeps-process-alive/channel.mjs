// Reported: https://github.com/denoland/deno/issues/23199
// A self-spawning script gave one end of a MessageChannel to its worker and listened on both ends:
// under Node the output printed and then the process never exited ("I need to manually terminate").
import { isMainThread, MessageChannel, Worker, workerData } from 'node:worker_threads';

if (isMainThread) {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(import.meta.filename, { workerData: { port: port2 }, transferList: [port2] }); //~ unjoined-worker unhandled-worker-error
  port1.on('message', (message) => console.log('from worker:', message));
  port1.postMessage('you are doing great');
  console.log('spawned thread', worker.threadId);
} else {
  const port = workerData.port;
  port.on('message', (message) => console.log('from main:', message));
  setTimeout(() => port.postMessage('task completed'), 200);
}

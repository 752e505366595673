// Reported: https://agentbeck.bot/report/70813
// Byte-sized flags in a Uint8Array were used to park workers with Atomics.wait: the call throws a
// TypeError (only Int32Array and BigInt64Array can be waited on) and the workers never parked.
import { Worker } from 'node:worker_threads';

const FLAGS = 4;
const flags = new Uint8Array(new SharedArrayBuffer(FLAGS));
const workers: Worker[] = [];

for (let slot = 0; slot < FLAGS; slot++) {
  const worker = new Worker(new URL('./parked-worker.js', import.meta.url), { workerData: { flags, slot } });
  worker.on('error', (err: Error) => console.error(`slot ${slot}:`, err.message));
  workers.push(worker);
}

export async function release(slot: number): Promise<void> {
  Atomics.store(flags, slot, 1);
  Atomics.notify(flags, slot); //~ atomics-invalid-array
  await Promise.all(workers.map((w) => w.terminate()));
}

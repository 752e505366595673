import { parentPort, workerData } from 'node:worker_threads';

const { flags, slot } = workerData as { flags: Uint8Array; slot: number };
while (Atomics.load(flags, slot) === 0) {
  Atomics.wait(flags, slot, 0); //~ atomics-invalid-array
}
parentPort?.postMessage(`slot ${slot} released`);
export {};

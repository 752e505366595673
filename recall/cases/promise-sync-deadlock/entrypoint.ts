// Reported: https://github.com/deftai/directive/issues/1864
// runPromiseSync blocked the main thread in Atomics.wait until a worker's promise settled, but that
// promise only settles from main-thread callbacks ('message', 'error', a timer): the release
// rehearsal hung in futex_wait for 20+ minutes and never ran its cleanup.
import { Worker } from 'node:worker_threads';

function runEntrypointWorker(file: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./release-worker.js', import.meta.url), { workerData: { file } });
    const timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
    worker.on('message', (code: number) => { clearTimeout(timer); resolve(code); });
    worker.on('error', (err: Error) => { clearTimeout(timer); reject(err); });
  });
}

export function runPromiseSync(file: string): number {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  let outcome: { ok: true; value: number } | { ok: false; error: unknown } | undefined;
  runEntrypointWorker(file, 600_000).then(
    (value) => { outcome = { ok: true, value }; Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); },
    (error: unknown) => { outcome = { ok: false, error }; Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); },
  );
  Atomics.wait(flag, 0, 0); //~ blocking-wait-on-main-thread
  if (!outcome?.ok) throw outcome?.error;
  return outcome.value;
}

import { parentPort } from 'node:worker_threads';

// A message loop: each { id, input } is answered with { id, value } or { id, error }. null ends the
// loop: the port closes and the thread exits with code 0 once idle. Send it after the last reply.
const port = parentPort;
if (!port) throw new Error('worker.ts must be started with new Worker()');

/** The job that fails, so that the pool has an error to report. */
const FAILING_JOB = 13;

/** Job `n` counts the primes below n × 1000 (a sieve), except job 13, which throws. */
async function handle(job: number): Promise<number> {
  if (job === FAILING_JOB) throw new Error(`job ${job} failed on purpose`);
  const limit = job * 1000;
  const composite = new Uint8Array(limit);
  let count = 0;
  for (let n = 2; n < limit; n++) {
    if (composite[n]) continue;
    count++;
    for (let m = n * n; m < limit; m += n) composite[m] = 1;
  }
  return count;
}

port.on('message', async (message: { id: number; input: number } | null) => {
  if (message === null) {
    port.close();
    return;
  }
  try {
    port.postMessage({ id: message.id, value: await handle(message.input) });
  } catch (error) {
    port.postMessage({ id: message.id, error });
  }
});

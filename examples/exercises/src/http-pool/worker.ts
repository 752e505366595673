import { parentPort } from 'node:worker_threads';

// A message loop: each { id, input } is answered with { id, value } or { id, error }. null ends the
// loop: the port closes and the thread exits with code 0 once idle. Send it after the last reply.
const port = parentPort;
if (!port) throw new Error('worker.ts must be started with new Worker()');

/** Above this the sieve's memory would be the problem, not its time. */
const MAX_LIMIT = 50_000_000;

/** How many primes are below `limit` (a sieve): the CPU-heavy part of a request. */
async function countPrimes(limit: number): Promise<number> {
  if (limit > MAX_LIMIT) throw new RangeError(`${limit} is over the limit of ${MAX_LIMIT}`);
  const composite = new Uint8Array(Math.max(limit, 0));
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
    port.postMessage({ id: message.id, value: await countPrimes(message.input) });
  } catch (error) {
    port.postMessage({ id: message.id, error });
  }
});

// Main sends a list of numbers down a channel to a worker, which sums them as they arrive and returns
// the sum when the channel closes: `thread::spawn(move || rx.iter().sum())`, then `join()`.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { Sender } from './channel.js';

const NUMBERS = Array.from({ length: 100 }, (_, i) => i + 1);

/**
 * Runs ./worker.js on a new thread with `workerData` (`thread::spawn`). The promise is the join
 * handle: it resolves with the value the worker posted once the thread has exited, and rejects if the
 * worker throws or exits with a non-zero code.
 */
function spawnSummer(workerData: { numbers: MessagePort }): Promise<number> {
  // The port is moved to the worker, as `rx` is moved into Rust's closure: main can no longer use it.
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData, transferList: [workerData.numbers] });
  return new Promise((resolve, reject) => {
    let result: { value: number } | undefined;
    worker.on('message', (value: number) => {
      result = { value };
    });
    worker.on('error', reject);
    worker.on('exit', code => {
      if (code !== 0) reject(new Error(`./worker.js exited with code ${code}`));
      else if (result) resolve(result.value);
      else reject(new Error('./worker.js exited without posting a result'));
    });
  });
}

const { port1, port2 } = new MessageChannel();
const tx = new Sender<number>(port1);
const sum = spawnSummer({ numbers: port2 });
for (const value of NUMBERS) tx.send(value);
tx.close();

const expected = NUMBERS.reduce((a, b) => a + b, 0);
const total = await sum;
console.log(`channel: sent ${NUMBERS.length} numbers (${NUMBERS[0]}..${NUMBERS.at(-1)}), the worker's sum = ${total} (expected ${expected})`);
if (total !== expected) process.exitCode = 1;

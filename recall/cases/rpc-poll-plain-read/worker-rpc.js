// Reported: https://github.com/o1-labs/o1js/pull/2897
// The page called into a prover worker and polled a result header in shared memory with plain reads
// until the worker changed it: repeated proofs hung (the read never saw the worker's store).
const IDLE = 0;
const PENDING = 1;
const DONE = 2;

const prover = new Worker(new URL('./prover-worker.js', import.meta.url), { type: 'module' });
prover.onerror = (event) => console.error('prover failed', event.message);

export function callProver(method, args) {
  const control = new SharedArrayBuffer(16 + 1024);
  const header = new Int32Array(control, 0, 4);
  header[0] = PENDING;
  prover.postMessage({ method, args, control });
  while (header[0] === IDLE || header[0] === PENDING) {} //~ busy-wait unsynchronized-shared-read
  if (header[0] !== DONE) throw new Error('prover failed');
  const length = header[1];
  return new TextDecoder().decode(new Uint8Array(control, 16, length).slice());
}

document.querySelector('#prove')?.addEventListener('click', () => console.log(callProver('prove', [1])));

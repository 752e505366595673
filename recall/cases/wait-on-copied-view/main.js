// Reported: https://github.com/brython-dev/brython/issues/2345
// The page meant to share a wait cell with its worker, but what reached the worker was not a
// SharedArrayBuffer: the worker's Atomics.wait threw "[object Int32Array] is not a shared typed array".
const waitCell = new Int32Array(new SharedArrayBuffer(4));
const worker = new Worker(new URL('./poll-worker.js', import.meta.url));
worker.onerror = (event) => console.error('poll worker failed', event.message);

// Each setup sends the worker the cell's current state.
worker.postMessage(['setup', new Int32Array(waitCell)]);

document.querySelector('#wake').addEventListener('click', () => {
  Atomics.store(waitCell, 0, 1);
  Atomics.notify(waitCell, 0);
});

// Reported: https://dev.to/lostbeard/we-found-a-memory-ordering-bug-in-every-major-browser-engine-heres-the-fix-3fgk
// A generation barrier for 3+ web workers returned from Atomics.wait without re-checking the
// generation: a notify meant for an earlier barrier woke a worker early and it read stale data.
const WORKERS = 3;
const control = new Int32Array(new SharedArrayBuffer(8));
const data = new Float64Array(new SharedArrayBuffer(8 * WORKERS));

for (let id = 0; id < WORKERS; id++) {
  const worker = new Worker(new URL('./barrier-worker.js', import.meta.url));
  worker.onerror = (event) => console.error(`worker ${id} failed`, event.message);
  worker.onmessage = ({ data: stale }) => {
    document.querySelector('#log').append(`worker ${id}: ${stale} stale reads\n`);
    worker.terminate();
  };
  worker.postMessage({ id, workers: WORKERS, control, data });
}

// Progress cells shared by main and the workers: an Int32Array over a SharedArrayBuffer.
import { performance } from 'node:perf_hooks';

export const TOTAL_BYTES = 0; // written by main before any worker exists, never changes
export const BYTES_DONE = 1; // Atomics.add + notify by workers after each chunk
export const CHUNKS_DONE = 2;
export const FLUSHED = 3; // workers whose counts are in the table
export const PROGRESS_CELLS = 4;

/** Redraws a progress line on `out` until every byte has been counted. */
export async function reportProgress(
  progress: Int32Array<SharedArrayBuffer>,
  out: NodeJS.WriteStream = process.stderr,
): Promise<void> {
  const started = performance.now();
  const total = progress[TOTAL_BYTES];
  let done: number;
  while ((done = Atomics.load(progress, BYTES_DONE)) < total) {
    if (out.isTTY) out.write(`\r${line(progress, started)}`);
    // Sleep until a worker reports more bytes, but redraw at least every 250 ms.
    const result = Atomics.waitAsync(progress, BYTES_DONE, done, 250);
    if (result.async) await result.value;
  }
  out.write(`${out.isTTY ? '\r' : ''}${line(progress, started)}\n`);
}

function line(progress: Int32Array<SharedArrayBuffer>, started: number): string {
  // One copy of the counters, so the numbers on a line agree with each other.
  const snapshot = progress.slice();
  const done = Atomics.load(snapshot, BYTES_DONE); //~ atomics-unshared-memory
  const total = snapshot[TOTAL_BYTES];
  const percent = total === 0 ? 100 : Math.floor((100 * done) / total);
  const seconds = Math.max((performance.now() - started) / 1000, 0.001);
  return `${String(percent).padStart(3)}%  ${snapshot[CHUNKS_DONE]} chunks  ${(done / 1e6 / seconds).toFixed(1)} MB/s`;
}

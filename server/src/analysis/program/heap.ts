/**
 * The heap of a run that builds many programs one after another (a repository of many package roots).
 * Each program dropped leaves its checker's tables in the old generation, which V8 collects only once it
 * has grown to a multiple of what was live at the last full collection: the peak is then mostly garbage
 * (a 410-file corpus of 100 roots peaked at 2.4× its live heap). A run collects itself after dropping a
 * program when the heap has grown past what was live last time: full collections of a heap of about
 * 200 MB, about 100 ms each, for a peak that follows what is live (at 1.5× that corpus peaked at 375 MB,
 * at 1.2× at 334 MB, for a tenth more time).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** Grown this much over the last live size (and by at least MIN_GROWTH), the heap is collected. */
const GROWTH = 1.2;
const MIN_GROWTH = 32 * 1024 * 1024;

let collect: (() => void) | undefined;
let lastLive = 0;

/** The share of the heap's limit in use. */
export function heapPressure(): number {
  const { heap_size_limit: limit, used_heap_size: used } = v8.getHeapStatistics();
  return used / limit;
}

/** A full collection if the heap grew well past what was live at the last one (call it where much just died). */
export function collectIfGrown(): void {
  const used = process.memoryUsage().heapUsed;
  if (used < Math.max(lastLive * GROWTH, lastLive + MIN_GROWTH)) return;
  fullCollection();
  lastLive = process.memoryUsage().heapUsed;
}

function fullCollection(): void {
  if (!collect) {
    // V8's own `gc`, which Node exposes only under a flag: set now, it is read by a new context.
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}

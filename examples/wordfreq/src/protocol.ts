// What main and the workers agree on: the workerData shape and the cell layout of the small buffers.

/** Handed to every worker as `workerData`. Every buffer is shared, not copied. */
export interface WorkerInput {
  id: number;
  /** The UTF-8 text of all input files, back to back. */
  corpus: SharedArrayBuffer;
  /** Job queue: QUEUE_HEADER_CELLS, then one [start, end) byte range per chunk. */
  queue: SharedArrayBuffer;
  /** A SharedCountTable. */
  table: SharedArrayBuffer;
  /** Progress cells, see progress.ts. */
  progress: SharedArrayBuffer;
  /** Start handshake: READY and GO. */
  control: SharedArrayBuffer;
  /** Float64Array: busy milliseconds per worker, then the total. */
  timings: SharedArrayBuffer;
  /** Int32Array: a word-length histogram, HIST_BUCKETS cells per worker. */
  hist: SharedArrayBuffer;
  /** Where this worker's histogram starts in `hist`. */
  histOffset: number;
  /** Artificial delay per chunk (--slow), to watch the progress line on small inputs. */
  throttle: Throttle;
}

/** The --slow option: how long a worker sleeps after each chunk. */
export class Throttle {
  constructor(readonly msPerChunk: number) {}

  get active(): boolean {
    return this.msPerChunk > 0;
  }
}

/** What each worker posts to main when it is done. */
export interface WorkerDone {
  id: number;
  /** The worker's own word-length histogram, HIST_BUCKETS cells. */
  lengths: Int32Array<ArrayBuffer>;
}

// control cells
export const READY = 0; // workers that are up (Atomics.add by workers)
export const GO = 1; // set to 1 by main once all of them are
export const CONTROL_CELLS = 2;

// queue header cells
export const QUEUE_NEXT = 0; // next job to hand out (Atomics.add by workers)
export const QUEUE_TAIL = 1; // jobs published so far, | CLOSED_BIT once main has published them all
export const QUEUE_HEADER_CELLS = 2;
export const CLOSED_BIT = 1 << 30;
export const COUNT_MASK = CLOSED_BIT - 1;

/** Word lengths 1..14 get their own bucket; 15 means "15 or more". */
export const HIST_BUCKETS = 16;

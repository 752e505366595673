// Run statistics every worker adds to: counters in one SharedArrayBuffer, guarded by a `SpinLock`, and the
// longest word seen so far, guarded by a second one. Lock bugs are planted beside correct code.
import { SpinLock } from './shared-table.js';

const LOCK = 0;
const RECORD_LOCK = 1;
const WORDS = 2;
const CHARS = 3;
const LONGEST = 4;
const ERRORS = 5;
const RETRY_LOCK = 6;
const RETRIES = 7;
const CELLS = 8;

export class RunStats {
  readonly buffer: SharedArrayBuffer;
  /** @guardedBy lock */
  private readonly cells: Int32Array<SharedArrayBuffer>;
  private readonly lock: SpinLock;
  private readonly recordLock: SpinLock;
  /** Chunks read again after a short read: a cell of its own, behind a lock of its own. */
  private readonly retries: Int32Array<SharedArrayBuffer>;
  readonly retryLock: SpinLock;

  /** Wraps a buffer made by another `RunStats` (in this thread or another), or a fresh one. */
  constructor(buffer = new SharedArrayBuffer(CELLS * Int32Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer;
    this.cells = new Int32Array(buffer);
    this.lock = new SpinLock(this.cells, LOCK);
    this.recordLock = new SpinLock(this.cells, RECORD_LOCK);
    this.retries = new Int32Array(buffer, RETRIES * Int32Array.BYTES_PER_ELEMENT, 1);
    this.retryLock = new SpinLock(this.cells, RETRY_LOCK);
  }

  /** Adds one chunk's counts. Both cells change together, under the lock, released in `finally`. */
  add(words: number, chars: number): void {
    this.lock.lock();
    try {
      this.cells[WORDS] += words;
      this.cells[CHARS] += chars;
    } finally {
      this.lock.unlock();
    }
  }

  /** Keeps the longest word length: the stats lock, then the record lock. */
  offerLongest(length: number): void {
    this.lock.lock();
    try {
      this.recordLock.lock(); //~ lock-order-inversion
      try {
        if (length > this.cells[LONGEST]) this.cells[LONGEST] = length;
      } finally {
        this.recordLock.unlock();
      }
    } finally {
      this.lock.unlock();
    }
  }

  /** Starts a new record: the record lock, then the stats lock (the opposite order of `offerLongest`). */
  resetLongest(): void {
    this.recordLock.lock();
    try {
      this.lock.lock(); //~ lock-order-inversion
      try {
        this.cells[LONGEST] = 0;
        this.cells[ERRORS] = 0;
      } finally {
        this.lock.unlock();
      }
    } finally {
      this.recordLock.unlock();
    }
  }

  /** Counts a chunk that could not be decoded; an empty one returns early, still holding the lock. */
  addFailedChunk(chunk: Uint8Array): void {
    this.lock.lock(); //~ lock-not-released
    if (chunk.length === 0) return;
    this.cells[ERRORS]++;
    this.cells[CHARS] += chunk.length;
    this.lock.unlock();
  }

  /** One error more. The lock is needed even for one increment: `addFailedChunk` updates the cell under it too. */
  countError(): void {
    this.lock.lock();
    try {
      this.cells[ERRORS]++;
    } finally {
      this.lock.unlock();
    }
  }

  /** One retry more: a whole lock round for one increment of a cell nothing else touches under that lock. */
  countRetry(): void {
    this.retryLock.lock(); //~ prefer-atomic-over-lock
    try {
      this.retries[0]++;
    } finally {
      this.retryLock.unlock();
    }
  }

  get retried(): number {
    return Atomics.load(this.retries, 0);
  }

  /** Words so far, read without the lock that guards them. */
  get words(): number {
    return this.cells[WORDS]; //~ guarded-by-violation
  }

  /** Writes the totals; the write is awaited while the lock is held. */
  async report(write: (line: string) => Promise<void>): Promise<void> {
    this.lock.lock();
    try {
      await write(`${this.cells[WORDS]} words, ${this.cells[CHARS]} characters, longest ${this.cells[LONGEST]}`); //~ await-holding-lock
    } finally {
      this.lock.unlock();
    }
  }

  /** The totals, copied under the lock and written after it is released. */
  async reportSafely(write: (line: string) => Promise<void>): Promise<void> {
    let line: string;
    this.lock.lock();
    try {
      line = `${this.cells[WORDS]} words, ${this.cells[CHARS]} characters, ${this.cells[ERRORS]} failed chunks`;
    } finally {
      this.lock.unlock();
    }
    await write(line);
  }
}

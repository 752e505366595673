// The `arc-mutex` snippet's lock, exported so that main and the workers wrap the same cell.

/**
 * A mutual-exclusion lock in shared memory (`Arc<Mutex<T>>`). To share it, send `mutex.cell` to a
 * worker (in `workerData` or a message) and wrap it there with `new Mutex(cell)`. `lock()` blocks the
 * thread, so it is for workers; the main thread takes it with `await lockAsync()`. Release it in
 * `finally`, or let `withLock(fn)` do it.
 */
export class Mutex {
  // 0: unlocked, 1: locked, 2: locked and maybe waited on, so that unlock() only notifies when needed.
  readonly cell: Int32Array<SharedArrayBuffer>;

  constructor(cell = new Int32Array(new SharedArrayBuffer(4))) {
    this.cell = cell;
  }

  lock(): void {
    let state = Atomics.compareExchange(this.cell, 0, 0, 1);
    if (state === 0) return;
    if (state !== 2) state = Atomics.exchange(this.cell, 0, 2);
    while (state !== 0) {
      Atomics.wait(this.cell, 0, 2);
      state = Atomics.exchange(this.cell, 0, 2);
    }
  }

  async lockAsync(): Promise<void> {
    let state = Atomics.compareExchange(this.cell, 0, 0, 1);
    if (state === 0) return;
    if (state !== 2) state = Atomics.exchange(this.cell, 0, 2);
    while (state !== 0) {
      await Atomics.waitAsync(this.cell, 0, 2).value;
      state = Atomics.exchange(this.cell, 0, 2);
    }
  }

  tryLock(): boolean {
    return Atomics.compareExchange(this.cell, 0, 0, 1) === 0;
  }

  unlock(): void {
    if (Atomics.exchange(this.cell, 0, 0) === 2) Atomics.notify(this.cell, 0, 1);
  }

  withLock<T>(fn: () => T): T {
    this.lock();
    try {
      return fn();
    } finally {
      this.unlock();
    }
  }
}

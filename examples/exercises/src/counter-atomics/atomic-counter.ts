// The `atomic-counter` snippet, exported so that main and the workers wrap the same cell.

/**
 * A counter shared between threads (`Arc<AtomicUsize>`): send `counter.cell` to a worker and wrap it
 * there with `new AtomicCounter(cell)`. Each method is one atomic step, so no update is ever lost.
 */
export class AtomicCounter {
  readonly cell: Int32Array<SharedArrayBuffer>;

  constructor(cell = new Int32Array(new SharedArrayBuffer(4))) {
    this.cell = cell;
  }

  /** Adds `n` and returns the previous value (`fetch_add`). */
  add(n = 1): number {
    return Atomics.add(this.cell, 0, n);
  }

  /** Subtracts `n` and returns the previous value (`fetch_sub`). */
  sub(n = 1): number {
    return Atomics.sub(this.cell, 0, n);
  }

  load(): number {
    return Atomics.load(this.cell, 0);
  }

  store(value: number): void {
    Atomics.store(this.cell, 0, value);
  }
}

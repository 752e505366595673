// The `atomic-flag` snippet, exported so that main and the workers wrap the same cell.

/**
 * A boolean shared between threads (`Arc<AtomicBool>`) that can be waited on: send `flag.cell` to a
 * worker and wrap it there with `new AtomicBool(cell)`. `waitFor` blocks the thread, so it is for
 * workers; the main thread uses `await waitForAsync(…)`.
 */
export class AtomicBool {
  readonly cell: Int32Array<SharedArrayBuffer>;

  constructor(cell = new Int32Array(new SharedArrayBuffer(4))) {
    this.cell = cell;
  }

  load(): boolean {
    return Atomics.load(this.cell, 0) !== 0;
  }

  /** Sets the flag and wakes every thread waiting for it. */
  store(value: boolean): void {
    Atomics.store(this.cell, 0, value ? 1 : 0);
    Atomics.notify(this.cell, 0);
  }

  waitFor(value: boolean): void {
    const wanted = value ? 1 : 0;
    for (let current = Atomics.load(this.cell, 0); current !== wanted; current = Atomics.load(this.cell, 0)) {
      Atomics.wait(this.cell, 0, current);
    }
  }

  async waitForAsync(value: boolean): Promise<void> {
    const wanted = value ? 1 : 0;
    for (let current = Atomics.load(this.cell, 0); current !== wanted; current = Atomics.load(this.cell, 0)) {
      await Atomics.waitAsync(this.cell, 0, current).value;
    }
  }
}

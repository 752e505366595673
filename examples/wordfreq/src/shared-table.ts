// An open-addressing hash table of word counts that lives in one SharedArrayBuffer, so every worker
// can add to it and main can read it once they are done.
//
// Int32 cells:  [lock, used, arenaUsed, capacity]  then per slot [hash, count, offset, length]
// then a byte arena holding the UTF-8 of each word. Inserts happen under the lock. A slot's hash is
// stored last, with Atomics.store, so `find` can probe without the lock: once it sees the hash,
// the rest of the slot is there.

const LOCK = 0;
const USED = 1;
const ARENA_USED = 2;
const CAPACITY = 3;
const HEADER_CELLS = 4;

const HASH = 0;
const COUNT = 1;
const OFFSET = 2;
const LENGTH = 3;
const SLOT_CELLS = 4;

const EMPTY = 0;

const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;

/** A futex-style lock on one Int32 cell: spin a little, then sleep in Atomics.wait. */
export class SpinLock {
  constructor(
    private readonly cells: Int32Array<SharedArrayBuffer>,
    private readonly index: number,
  ) {}

  lock(): void {
    for (let spin = 0; spin < 64; spin++) {
      if (Atomics.compareExchange(this.cells, this.index, UNLOCKED, LOCKED) === UNLOCKED) return;
    }
    // Contended: mark the cell so unlock() knows to wake someone, and sleep until it is free.
    while (Atomics.exchange(this.cells, this.index, CONTENDED) !== UNLOCKED) {
      Atomics.wait(this.cells, this.index, CONTENDED);
    }
  }

  unlock(): void {
    if (Atomics.exchange(this.cells, this.index, UNLOCKED) === CONTENDED) {
      Atomics.notify(this.cells, this.index, 1);
    }
  }
}

/** FNV-1a, never 0 (0 marks an empty slot). */
function hash(key: Uint8Array<ArrayBuffer>): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i], 0x01000193);
  return h === EMPTY ? 1 : h;
}

export class SharedCountTable {
  readonly buffer: SharedArrayBuffer;
  private readonly cells: Int32Array<SharedArrayBuffer>;
  private readonly arena: Uint8Array<SharedArrayBuffer>;
  private readonly capacity: number;
  private readonly mutex: SpinLock;

  /** A table with room for `capacity` distinct words (a power of two) and `arenaBytes` of their text. */
  static create(capacity: number, arenaBytes: number): SharedCountTable {
    if (capacity <= 0 || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`capacity must be a power of two, got ${capacity}`);
    }
    const sab = new SharedArrayBuffer((HEADER_CELLS + capacity * SLOT_CELLS) * 4 + arenaBytes);
    const header = new Int32Array(sab, 0, HEADER_CELLS);
    header[CAPACITY] = capacity; // nobody else has the buffer yet
    return new SharedCountTable(sab);
  }

  /** Wraps a buffer made by `create` (in this thread or another). */
  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.capacity = new Int32Array(buffer, 0, HEADER_CELLS)[CAPACITY];
    const slotCells = HEADER_CELLS + this.capacity * SLOT_CELLS;
    this.cells = new Int32Array(buffer, 0, slotCells);
    this.arena = new Uint8Array(buffer, slotCells * 4);
    this.mutex = new SpinLock(this.cells, LOCK);
  }

  /** Distinct words so far. */
  get size(): number {
    return Atomics.load(this.cells, USED);
  }

  /** The entry of `key` (pass it to `bump`), or -1. Lock-free: only sees fully inserted slots. */
  find(key: Uint8Array<ArrayBuffer>): number {
    const h = hash(key);
    let slot = h & (this.capacity - 1);
    for (let probe = 0; probe < this.capacity; probe++) {
      const entry = HEADER_CELLS + slot * SLOT_CELLS;
      const seen = Atomics.load(this.cells, entry + HASH);
      if (seen === EMPTY) return -1;
      if (seen === h && this.keyEquals(entry, key)) return entry;
      slot = (slot + 1) & (this.capacity - 1);
    }
    return -1;
  }

  /** Adds `n` to an entry that `find` returned. The slot is already claimed, so there is nothing to lock. */
  bump(entry: number, n: number): void {
    this.cells[entry + COUNT] += n; //~ unsynchronized-shared-write
  }

  /** Adds `n` to the count of `key`, inserting it if needed. */
  add(key: Uint8Array<ArrayBuffer>, n: number): void {
    const h = hash(key);
    this.mutex.lock();
    try {
      let slot = h & (this.capacity - 1);
      for (let probe = 0; probe < this.capacity; probe++) {
        const entry = HEADER_CELLS + slot * SLOT_CELLS;
        const seen = this.cells[entry + HASH];
        if (seen === h && this.keyEquals(entry, key)) {
          this.cells[entry + COUNT] += n;
          return;
        }
        if (seen === EMPTY) {
          const offset = this.cells[ARENA_USED];
          if (offset + key.length > this.arena.length) throw new Error('word table: arena is full');
          this.arena.set(key, offset);
          this.cells[ARENA_USED] = offset + key.length;
          this.cells[entry + OFFSET] = offset;
          this.cells[entry + LENGTH] = key.length;
          this.cells[entry + COUNT] = n;
          this.cells[USED]++;
          Atomics.store(this.cells, entry + HASH, h); // publish the slot to lock-free `find`
          return;
        }
        slot = (slot + 1) & (this.capacity - 1);
      }
      throw new Error(`word table is full (${this.capacity} words)`);
    } finally {
      this.mutex.unlock();
    }
  }

  /** Every [word, count]. Call it once the writers are done. */
  entries(): Array<[string, number]> {
    const decoder = new TextDecoder();
    const out: Array<[string, number]> = [];
    for (let slot = 0; slot < this.capacity; slot++) {
      const entry = HEADER_CELLS + slot * SLOT_CELLS;
      if (Atomics.load(this.cells, entry + HASH) === EMPTY) continue;
      const offset = this.cells[entry + OFFSET];
      const word = decoder.decode(this.arena.subarray(offset, offset + this.cells[entry + LENGTH]));
      out.push([word, this.cells[entry + COUNT]]);
    }
    return out;
  }

  private keyEquals(entry: number, key: Uint8Array<ArrayBuffer>): boolean {
    const offset = this.cells[entry + OFFSET];
    if (this.cells[entry + LENGTH] !== key.length) return false;
    for (let i = 0; i < key.length; i++) {
      if (this.arena[offset + i] !== key[i]) return false;
    }
    return true;
  }
}

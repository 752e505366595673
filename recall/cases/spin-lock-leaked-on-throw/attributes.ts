// Reported: https://github.com/HarperFast/harper/issues/2251
// An exclusive lock was taken with an unbounded spin and released by hand at each exit: one path
// threw while holding it, and every later caller spun forever, pinning a core at 100% CPU.
const LOCK = 0;
const COUNT = 1;
const FIRST_SLOT = 2;

export function addAttribute(cells: Int32Array<SharedArrayBuffer>, attribute: number): number {
  while (Atomics.compareExchange(cells, LOCK, 0, 1) !== 0) {} //~ busy-wait lock-not-released
  const count = cells[COUNT];
  for (let i = 0; i < count; i++) {
    if (cells[FIRST_SLOT + i] === attribute) {
      Atomics.store(cells, LOCK, 0);
      return i;
    }
  }
  if (FIRST_SLOT + count >= cells.length) {
    throw new Error(`no room for attribute ${attribute}`);
  }
  cells[FIRST_SLOT + count] = attribute;
  cells[COUNT] = count + 1;
  Atomics.store(cells, LOCK, 0);
  return count;
}

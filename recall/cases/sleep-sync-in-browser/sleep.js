// A sleep helper written for Node, published as a package, and imported by a web page.
export default function sleepSynchronously(ms) {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(cell, 0, 0, ms); //~ blocking-wait-on-main-thread
}

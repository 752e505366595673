/**
 * A cheap syntactic pre-filter: most modules of a project never touch threads, shared memory,
 * Atomics, ports or locks, and every rule would ask the type checker about them for nothing. A file
 * whose text names none of the APIs the rules are about is not analysed further. The words are the
 * ones such code cannot avoid writing (a view's class, `Atomics`, `postMessage`, a lock's type…);
 * memory that arrives typed by an alias from another module still arrives through one of them
 * (`workerData`, a message listener) or through a parameter of a function that names them.
 */
const CONCURRENCY_WORDS = new RegExp([
  'SharedArrayBuffer', 'Atomics', 'Worker', 'worker_threads', 'workerData', 'parentPort', 'postMessage', 'onmessage',
  'MessagePort', 'MessageChannel', 'BroadcastChannel', 'transfer', 'Piscina', 'Tinypool', 'workerpool',
  '(?:Int|Uint|Float|BigInt|BigUint)(?:8|16|32|64)(?:Clamped)?Array', 'DataView',
  'Mutex', 'Lock', 'Semaphore', 'lock\\(', 'acquire', 'release',
  '@shared', '@guardedBy', '@requires', '@acquires', '@releases', 'fearless-ignore',
].join('|'));

export function mayConcernThreads(text: string): boolean {
  return CONCURRENCY_WORDS.test(text);
}

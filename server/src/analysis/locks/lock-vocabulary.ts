/**
 * The names the lock model recognises: lock types, their methods, condition-variable waits, lock
 * helpers. Shared by the model (locks/) and by the syntactic index that tells which code can touch
 * a lock at all (lock-relevance.ts).
 */

export const LOCK_TYPE = /(Mutex|Lock|Semaphore)$/;
export const CONDVAR_TYPE = /(Cond|Condvar|CondVar|Condition|ConditionVariable)$/;
export const SEMAPHORE_TYPE = /Semaphore$/;
/**
 * Methods of a lock type, by what they do. `…Async` and `async…` twins (a lock over shared memory taken
 * with `Atomics.waitAsync`) mean the same as their blocking names: see `lockMethodOf`. `try…` forms take
 * the lock when they return true.
 */
export const LOCK_METHODS: Record<string, { kind: 'acquire' | 'release'; mode: 'write' | 'read'; pair: string }> = Object.fromEntries(
  ([
    ['lock', 'unlock', 'write'], ['acquire', 'release', 'write'], ['writeLock', 'writeUnlock', 'write'],
    ['lockWrite', 'unlockWrite', 'write'], ['readLock', 'readUnlock', 'read'], ['lockRead', 'unlockRead', 'read'],
  ] as const).flatMap(([acquire, release, mode]) => [
    [acquire, { kind: 'acquire', mode, pair: release }],
    [release, { kind: 'release', mode, pair: acquire }],
  ]),
);
export const TRY_METHODS: Record<string, 'write' | 'read'> = {
  tryLock: 'write', tryAcquire: 'write', tryWriteLock: 'write', tryLockWrite: 'write', tryReadLock: 'read', tryLockRead: 'read',
};
export const CONDVAR_WAITS = new Set(['wait', 'waitAsync', 'asyncWait', 'waitFor', 'waitUntil']);
export const LOCKISH_FUNCTION = /^(lock|unlock|acquire|release)/i;
/** Packages whose locks order tasks of one thread: they never protect memory from other threads. */
export const IN_THREAD_LOCK_PACKAGES = /[\\/]node_modules[\\/](async-mutex|async-lock|await-lock|async-sema)[\\/]/;
export const IN_THREAD_LOCK_MODULES = /^(async-mutex|async-lock|await-lock|async-sema)$/;
/** Helpers whose callback runs with the lock held: a blocking lock's, then an in-thread lock's. */
export const WITH_LOCK = new Set(['withLock', 'withMutex', 'synchronized', 'withWriteLock']);
export const WITH_READ_LOCK = new Set(['withReadLock']);
export const RUN_EXCLUSIVE = 'runExclusive';

/** What a lock method of this name does, with its asynchronous twins: `lockAsync` and `asyncLock` are `lock`. */
export function lockMethodOf(name: string): (typeof LOCK_METHODS)[string] | undefined {
  const prefixed = /^async([A-Z])(.*)$/.exec(name);
  return LOCK_METHODS[prefixed ? prefixed[1]!.toLowerCase() + prefixed[2] : name.replace(/Async$/, '')];
}

/** Whether a call of this name can take, drop or hold a lock by its name alone (with `Atomics.*`, the raw locks). */
export function isLockCallName(name: string): boolean {
  return lockMethodOf(name) !== undefined || TRY_METHODS[name] !== undefined || CONDVAR_WAITS.has(name) ||
    WITH_LOCK.has(name) || WITH_READ_LOCK.has(name) || name === RUN_EXCLUSIVE || LOCKISH_FUNCTION.test(name);
}

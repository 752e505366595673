/**
 * The lock model's vocabulary: lock keys, the events that take and drop them, and what the model knows
 * of one function's locks. How the model works is told in model.ts.
 */
import type { ts } from '../ts';
import type { Cfg, CfgNode } from '../cfg/graph';
import type { FunctionLike } from '../syntax/syntax';

export type LockKey = string;
export const UNKNOWN_LOCK: LockKey = '?';
/** A read (shared) lock is its own key, `m:read`: it lets other readers in, so a write under it is unprotected. */
export const READ_SUFFIX = ':read';

/**
 * `blocking`: protects memory from other threads, and blocks them while held (typed locks built on
 * `Atomics`, raw spin locks); `in-thread`: a promise-based lock that orders tasks of this thread only;
 * `tagged`: named by `@acquires` / `@releases`, of unknown make; `unknown`: the lock `?`.
 */
export type LockFlavor = 'blocking' | 'in-thread' | 'tagged' | 'unknown';

export interface LockEvent {
  kind: 'acquire' | 'release';
  key: LockKey;
  /** The call, or the condition whose outcome takes the lock (`if (m.tryLock())`, a spin loop's test). */
  node: ts.Node;
  flavor: LockFlavor;
  /** A counting lock (a `*Semaphore`), which one task may take more than once. */
  counting?: boolean;
  /** Done by a called function of the program (a helper, a tagged function), not by the lock's own method. */
  viaCall?: boolean;
  /**
   * Done somewhere inside an ordinary called function, learnt from its summary: not a lock operation
   * written here (a tagged or lock-named helper is one: its call reads as the acquire or release).
   */
  implicit?: boolean;
  /** A raw lock's: an `Atomics` operation on a cell of shared memory (or a helper's, on one). */
  raw?: boolean;
  /** A condition variable's wait: the lock is dropped and taken back within the call. */
  transient?: boolean;
  /** Only some paths through its statement run it (`ok && m.lock()`). */
  conditional?: boolean;
}

/** A lock a called function takes (and may drop again) inside, as seen from the call. */
export interface InnerAcquisition {
  key: LockKey;
  /** Its class when the callee names it without its parameters or `this` (a module's lock). */
  lockClass?: string;
}

/** The locks of one function: its graph, the events of each node, and the held sets before each node. */
export interface FunctionLocks {
  readonly fn: FunctionLike;
  readonly cfg: Cfg;
  /** Held on entry: `@requires L`, or the callback of `withLock(m, …)` or of a function that calls it holding a lock. */
  readonly initial: ReadonlySet<LockKey>;
  /** The `withLock` call or the `@requires` function that makes `initial` held. */
  readonly initialSite: ts.Node | undefined;
  /** Events of each node, in evaluation order; nodes without events are absent. */
  readonly events: ReadonlyMap<CfgNode, readonly LockEvent[]>;
  /** Held on every path into each node. */
  readonly mustBefore: ReadonlyMap<CfgNode, ReadonlySet<LockKey>>;
  /** Keys some path into each node has taken or dropped. */
  readonly touchedBefore: ReadonlyMap<CfgNode, ReadonlySet<LockKey>>;
  /** What kind of lock each key of this function is (a name may mean another lock in another function). */
  readonly flavors: ReadonlyMap<LockKey, LockFlavor>;
  /** Keys whose first event on some path is a release: the caller's lock, dropped and maybe taken back (a condition wait). */
  readonly borrowed: ReadonlySet<LockKey>;
}

/** How a typed lock is taken and released: `lock()` / `unlock()`, or `await lockAsync()` (`awaited`). */
export interface LockMethods {
  acquire: string;
  release: string;
  awaited?: boolean;
}

/** An event of a called function, as its summary keeps it (in the callee's names). */
export type SummaryEvent = Pick<LockEvent, 'key' | 'flavor' | 'raw'>;

/** What a called function does to its callers' locks (see summaries.ts). */
export interface Summary {
  acquires: SummaryEvent[];
  releases: SummaryEvent[];
  inner: InnerAcquisition[];
  params: string[];
}

/** The held set after `events`: releases drop their key, acquires that happen on every path add theirs. */
export function applyMust(before: ReadonlySet<LockKey>, events: readonly LockEvent[]): ReadonlySet<LockKey> {
  const out = new Set(before);
  for (const e of events) {
    if (e.kind === 'release') out.delete(e.key);
    else if (!e.conditional) out.add(e.key);
  }
  return out;
}

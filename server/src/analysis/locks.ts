/**
 * The lock model: which locks are held at a point, flow-sensitively over each function's control-flow
 * graph, and what every call does to them.
 *
 * A lock is `lock()/unlock()`, `acquire()/release()` (and their read/write/`…Async`/`try…` forms) on a
 * value whose type name ends in `Mutex`, `Lock` or `Semaphore`: blocking when the acquire is
 * synchronous or built on `Atomics`; in-thread when it is a promise-based lock that only orders the
 * tasks of one thread (`async-mutex`: `const release = await m.acquire(); … release()`). Also: the raw
 * Atomics spin lock (a `compareExchange` / `exchange` from free (0) to taken, retried in a loop; released
 * by `Atomics.store(a, i, 0)`, `exchange(a, i, 0)` or `sub(a, i, 1)` of a cell some code takes that way:
 * the same operations on a mailbox, slot or counter release nothing); a condition variable's
 * `wait(lock)`, which drops and takes back the lock it is given; functions tagged `@acquires L` /
 * `@releases L` (their bodies are the lock's implementation, so the tag is believed over them); and
 * functions of the program other than a lock's own methods, summarised: what they take or drop for good (`lock(arr, i)` helpers), and
 * what they take and drop inside (for double locking and lock order through calls). Bodies of
 * functions tagged `@requires L` and callbacks of `withLock`-shaped helpers (`runExclusive` too) start
 * with the lock held. A lock-looking call we cannot resolve is the unknown lock `?`: code under it is
 * treated as protected, so unknown stays silent.
 *
 * A lock's key is the text that names it once `const` aliases are followed (`const m = this.mutex`
 * makes `m` and `this.mutex` one key), `array[index]` for raw locks (a constant index by its value).
 * Within a function a key names one lock. Across functions and files, `lockClass` names what a key
 * resolves to by symbol: the variable, or the field of a class or interface (every instance's lock of
 * one field is one class, as a lock-order checker needs).
 */
import { ts } from './ts';
import { Cfg, CfgNode, buildCfg, impliedAtoms, isConditional, mayForward, mustForward } from './cfg';
import {
  atomicsCallName, calleeName, enclosingFunction, forEachInFunction, functionName, isAsyncFunction, isFunctionBoundary, jsDocTagArguments, outerParent,
  skipOuter,
} from './syntax';
import { builtinName, isPromiseLike } from './types';
import {
  CONDVAR_TYPE, CONDVAR_WAITS, IN_THREAD_LOCK_MODULES, IN_THREAD_LOCK_PACKAGES, LOCKISH_FUNCTION, LOCK_METHODS, LOCK_TYPE, lockMethodOf,
  RUN_EXCLUSIVE, SEMAPHORE_TYPE, TRY_METHODS, WITH_LOCK, WITH_READ_LOCK,
} from './lock-vocabulary';
import { lockRelevantNames, lockTouchingFunctions, rawTakeCandidates } from './lock-relevance';

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

export type FunctionLike = ts.FunctionLikeDeclaration | ts.ClassStaticBlockDeclaration | ts.SourceFile;

/** How a typed lock is taken and released: `lock()` / `unlock()`, or `await lockAsync()` (`awaited`). */
export interface LockMethods {
  acquire: string;
  release: string;
  awaited?: boolean;
}

type SummaryEvent = Pick<LockEvent, 'key' | 'flavor' | 'raw'>;

interface Summary {
  acquires: SummaryEvent[];
  releases: SummaryEvent[];
  inner: InnerAcquisition[];
  params: string[];
}

export class LockModel {
  private readonly functionsCache = new Map<FunctionLike, FunctionLocks>();
  private readonly summaries = new Map<ts.FunctionLikeDeclaration, Summary | null>();
  private readonly callCache = new Map<ts.CallExpression, LockEvent[]>();
  private withLocks: { file: ts.SourceFile; list: FunctionLocks[] } | undefined;
  /** For each typed lock seen, the method names it is taken and released with (`lock`/`unlock`…). */
  readonly methodsOf = new Map<LockKey, LockMethods>();
  private readonly cfgs = new Map<FunctionLike, Cfg>();
  /** Functions whose callback is being judged: one that passes its callback back to itself holds nothing more. */
  private readonly aroundCallback = new Set<ts.FunctionLikeDeclaration>();

  private readonly checker: ts.TypeChecker;

  constructor(private readonly program: ts.Program) {
    this.checker = program.getTypeChecker();
  }

  /** The program's function names whose calls may touch a lock (lock-relevance.ts). */
  private relevant(): ReadonlySet<string> {
    return lockRelevantNames(this.program);
  }

  /** The control-flow graph of a function, built once (the file's other analyses share it). */
  cfgOf(fn: FunctionLike): Cfg {
    let cfg = this.cfgs.get(fn);
    if (!cfg) this.cfgs.set(fn, cfg = buildCfg(fn));
    return cfg;
  }

  /** Locks that protect memory from other threads, held on every path when `node` is evaluated. */
  heldAt(node: ts.Node): ReadonlySet<LockKey> {
    const all = this.locksHeldAt(node);
    const { flavors } = this.functionLocks(enclosingFunction(node));
    return [...all].some(k => flavors.get(k) === 'in-thread') ? new Set([...all].filter(k => flavors.get(k) !== 'in-thread')) : all;
  }

  /** Every lock held on every path when `node` is evaluated, in-thread ones included. */
  locksHeldAt(node: ts.Node): ReadonlySet<LockKey> {
    const fl = this.functionLocks(enclosingFunction(node));
    const copies = fl.cfg.nodesOf(node);
    if (copies.length === 0) return fl.initial;
    let out: Set<LockKey> | undefined;
    for (const n of copies) {
      const here = this.heldBefore(fl, n, node.getStart());
      if (!out) out = new Set(here);
      else for (const k of out) if (!here.has(k)) out.delete(k);
    }
    return out!;
  }

  /** Held on every path at `pos` inside node `n`: the node's facts, then its events that end before `pos`. */
  heldBefore(fl: FunctionLocks, n: CfgNode, pos: number): ReadonlySet<LockKey> {
    const before = fl.mustBefore.get(n) ?? new Set<LockKey>();
    const partial = (fl.events.get(n) ?? []).filter(e => e.node.end <= pos && e.node.pos < pos);
    return partial.length === 0 ? before : applyMust(before, partial);
  }

  /** The analysis of one function, computed once. */
  functionLocks(fn: FunctionLike): FunctionLocks {
    let fl = this.functionsCache.get(fn);
    if (fl) return fl;
    const cfg = this.cfgOf(fn);
    const all = cfg.nodes.map(n => [n, this.nodeEvents(n)] as const);
    const acquired = new Set(all.flatMap(([, list]) => list.filter(e => e.kind === 'acquire').map(e => e.key)));
    const events = new Map<CfgNode, LockEvent[]>();
    for (const [n, list] of all) {
      const kept = list.filter(e => e.kind === 'acquire' || !e.raw || this.isLockCell(e, fn, acquired));
      if (kept.length > 0) events.set(n, kept);
    }
    const { keys: initial, site: initialSite, flavor: initialFlavor } = this.initialHeld(fn);
    const flavors = new Map<LockKey, LockFlavor>([...initial].map(k => [k, initialFlavor ?? 'tagged']));
    for (const list of events.values()) for (const e of list) if (!flavors.has(e.key)) flavors.set(e.key, e.flavor);
    const mustBefore = events.size === 0 && initial.size === 0 ? new Map<CfgNode, ReadonlySet<LockKey>>()
      : mustForward(cfg, initial, (n, before) => {
        const list = events.get(n);
        return list ? applyMust(before, list) : before;
      });
    const touchedBefore = events.size === 0 ? new Map<CfgNode, ReadonlySet<LockKey>>()
      : mayForward(cfg, new Set<LockKey>(), (n, before) => {
        const list = events.get(n);
        return list ? new Set([...before, ...list.map(e => e.key)]) : before;
      });
    const borrowed = new Set<LockKey>();
    for (const [n, list] of events) {
      const touched = touchedBefore.get(n) ?? new Set<LockKey>();
      const seen = new Set<LockKey>();
      for (const e of list) {
        if (e.kind === 'release' && !touched.has(e.key) && !seen.has(e.key) && !initial.has(e.key)) borrowed.add(e.key);
        seen.add(e.key);
      }
    }
    fl = { fn, cfg, initial, initialSite, events, mustBefore, touchedBefore, flavors, borrowed };
    this.functionsCache.set(fn, fl);
    return fl;
  }

  /**
   * Whether a raw release (`Atomics.store(a, i, 0)`, `exchange(a, i, 0)`, `sub(a, i, 1)`) is a lock's: the
   * same cell is taken here, or somewhere in the program by a `compareExchange` from free (or a test-and-set
   * `exchange` checked against free), or it is a parameter's cell, which the caller judges with its own
   * name for it. Otherwise the cell is a mailbox, a counter or a slot whose reset is no lock's release
   * (synckit's `Atomics.store(view, 0, 0)` after a wait, a pool's counter reset after a handshake).
   * A release through a lock-named or tagged helper's call is a lock's by that name.
   */
  private isLockCell(e: LockEvent, fn: FunctionLike, acquired: ReadonlySet<LockKey>): boolean {
    if (acquired.has(e.key) || (e.viaCall && !e.implicit) || hasParameter(fn, keyRoot(e.key))) return true;
    return this.rawLockCells().has(this.cellId(e.key, e.node));
  }

  /** The cells the program takes as raw locks, by `cellId`: computed once per program. */
  private rawLockCells(): ReadonlySet<string> {
    let cells = rawCellsOf.get(this.program);
    if (!cells) {
      const found = new Set<string>();
      for (const call of rawTakeCandidates(this.program)) {
        const key = this.rawTakeKey(call, comparedWith(call));
        if (key) found.add(this.cellId(key, call));
      }
      rawCellsOf.set(this.program, cells = found);
    }
    return cells;
  }

  /** A cell's identity across functions and files: its array's declaration and index, else its text in its file. */
  private cellId(key: LockKey, at: ts.Node): string {
    const resolved = this.resolveKey(key, at);
    return resolved ? declarationId(resolved.decl) + (resolved.cell ?? '') : `${at.getSourceFile().fileName}:${key}`;
  }

  /** Every function of `file` (and its top level) that takes, drops or starts with a lock. */
  functionsWithLocks(file: ts.SourceFile): FunctionLocks[] {
    if (this.withLocks?.file === file) return this.withLocks.list;
    const list: FunctionLocks[] = [];
    // Only functions whose syntax can touch a lock (see lock-relevance.ts), outer ones first, as a walk meets them.
    const touching = [...lockTouchingFunctions(file, this.relevant())]
      .filter((n): n is FunctionLike => ts.isSourceFile(n) || isFunctionBoundary(n))
      .sort((a, b) => a.pos - b.pos || b.end - a.end);
    for (const n of touching) {
      const fl = this.functionLocks(n);
      if (fl.events.size > 0 || fl.initial.size > 0) list.push(fl);
    }
    this.withLocks = { file, list };
    return list;
  }

  /** The calls a node makes itself (not those of functions defined in it). */
  callsOf(n: CfgNode): ts.CallExpression[] {
    if (!n.ast || n.kind === 'loop-exit') return [];
    const calls: ts.CallExpression[] = [];
    const visit = (x: ts.Node): void => {
      if (ts.isCallExpression(x)) calls.push(x);
    };
    visit(n.ast);
    forEachInFunction(n.ast, visit);
    return calls;
  }

  /**
   * Where `key`, held at `pos` in node `n`, was taken: the nearest acquisitions on the paths back
   * (or the `withLock` call / `@requires` function that holds it on entry).
   */
  whereTaken(fl: FunctionLocks, n: CfgNode, pos: number, key: LockKey): ts.Node[] {
    const taken = this.lastEvents(fl, n, pos, key).filter(e => e.kind === 'acquire').map(e => e.node);
    if (fl.initial.has(key) && fl.initialSite && this.reachesEntry(fl, n, pos, key)) taken.unshift(fl.initialSite);
    return taken;
  }

  /** The last events on `key` on the paths back from `pos` in node `n` (up to three), in text order. */
  lastEvents(fl: FunctionLocks, n: CfgNode, pos: number, key: LockKey): LockEvent[] {
    const last = (node: CfgNode, before: number): LockEvent | undefined =>
      (fl.events.get(node) ?? []).filter(e => e.key === key && e.node.end <= before).pop();
    const here = last(n, pos);
    if (here) return [here];
    const found: LockEvent[] = [];
    const seen = new Set<CfgNode>([n]);
    const stack = [...n.pred];
    while (stack.length > 0 && found.length < 3) {
      const p = stack.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      const e = last(p, Infinity);
      if (e) {
        if (!found.some(f => f.node === e.node && f.kind === e.kind)) found.push(e);
        continue;
      }
      stack.push(...p.pred);
    }
    return found.sort((a, b) => a.node.pos - b.node.pos);
  }

  /** Whether some path back from `pos` in `n` reaches the entry without an event on `key`. */
  private reachesEntry(fl: FunctionLocks, n: CfgNode, pos: number, key: LockKey): boolean {
    const has = (node: CfgNode, before: number): boolean => (fl.events.get(node) ?? []).some(e => e.key === key && e.node.end <= before);
    if (has(n, pos)) return false;
    const seen = new Set<CfgNode>([n]);
    const stack = [...n.pred];
    while (stack.length > 0) {
      const p = stack.pop()!;
      if (p === fl.cfg.entry) return true;
      if (seen.has(p) || has(p, Infinity)) continue;
      seen.add(p);
      stack.push(...p.pred);
    }
    return n === fl.cfg.entry;
  }

  /**
   * Whether an expression is a lock object: its type is a `*Mutex` / `*Lock` / `*Semaphore` with a lock
   * method, whose release, if it has one (async-mutex's `acquire()` hands out a release function), does
   * not wait. The name alone is not enough: the DOM's Web Locks `Lock` has no method at all. A release
   * never waits for anyone: one that returns a promise does I/O (a lock file, a lease on a server), which
   * is no lock of memory or of this thread's tasks.
   */
  isLock(e: ts.Expression): boolean {
    const type = this.checker.getTypeAtLocation(e);
    if (!LOCK_TYPE.test(typeNameOf(type) ?? '')) return false;
    const methods = type.getProperties().filter(p => lockMethodOf(p.getName()) !== undefined || TRY_METHODS[p.getName()] !== undefined);
    if (methods.length === 0) return false;
    const releases = methods.filter(p => lockMethodOf(p.getName())?.kind === 'release');
    return releases.every(p => !this.checker.getTypeOfSymbolAtLocation(p, e).getCallSignatures()
      .some(sig => isPromiseLike(sig.getReturnType(), this.checker)));
  }

  /**
   * Whether a lock the model cannot see may be held at `node`: before it, its function takes something
   * by a lock's name (`lock()`, `asyncLock()`, `acquire()`) on an object whose type does not say what it
   * is (`any`, or a type without that method: a lock class of another script). Unknown is silence.
   */
  mayHoldUnseenLock(node: ts.Node): boolean {
    let found = false;
    const visit = (x: ts.Node): void => {
      if (found || x.pos >= node.pos) return;
      if (ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && x.end <= node.getStart()) {
        const name = x.expression.name.text;
        if ((lockMethodOf(name)?.kind === 'acquire' || TRY_METHODS[name] !== undefined) && !this.isLock(x.expression.expression)) {
          const type = this.checker.getTypeAtLocation(x.expression.expression);
          found = (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0 || type.getProperty(name) === undefined;
        }
      }
    };
    const scope = enclosingFunction(node);
    const body = ts.isSourceFile(scope) ? scope : scope.body;
    if (body) forEachInFunction(body, visit);
    return found;
  }

  /** Whether `call` takes the lock `key`. */
  acquires(call: ts.CallExpression, key: LockKey): boolean {
    return this.callEvents(call).some(e => e.kind === 'acquire' && e.key === key);
  }


  /**
   * Code that implements a lock rather than uses one, exempt from the lock rules: methods of a lock or
   * condition-variable type (and functions inside them), functions tagged `@acquires` / `@releases`,
   * and functions named as lock operations (`lock(cells, i)`) that take or drop a lock for their caller.
   */
  isImplementation(fn: FunctionLike): boolean {
    if (isLockClassMember(fn)) return true;
    if (ts.isSourceFile(fn) || ts.isClassStaticBlockDeclaration(fn)) return false;
    const holder = ts.isVariableDeclaration(fn.parent) ? fn.parent : fn;
    if ((jsDocTagArguments(holder, 'acquires') ?? jsDocTagArguments(holder, 'releases')) !== undefined) return true;
    const name = functionName(fn);
    const summary = name !== undefined && LOCKISH_FUNCTION.test(name) ? this.summaryOf(fn) : undefined;
    return summary !== undefined && summary.acquires.length + summary.releases.length > 0;
  }

  /**
   * The release written in the function a call runs (or deeper, through that function's own calls) that
   * drops `key` for the caller: where an implicit release event of the call really happens.
   */
  releaseInside(call: ts.CallExpression, key: LockKey, depth = 0): LockEvent | undefined {
    const called = this.calledFunction(skipOuter(call.expression));
    const summary = called && this.summaryOf(called);
    const inner = summary?.releases.find(r => this.substitute(r.key, summary.params, call) === key);
    if (!inner || depth > 8) return undefined;
    const releases = [...this.functionLocks(called!).events.values()].flat().filter(e => e.kind === 'release' && e.key === inner.key);
    const written = releases.find(e => !e.implicit);
    if (written) return written;
    const through = releases.find(e => ts.isCallExpression(e.node));
    return through && this.releaseInside(through.node as ts.CallExpression, inner.key, depth + 1);
  }

  /** The locks a call takes inside the function it runs (released there or not), with the call's arguments in. */
  innerAcquisitions(call: ts.CallExpression): InnerAcquisition[] {
    const name = calleeName(call);
    if (name === undefined || !this.relevant().has(name)) return [];
    const called = this.calledFunction(skipOuter(call.expression));
    const summary = called && this.summaryOf(called);
    if (!summary) return [];
    return summary.inner.map(a => ({ ...a, key: this.substitute(a.key, summary.params, call) }));
  }

  /** The key of a lock expression, `const` aliases followed. */
  lockKeyOf(e: ts.Expression, depth = 0): LockKey {
    const x = skipOuter(e);
    // `super.release()` in a lock's subclass releases the object's own lock.
    if (x.kind === ts.SyntaxKind.SuperKeyword) return 'this';
    if (depth < 8 && ts.isIdentifier(x)) {
      const alias = this.aliasOf(x);
      if (alias) return typeof alias === 'string' ? alias : this.lockKeyOf(alias, depth + 1);
    }
    if (depth < 8 && ts.isPropertyAccessExpression(x)) return `${this.lockKeyOf(x.expression, depth + 1)}.${x.name.text}`;
    return keyOf(x);
  }

  /** `array[index]` of a raw lock cell, a constant index by its value. */
  cellKeyOf(arr: ts.Expression, index: ts.Expression): LockKey {
    const value = this.constantOf(index);
    return `${this.lockKeyOf(arr)}[${value ?? keyOf(index)}]`;
  }

  /**
   * What `key` resolves to at `at`, the same in every function and file: the declaration of its variable
   * or of the field it ends in (`Bank.lock`), then a raw cell's index. Undefined when it cannot be resolved.
   */
  lockClass(key: LockKey, at: ts.Node): string | undefined {
    const resolved = this.resolveKey(key, at);
    // A cell picked by a variable is a different lock on each call: no class to order.
    if (!resolved || (resolved.cell && !/^\[-?\d+\]$/.test(resolved.cell))) return undefined;
    return declarationId(resolved.decl) + (resolved.cell ?? '');
  }

  /** How a typed lock that `key` names at `at` is taken and released (`lock`/`unlock`…, or `await lockAsync()`). */
  methodsAt(key: LockKey, at: ts.Node): LockMethods | undefined {
    const known = this.methodsOf.get(key);
    if (known) return known;
    const type = this.resolveKey(key, at)?.type;
    if (!type || key.includes('[')) return undefined;
    for (const [name, m] of Object.entries(LOCK_METHODS)) {
      if (m.kind !== 'acquire' || (m.mode === 'read') !== key.endsWith(READ_SUFFIX)) continue;
      const acquire = this.checker.getPropertyOfType(type, name);
      const release = this.checker.getPropertyOfType(type, m.pair);
      const signature = acquire && this.checker.getTypeOfSymbolAtLocation(acquire, at).getCallSignatures()[0];
      if (signature && release && !isPromiseLike(signature.getReturnType(), this.checker)) return { acquire: name, release: m.pair };
    }
    return undefined;
  }

  /** The declaration and type a key's text names at `at`, following its property path. */
  private resolveKey(key: LockKey, at: ts.Node): { decl: ts.Node; type: ts.Type | undefined; cell?: string } | undefined {
    const parsed = /^(this|[A-Za-z_$][\w$]*)((?:\.[A-Za-z_$#][\w$]*)*)(\[[^\]]*\])?(?::read)?$/.exec(key);
    if (!parsed) return undefined;
    const [, root, path, cell] = parsed;
    let decl: ts.Node | undefined;
    let type: ts.Type | undefined;
    if (root === 'this') {
      let cls: ts.Node | undefined = at;
      while (cls && !ts.isClassLike(cls)) cls = cls.parent;
      const sym = cls && ts.isClassLike(cls) && cls.name ? this.checker.getSymbolAtLocation(cls.name) : undefined;
      if (!sym || !cls) return undefined;
      decl = cls;
      type = this.checker.getDeclaredTypeOfSymbol(sym);
    } else {
      let sym = this.checker.resolveName(root, at, ts.SymbolFlags.Value | ts.SymbolFlags.Alias, false);
      if (sym && (sym.flags & ts.SymbolFlags.Alias)) sym = this.checker.getAliasedSymbol(sym);
      decl = sym?.valueDeclaration;
      if (!sym || !decl) return undefined;
      type = this.checker.getTypeOfSymbolAtLocation(sym, at);
    }
    for (const name of path.split('.').filter(Boolean)) {
      const prop = type && this.checker.getPropertyOfType(this.checker.getNonNullableType(type), name);
      if (!prop?.valueDeclaration) return undefined;
      decl = prop.valueDeclaration;
      type = this.checker.getTypeOfSymbolAtLocation(prop, at);
    }
    return { decl, type, ...(cell ? { cell } : {}) };
  }

  /** The acquire/release events a call performs, in evaluation order. */
  callEvents(call: ts.CallExpression): LockEvent[] {
    let events = this.callCache.get(call);
    if (!events) this.callCache.set(call, events = this.computeCallEvents(call));
    return events;
  }

  /** The events of a node: its calls', plus a lock its branch condition says was taken. */
  private nodeEvents(n: CfgNode): LockEvent[] {
    if (n.assume) return this.assumedEvents(n.assume.expr, n.assume.value);
    if (!n.ast || n.kind === 'loop-exit') return [];
    const root = n.ast;
    const events: LockEvent[] = [];
    const visit = (x: ts.Node): void => {
      if (!ts.isCallExpression(x)) return;
      const own = this.callEvents(x);
      if (own.length === 0) return;
      const conditional = isConditional(x, root);
      for (const e of own) events.push(conditional ? { ...e, conditional } : e);
    };
    visit(root);
    forEachInFunction(root, visit);
    return events.sort((a, b) => a.node.end - b.node.end);
  }

  /**
   * A lock a condition's outcome proves taken: `m.tryLock()` true, or a raw lock's
   * `Atomics.compareExchange(a, i, 0, 1) === 0` true (`!== 0` false) where it is retried in a loop.
   */
  private assumedEvents(cond: ts.Expression, value: boolean): LockEvent[] {
    const events: LockEvent[] = [];
    for (const { atom, value: v } of impliedAtoms(cond, value)) {
      const e = skipOuter(atom);
      if (ts.isCallExpression(e) && v) {
        const callee = skipOuter(e.expression);
        const mode = ts.isPropertyAccessExpression(callee) ? TRY_METHODS[callee.name.text] : undefined;
        if (mode && ts.isPropertyAccessExpression(callee) && this.isLock(callee.expression)) {
          const key = this.lockKeyOf(callee.expression) + (mode === 'read' ? READ_SUFFIX : '');
          events.push({ kind: 'acquire', key, node: cond, flavor: 'blocking' });
        }
      } else if (ts.isBinaryExpression(e) && isRetried(cond)) {
        const k = e.operatorToken.kind;
        const equal = k === ts.SyntaxKind.EqualsEqualsEqualsToken || k === ts.SyntaxKind.EqualsEqualsToken;
        const unequal = k === ts.SyntaxKind.ExclamationEqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsToken;
        if (!(equal && v) && !(unequal && !v)) continue;
        const key = this.constantOf(e.right) === 0 ? this.rawTakeKey(e.left, e.right) : this.constantOf(e.left) === 0 ? this.rawTakeKey(e.right, e.left) : undefined;
        if (key) events.push({ kind: 'acquire', key, node: cond, flavor: 'blocking', raw: true });
      }
    }
    return events;
  }

  /**
   * The cell `Atomics.compareExchange(a, i, FREE, TAKEN)` takes (FREE is 0), or `Atomics.exchange(a, i, TAKEN)`
   * whose result is compared with FREE: an exchange that is not checked stores a value, it takes nothing.
   */
  private rawTakeKey(call: ts.Expression, compared: ts.Expression | undefined): LockKey | undefined {
    const c = skipOuter(call);
    const name = atomicsCallName(c);
    if (!name || !ts.isCallExpression(c)) return undefined;
    const [arr, index, a3, a4] = c.arguments;
    if (!arr || !index) return undefined;
    const taken = name === 'compareExchange' && a3 && a4 && this.constantOf(a3) === 0 ? this.constantOf(a4)
      : name === 'exchange' && a3 && compared && this.constantOf(compared) === 0 ? this.constantOf(a3) : undefined;
    return taken !== undefined && taken !== 0 ? this.cellKeyOf(arr, index) : undefined;
  }

  /** A function tagged `@requires L` and a callback of `withLock(m, fn)` / `m.withLock(fn)` start with the lock held. */
  private initialHeld(fn: FunctionLike): { keys: ReadonlySet<LockKey>; site?: ts.Node; flavor?: LockFlavor } {
    const none = { keys: new Set<LockKey>() };
    if (ts.isSourceFile(fn)) return none;
    const required = jsDocTagArguments(fn, 'requires')?.filter(k => k !== '').map(k => memberLockKey(this.checker, fn, k));
    if (required?.length) return { keys: new Set(required), site: fn };
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return none;
    const call = fn.parent;
    if (!ts.isCallExpression(call) || !call.arguments.includes(fn)) return none;
    const callee = skipOuter(call.expression);
    const name = calleeName(call) ?? '';
    const lock = ts.isPropertyAccessExpression(callee) ? callee.expression
      : ts.isIdentifier(callee) && call.arguments[0] !== fn ? call.arguments[0] : undefined;
    if (!lock) return this.heldAroundCallback(call, fn) ?? none;
    const isAsync = isAsyncFunction(fn);
    let key: LockKey;
    let flavor: LockFlavor;
    if (name === RUN_EXCLUSIVE) {
      // The in-thread lock is held until the callback's promise settles.
      key = this.lockKeyOf(lock);
      flavor = 'in-thread';
    } else if ((WITH_LOCK.has(name) || WITH_READ_LOCK.has(name)) && !isAsync) {
      // A blocking helper returns as soon as an async callback first awaits: only a synchronous one runs locked.
      key = this.lockKeyOf(lock) + (WITH_READ_LOCK.has(name) ? READ_SUFFIX : '');
      flavor = 'blocking';
    } else {
      return this.heldAroundCallback(call, fn) ?? none;
    }
    return { keys: new Set([key]), site: call, flavor };
  }

  /**
   * The locks a function of the program holds on every path where it calls the callback it is given
   * (`exec(fn) { this.acquire(); try { return fn(); } finally { this.release(); } }`), named as the call
   * names them. A blocking lock is held only over a synchronous callback: an async one runs on unlocked
   * after its first `await`.
   */
  private heldAroundCallback(call: ts.CallExpression, fn: ts.ArrowFunction | ts.FunctionExpression):
      { keys: ReadonlySet<LockKey>; site: ts.Node; flavor: LockFlavor } | undefined {
    const name = calleeName(call);
    const decl = name && this.relevant().has(name) ? this.calledFunction(skipOuter(call.expression)) : undefined;
    const param = decl?.parameters[call.arguments.indexOf(fn)];
    if (!decl?.body || !param || !ts.isIdentifier(param.name) || param.dotDotDotToken || this.aroundCallback.has(decl)) return undefined;
    const target = this.checker.getSymbolAtLocation(param.name);
    this.aroundCallback.add(decl);
    try {
      let held: Set<LockKey> | undefined;
      forEachInFunction(decl.body, x => {
        if (!ts.isCallExpression(x) || !ts.isIdentifier(x.expression) || this.checker.getSymbolAtLocation(x.expression) !== target) return;
        const here = this.locksHeldAt(x);
        held = held ? new Set([...held].filter(k => here.has(k))) : new Set(here);
      });
      const { flavors } = this.functionLocks(decl);
      const params = decl.parameters.map(p => (ts.isIdentifier(p.name) ? p.name.text : ''));
      const kept = [...held ?? []].filter(k => k !== UNKNOWN_LOCK && !(isAsyncFunction(fn) && flavors.get(k) !== 'in-thread'));
      if (kept.length === 0) return undefined;
      return { keys: new Set(kept.map(k => this.substitute(k, params, call))), site: call, flavor: flavors.get(kept[0]!) ?? 'blocking' };
    } finally {
      this.aroundCallback.delete(decl);
    }
  }

  private computeCallEvents(call: ts.CallExpression): LockEvent[] {
    const atomic = atomicsCallName(call);
    if (atomic) {
      const [arr, index, value] = call.arguments;
      const releases = value && ((atomic === 'store' || atomic === 'exchange') && this.constantOf(value) === 0 || atomic === 'sub' && this.constantOf(value) === 1);
      return releases && arr && index ? [{ kind: 'release', key: this.cellKeyOf(arr, index), node: call, flavor: 'blocking', raw: true }] : [];
    }
    const callee = skipOuter(call.expression);
    const name = calleeName(call);
    if (!name) return [];
    const method = lockMethodOf(name);
    if (ts.isPropertyAccessExpression(callee) && method) {
      const typed = this.typedLockCall(callee, call);
      if (typed !== 'unknown') {
        const base = this.lockKeyOf(callee.expression);
        const key = method.mode === 'read' ? base + READ_SUFFIX : base;
        const counting = SEMAPHORE_TYPE.test(this.typeName(callee.expression) ?? '') ? { counting: true } : {};
        // From an acquisition only: a release (`unlock`) says nothing of whether `lock` or only `lockAsync` exists.
        // A synchronous form, once seen, is the one to write.
        if (method.kind === 'acquire' && typed === 'blocking' && (this.methodsOf.get(key)?.awaited ?? true)) {
          const awaited = isPromiseLike(this.checker.getTypeAtLocation(call), this.checker);
          if (!awaited || !this.methodsOf.has(key)) this.methodsOf.set(key, { acquire: name, release: method.pair, ...(awaited ? { awaited } : {}) });
        }
        return [{ kind: method.kind, key, node: call, flavor: typed, ...counting }];
      }
    }
    if (ts.isPropertyAccessExpression(callee) && CONDVAR_WAITS.has(name) && CONDVAR_TYPE.test(this.typeName(callee.expression) ?? '')) {
      const lock = call.arguments.find(a => this.isLock(a)) ?? this.lockGivenAtConstruction(callee.expression);
      if (lock) {
        const key = this.lockKeyOf(lock);
        const flavor = this.typedFlavorOf(lock);
        return [
          { kind: 'release', key, node: call, flavor, transient: true },
          { kind: 'acquire', key, node: call, flavor, transient: true },
        ];
      }
    }
    if (ts.isIdentifier(callee)) {
      const released = this.releaserOf(callee);
      if (released) return [{ kind: 'release', key: released, node: call, flavor: 'in-thread' }];
    }
    const called = this.relevant().has(name) ? this.calledFunction(callee) : undefined;
    const tagged = called && this.taggedEvents(called, call);
    if (tagged?.length) return tagged;
    const summary = called && this.summaryOf(called);
    if (summary && summary.acquires.length + summary.releases.length > 0) {
      const implicit = !LOCKISH_FUNCTION.test(functionName(called!) ?? name);
      const at = (kind: LockEvent['kind'], e: SummaryEvent): LockEvent =>
        ({ kind, key: this.substitute(e.key, summary.params, call), node: call, flavor: e.flavor, viaCall: true, ...(implicit ? { implicit } : {}), ...(e.raw ? { raw: true } : {}) });
      return [...summary.releases.map(r => at('release', r)), ...summary.acquires.map(a => at('acquire', a))];
    }
    if (LOCKISH_FUNCTION.test(name)) {
      const kind = /^(lock|acquire)/i.test(name) ? 'acquire' : 'release';
      return [{ kind, key: UNKNOWN_LOCK, node: call, flavor: 'unknown' }];
    }
    return [];
  }

  /**
   * The lock a condition variable was made with (`const cond = new Cond(lock)`), for a `cond.wait()` that
   * names none: the wait drops and takes back that lock.
   */
  private lockGivenAtConstruction(condvar: ts.Expression): ts.Expression | undefined {
    const decl = this.checker.getSymbolAtLocation(condvar)?.valueDeclaration;
    const init = decl && ts.isVariableDeclaration(decl) && decl.initializer ? skipOuter(decl.initializer) : undefined;
    return init && ts.isNewExpression(init) ? init.arguments?.find(a => this.isLock(a)) : undefined;
  }

  /** A lock given to a condition variable: in-thread when its class is, else blocking. */
  private typedFlavorOf(lock: ts.Expression): LockFlavor {
    const type = this.checker.getTypeAtLocation(lock);
    const decl = (type.getSymbol() ?? type.aliasSymbol)?.declarations?.[0];
    return decl && isInThreadPackage(decl) ? 'in-thread' : 'blocking';
  }

  /** `release` in `const release = await m.acquire()` (or `const [, release] = await sem.acquire()`): the in-thread lock it releases. */
  private releaserOf(id: ts.Identifier): LockKey | undefined {
    const sym = this.checker.getSymbolAtLocation(id);
    let decl: ts.Node | undefined = sym?.valueDeclaration;
    if (decl && ts.isBindingElement(decl) && ts.isArrayBindingPattern(decl.parent) && decl.parent.elements.indexOf(decl) === 1) {
      decl = decl.parent.parent;
    }
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
    let init = skipOuter(decl.initializer);
    if (ts.isAwaitExpression(init)) init = skipOuter(init.expression);
    if (!ts.isCallExpression(init)) return undefined;
    const taken = this.callEvents(init).find(e => e.kind === 'acquire' && e.flavor === 'in-thread');
    return taken?.key;
  }

  /** `@acquires L` / `@releases L` on the called function (or the variable holding it). */
  private taggedEvents(fn: ts.FunctionLikeDeclaration, call: ts.CallExpression): LockEvent[] {
    const holder = ts.isVariableDeclaration(fn.parent) ? fn.parent : fn;
    const params = fn.parameters.map(p => (ts.isIdentifier(p.name) ? p.name.text : ''));
    const keys = (tag: string) => (jsDocTagArguments(holder, tag) ?? []).filter(k => k !== '')
      .map(k => this.substitute(memberLockKey(this.checker, fn, k), params, call));
    return [
      ...keys('releases').map((key): LockEvent => ({ kind: 'release', key, node: call, flavor: 'tagged', viaCall: true })),
      ...keys('acquires').map((key): LockEvent => ({ kind: 'acquire', key, node: call, flavor: 'tagged', viaCall: true })),
    ];
  }

  /**
   * 'blocking' for a lock type that protects memory across threads, 'in-thread' for an async lock that
   * only orders tasks of one thread, 'unknown' when the receiver is not a lock type. A blocking
   * acquire is a cross-thread lock. A promise-returning one is in-thread when it comes from an
   * async-lock package or from a class we can read that is not built on `Atomics`; one we cannot
   * read (an interface, a declaration) is given the benefit of the doubt: unknown stays silent.
   */
  private typedLockCall(callee: ts.PropertyAccessExpression, call: ts.CallExpression): 'blocking' | 'in-thread' | 'unknown' {
    if (!this.isLock(callee.expression)) return 'unknown';
    const type = this.checker.getTypeAtLocation(callee.expression);
    const decl = (type.getSymbol() ?? type.aliasSymbol)?.declarations?.[0];
    if (decl && isInThreadPackage(decl)) return 'in-thread';
    if (!isPromiseLike(this.checker.getTypeAtLocation(call), this.checker)) return 'blocking';
    if (!decl) return 'in-thread';
    if (!ts.isClassLike(decl) || decl.getSourceFile().isDeclarationFile) return 'blocking';
    return /\bAtomics\.(waitAsync|compareExchange|exchange)\b/.test(decl.getText()) ? 'blocking' : 'in-thread';
  }

  /** The function of the program a call runs, when the callee names one. */
  private calledFunction(callee: ts.Expression): ts.FunctionLikeDeclaration | undefined {
    const id = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
    if (!id) return undefined;
    let sym = this.checker.getSymbolAtLocation(id);
    if (sym && (sym.flags & ts.SymbolFlags.Alias)) sym = this.checker.getAliasedSymbol(sym);
    let decl: ts.Node | undefined = sym?.valueDeclaration;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) decl = skipOuter(decl.initializer);
    if (!decl || !isFunctionBoundary(decl) || ts.isClassStaticBlockDeclaration(decl)) return undefined;
    return decl;
  }

  /**
   * What a called function of the program does to locks, in terms of its parameters and `this`: what
   * it holds on every way out that it did not hold coming in, what it drops for good, and everything
   * it takes inside. A lock it first drops and then takes back (a condition variable's wait) is held
   * on entry and on exit: no net change.
   */
  private summaryOf(decl: ts.FunctionLikeDeclaration): Summary | undefined {
    // A lock's own methods are its API, known by their names: what their bodies do to `this` and `super`
    // (a subclass's `super.release()` on the way to taking the lock in another mode) is no caller's business.
    if (!decl.body || isLockClassMember(decl)) return undefined;
    if (this.summaries.has(decl)) return this.summaries.get(decl) ?? undefined;
    this.summaries.set(decl, null); // recursion: a function being summarised does nothing to its callers' locks
    const fl = this.functionLocks(decl);
    const atExit = fl.mustBefore.get(fl.cfg.exit) ?? new Set<LockKey>();
    const acquired = new Map<LockKey, LockEvent>();
    const released = new Map<LockKey, LockEvent>();
    const droppedFirst = fl.borrowed;
    const inner: InnerAcquisition[] = [];
    const params = decl.parameters.map(p => (ts.isIdentifier(p.name) ? p.name.text : ''));
    const ownClass = (key: LockKey, at: ts.Node): string | undefined => {
      const root = keyRoot(key);
      return root && root !== 'this' && !params.includes(root) ? this.lockClass(key, at) : undefined;
    };
    for (const [n, events] of fl.events) {
      for (const e of events) {
        (e.kind === 'acquire' ? acquired : released).set(e.key, e);
        if (e.kind === 'acquire' && !e.transient && e.key !== UNKNOWN_LOCK && !inner.some(a => a.key === e.key)) {
          inner.push({ key: e.key, lockClass: ownClass(e.key, e.node) });
        }
      }
      if (n.ast) {
        forEachInFunction(n.ast, x => {
          if (!ts.isCallExpression(x)) return;
          for (const a of this.innerAcquisitions(x)) if (!inner.some(b => b.key === a.key)) inner.push(a);
        });
      }
    }
    const summarised = (key: LockKey, e: LockEvent | undefined): SummaryEvent => ({ key, flavor: e?.flavor ?? 'blocking', ...(e?.raw ? { raw: true } : {}) });
    const acquires = [...atExit].filter(k => k !== UNKNOWN_LOCK && !fl.initial.has(k) && !droppedFirst.has(k)).map(k => summarised(k, acquired.get(k)));
    const releases = [...released].filter(([k]) => droppedFirst.has(k) && !atExit.has(k)).map(([k, e]) => summarised(k, e));
    const summary = acquires.length + releases.length + inner.length > 0 ? { acquires, releases, inner, params } : null;
    this.summaries.set(decl, summary);
    return summary ?? undefined;
  }

  /** A key of the callee rewritten for a call: its parameters become the arguments, `this` the receiver. */
  private substitute(key: LockKey, params: readonly string[], call: ts.CallExpression): LockKey {
    const callee = skipOuter(call.expression);
    const receiver = ts.isPropertyAccessExpression(callee) ? this.lockKeyOf(callee.expression) : undefined;
    return key.replace(/[A-Za-z_$][\w$]*/g, (word, offset: number) => {
      if (offset > 0 && key[offset - 1] === '.') return word;
      if (word === 'this') return receiver ?? word;
      const i = params.indexOf(word);
      return i >= 0 && call.arguments[i] ? this.lockKeyOf(call.arguments[i]) : word;
    });
  }

  /** What a `const` name stands for: its initializer (a name or property path), or a destructured property's path. */
  private aliasOf(id: ts.Identifier): ts.Expression | LockKey | undefined {
    const sym = this.checker.getSymbolAtLocation(id);
    const decl = sym?.valueDeclaration;
    if (!decl) return undefined;
    const list = ts.isVariableDeclaration(decl) ? decl.parent
      : ts.isBindingElement(decl) && ts.isObjectBindingPattern(decl.parent) ? decl.parent.parent.parent : undefined;
    if (!list || !ts.isVariableDeclarationList(list) || !(list.flags & ts.NodeFlags.Const)) return undefined;
    if (ts.isVariableDeclaration(decl)) {
      const init = decl.initializer && skipOuter(decl.initializer);
      return init && (ts.isPropertyAccessExpression(init) || (ts.isIdentifier(init) && init !== id)) ? init : undefined;
    }
    const binding = decl as ts.BindingElement;
    const holder = binding.parent.parent;
    const prop = binding.propertyName ?? binding.name;
    if (!ts.isVariableDeclaration(holder) || !holder.initializer || !ts.isIdentifier(prop) || binding.dotDotDotToken) return undefined;
    const source = skipOuter(holder.initializer);
    return ts.isIdentifier(source) || ts.isPropertyAccessExpression(source) || source.kind === ts.SyntaxKind.ThisKeyword
      ? `${this.lockKeyOf(source)}.${prop.text}` : undefined;
  }

  /** The number an expression always is: a literal, `-1`, or a `const` initialized with one. */
  private constantOf(e: ts.Expression, depth = 0): number | undefined {
    const x = skipOuter(e);
    if (ts.isNumericLiteral(x) || ts.isBigIntLiteral(x)) return Number(x.text.replace(/n$/, ''));
    if (ts.isPrefixUnaryExpression(x) && x.operator === ts.SyntaxKind.MinusToken) {
      const v = this.constantOf(x.operand, depth);
      return v === undefined ? undefined : -v;
    }
    if (ts.isIdentifier(x) && depth < 4) {
      const decl = this.checker.getSymbolAtLocation(x)?.valueDeclaration;
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.isVariableDeclarationList(decl.parent) &&
          (decl.parent.flags & ts.NodeFlags.Const)) {
        return this.constantOf(decl.initializer, depth + 1);
      }
    }
    return undefined;
  }

  private typeName(e: ts.Expression): string | undefined {
    return typeNameOf(this.checker.getTypeAtLocation(e));
  }
}

function typeNameOf(type: ts.Type): string | undefined {
  return builtinName(type) ?? type.aliasSymbol?.getName() ?? type.getSymbol()?.getName();
}

const models = new WeakMap<ts.Program, WeakMap<ts.SourceFile, LockModel>>();
const rawCellsOf = new WeakMap<ts.Program, ReadonlySet<string>>();

/** The lock model of one file of a program, made once: the lock-order pass and the rules share it. */
export function lockModelOf(program: ts.Program, file: ts.SourceFile): LockModel {
  let byFile = models.get(program);
  if (!byFile) models.set(program, byFile = new WeakMap());
  let model = byFile.get(file);
  if (!model) byFile.set(file, model = new LockModel(program));
  return model;
}

function applyMust(before: ReadonlySet<LockKey>, events: readonly LockEvent[]): ReadonlySet<LockKey> {
  const out = new Set(before);
  for (const e of events) {
    if (e.kind === 'release') out.delete(e.key);
    else if (!e.conditional) out.add(e.key);
  }
  return out;
}

/** The other side of an equality comparison a call's result is the operand of. */
function comparedWith(call: ts.CallExpression): ts.Expression | undefined {
  const p = outerParent(call);
  if (!ts.isBinaryExpression(p) || !EQUALITY.has(p.operatorToken.kind)) return undefined;
  return skipOuter(p.left) === call ? p.right : p.left;
}

const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken,
]);

/** Where a raw lock's take is retried: a loop's condition, or an `if` in a loop's body that leaves the loop. */
function isRetried(cond: ts.Expression): boolean {
  const p = cond.parent;
  if (ts.isWhileStatement(p) || ts.isDoStatement(p) || (ts.isForStatement(p) && p.condition === cond)) return true;
  if (!ts.isIfStatement(p) || !isBreakOut(p.thenStatement)) return false;
  const body = ts.isBlock(p.parent) ? p.parent.parent : p.parent;
  return ts.isIterationStatement(body, false);
}

function isBreakOut(s: ts.Statement): boolean {
  if (ts.isBreakStatement(s) || ts.isReturnStatement(s)) return true;
  return ts.isBlock(s) && s.statements.length > 0 && isBreakOut(s.statements[s.statements.length - 1]);
}

/**
 * The lock a tag on a declaration names. On a class member, a bare name that is another member of the
 * class is that member of the same object (`@requires mutex` on a method means `this.mutex`), unless the
 * tagged function has a parameter of that name.
 */
export function memberLockKey(checker: ts.TypeChecker, decl: ts.Node, lock: string): LockKey {
  const root = keyRoot(lock);
  if (!root || root === 'this' || hasParameter(decl, root)) return lock;
  const owner = ts.isParameter(decl) ? decl.parent.parent : decl.parent;
  if (!owner || !ts.isClassLike(owner)) return lock;
  return checker.getPropertyOfType(checker.getTypeAtLocation(owner), root) ? `this.${lock}` : lock;
}

/** The name a key starts with: `cells` of `cells[0]`, `this` of `this.mutex`. */
function keyRoot(key: LockKey): string | undefined {
  return /^[A-Za-z_$][\w$]*/.exec(key)?.[0];
}

function hasParameter(fn: ts.Node, name: string | undefined): boolean {
  return name !== undefined && isFunctionBoundary(fn) && !ts.isClassStaticBlockDeclaration(fn) &&
    fn.parameters.some(p => ts.isIdentifier(p.name) && p.name.text === name);
}

/**
 * Whether a function is (or is inside) a method of a lock or condition-variable type: a class member,
 * or a function assigned to `Lock.prototype.unlock` / `Lock.initialize` (a constructor function's).
 */
function isLockClassMember(fn: FunctionLike): boolean {
  const isLockName = (name: string): boolean => LOCK_TYPE.test(name) || CONDVAR_TYPE.test(name);
  for (let f: ts.Node | undefined = fn; f && !ts.isSourceFile(f); f = f.parent) {
    if (!isFunctionBoundary(f)) continue;
    const owner = ts.isPropertyDeclaration(f.parent) ? f.parent.parent : outerParent(f);
    if (ts.isClassLike(owner) && owner.name && isLockName(owner.name.text)) return true;
    if (ts.isBinaryExpression(owner) && owner.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(owner.left)) {
      let target = owner.left.expression;
      if (ts.isPropertyAccessExpression(target) && target.name.text === 'prototype') target = target.expression;
      if (ts.isIdentifier(target) && isLockName(target.text)) return true;
    }
  }
  return false;
}

function isInThreadPackage(decl: ts.Node): boolean {
  if (IN_THREAD_LOCK_PACKAGES.test(decl.getSourceFile().fileName)) return true;
  for (let n: ts.Node | undefined = decl.parent; n; n = n.parent) {
    if (ts.isModuleDeclaration(n) && ts.isStringLiteral(n.name)) return IN_THREAD_LOCK_MODULES.test(n.name.text);
  }
  return false;
}

/**
 * A declaration's identity that survives edits elsewhere in its file: module-level names and class or
 * interface members by their qualified name, anything else (a parameter, a local) by position.
 */
function declarationId(decl: ts.Node): string {
  const file = decl.getSourceFile().fileName;
  const name = (decl as ts.NamedDeclaration).name;
  const text = name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) ? name.text : undefined;
  const owner = decl.parent;
  if (text && (ts.isClassLike(owner) || ts.isInterfaceDeclaration(owner)) && owner.name) return `${file}#${owner.name.text}.${text}`;
  if (text && ts.isVariableDeclaration(decl) && ts.isSourceFile(decl.parent.parent.parent)) return `${file}#${text}`;
  if (ts.isClassLike(decl) && decl.name) return `${file}#${decl.name.text}`;
  return `${file}@${decl.getStart()}`;
}

/** The text of an expression without whitespace: how two mentions of one cell are compared (`a[i]`). */
export function keyOf(e: ts.Expression): LockKey {
  return skipOuter(e).getText().replace(/\s+/g, '');
}

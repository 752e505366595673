/**
 * Which locks are held where: flow-sensitively over each function's control-flow graph, from the
 * events of its nodes (call-events.ts). Bodies of functions tagged `@requires L` and callbacks of
 * `withLock`-shaped helpers (`runExclusive` too, and any function of the program that calls its
 * callback holding a lock) start with the lock held.
 */
import { ts } from '../ts';
import type { CfgNode } from '../cfg/graph';
import { cfgOf } from '../cfg/build';
import { mayForward, mustForward } from '../cfg/dataflow';
import { predecessors, walk } from '../cfg/paths';
import { calleeName, enclosingFunction, forEachInFunction, isAsyncFunction, isFunctionBoundary, jsDocTagArguments, skipOuter, type FunctionLike } from '../syntax/syntax';
import { RUN_EXCLUSIVE, WITH_LOCK, WITH_READ_LOCK } from './lock-vocabulary';
import { lockTouchingFunctions } from './lock-relevance';
import { applyMust, type FunctionLocks, type LockEvent, type LockFlavor, type LockKey, READ_SUFFIX, UNKNOWN_LOCK } from './events';
import type { CallEvents } from './call-events';
import { type LockKeys, memberLockKey } from './keys';
import type { RawLocks } from './raw-locks';
import { calledFunction } from './summaries';

export class HeldLocks {
  private readonly functionsCache = new Map<FunctionLike, FunctionLocks>();
  private withLocks: { file: ts.SourceFile; list: FunctionLocks[] } | undefined;
  /** Functions whose callback is being judged: one that passes its callback back to itself holds nothing more. */
  private readonly aroundCallback = new Set<ts.FunctionLikeDeclaration>();

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly keys: LockKeys,
    private readonly raw: RawLocks,
    private readonly calls: CallEvents,
    /** The program's function names whose calls may touch a lock (lock-relevance.ts). */
    private readonly relevant: () => ReadonlySet<string>,
  ) {}

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
    const cfg = cfgOf(fn);
    const all = cfg.nodes.map(n => [n, this.calls.ofNode(n)] as const);
    const acquired = new Set(all.flatMap(([, list]) => list.filter(e => e.kind === 'acquire').map(e => e.key)));
    const events = new Map<CfgNode, LockEvent[]>();
    for (const [n, list] of all) {
      const kept = list.filter(e => e.kind === 'acquire' || !e.raw || this.raw.isLockCell(e, fn, acquired));
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
    walk(n.pred, predecessors, p => {
      if (p === n) return 'stop';
      const e = last(p, Infinity);
      if (!e) return 'past';
      if (!found.some(f => f.node === e.node && f.kind === e.kind)) found.push(e);
      return found.length < 3 ? 'stop' : 'end';
    });
    return found.sort((a, b) => a.node.pos - b.node.pos);
  }

  /** Whether some path back from `pos` in `n` reaches the entry without an event on `key`. */
  private reachesEntry(fl: FunctionLocks, n: CfgNode, pos: number, key: LockKey): boolean {
    const has = (node: CfgNode, before: number): boolean => (fl.events.get(node) ?? []).some(e => e.key === key && e.node.end <= before);
    if (has(n, pos)) return false;
    let reached = n === fl.cfg.entry;
    walk(n.pred, predecessors, p => {
      if (p !== fl.cfg.entry) return p === n || has(p, Infinity) ? 'stop' : 'past';
      reached = true;
      return 'end';
    });
    return reached;
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
      key = this.keys.lockKeyOf(lock);
      flavor = 'in-thread';
    } else if ((WITH_LOCK.has(name) || WITH_READ_LOCK.has(name)) && !isAsync) {
      // A blocking helper returns as soon as an async callback first awaits: only a synchronous one runs locked.
      key = this.keys.lockKeyOf(lock) + (WITH_READ_LOCK.has(name) ? READ_SUFFIX : '');
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
    const decl = name && this.relevant().has(name) ? calledFunction(this.checker, skipOuter(call.expression)) : undefined;
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
      return { keys: new Set(kept.map(k => this.keys.substitute(k, params, call))), site: call, flavor: flavors.get(kept[0]!) ?? 'blocking' };
    } finally {
      this.aroundCallback.delete(decl);
    }
  }
}

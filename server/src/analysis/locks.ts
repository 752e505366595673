/**
 * The first lock model: which locks are held at a point (a "must" fact: held on every path there).
 * A lock is `lock()/unlock()` or `acquire()/release()` on a value whose type name ends in `Mutex`,
 * `Lock` or `Semaphore` (blocking ones: an `acquire()` returning a promise is an in-thread async lock
 * that never protects memory from other threads); the raw Atomics spin lock (a `compareExchange` /
 * `exchange` loop, released by `Atomics.store(a, i, 0)`, `exchange(a, i, 0)` or `sub(a, i, 1)`);
 * functions of the program whose body nets an acquire or a release of a lock named by a parameter
 * (`lock(arr, i)` helpers); functions tagged `@acquires L` / `@releases L` (their bodies are the lock's
 * implementation, so the tag is believed over them); bodies of functions tagged `@requires L`, which
 * start with `L` held; and callbacks of `withLock`-shaped helpers. A lock-looking call we cannot
 * resolve is the unknown lock `?`: code under it is treated as protected, so unknown stays silent.
 * Lock identity is the receiver's text (`this.mutex`) or `array[index]` for raw locks.
 */
import { ts } from './ts';
import { Cfg, CfgNode, mustForward } from './cfg';
import { atomicsCallName, enclosingFunction, forEachInFunction, isFunctionBoundary, jsDocTagArguments, skipOuter } from './syntax';
import { builtinName, isPromiseLike } from './types';

export type LockKey = string;
export const UNKNOWN_LOCK: LockKey = '?';

export interface LockEvent {
  kind: 'acquire' | 'release';
  key: LockKey;
  node: ts.Node;
}

type FunctionLike = ts.FunctionLikeDeclaration | ts.ClassStaticBlockDeclaration | ts.SourceFile;

const LOCK_TYPE = /(Mutex|Lock|Semaphore)$/;
/**
 * Methods of a lock type, by what they do. A read (shared) lock is its own key, `m:read`: it lets
 * other readers in, so a write made under it is still unsynchronized. `…Async` twins (a lock over
 * shared memory taken with `Atomics.waitAsync`) mean the same as their blocking names.
 */
const LOCK_METHODS: Record<string, { kind: 'acquire' | 'release'; mode: 'write' | 'read'; pair: string }> = {
  lock: { kind: 'acquire', mode: 'write', pair: 'unlock' },
  unlock: { kind: 'release', mode: 'write', pair: 'lock' },
  acquire: { kind: 'acquire', mode: 'write', pair: 'release' },
  release: { kind: 'release', mode: 'write', pair: 'acquire' },
  writeLock: { kind: 'acquire', mode: 'write', pair: 'writeUnlock' },
  writeUnlock: { kind: 'release', mode: 'write', pair: 'writeLock' },
  lockWrite: { kind: 'acquire', mode: 'write', pair: 'unlockWrite' },
  unlockWrite: { kind: 'release', mode: 'write', pair: 'lockWrite' },
  readLock: { kind: 'acquire', mode: 'read', pair: 'readUnlock' },
  readUnlock: { kind: 'release', mode: 'read', pair: 'readLock' },
  lockRead: { kind: 'acquire', mode: 'read', pair: 'unlockRead' },
  unlockRead: { kind: 'release', mode: 'read', pair: 'lockRead' },
};
const LOCKISH_FUNCTION = /^(lock|unlock|acquire|release)/i;
/** Packages whose locks order tasks of one thread: they never protect memory from other threads. */
const IN_THREAD_LOCK_PACKAGES = /[\\/]node_modules[\\/](async-mutex|async-lock|await-lock|async-sema)[\\/]/;
export const READ_SUFFIX = ':read';
const WITH_LOCK = new Set(['withLock', 'withMutex', 'synchronized']);

interface Summary { acquires: LockKey[]; releases: LockKey[]; params: string[] }

export class LockModel {
  private readonly held = new Map<FunctionLike, Map<CfgNode, ReadonlySet<LockKey>>>();
  private readonly summaries = new Map<ts.FunctionLikeDeclaration, Summary | null>();
  /** For each typed lock seen, the method names it is taken and released with (`lock`/`unlock`…). */
  readonly methodsOf = new Map<LockKey, { acquire: string; release: string }>();

  constructor(private readonly checker: ts.TypeChecker, private readonly cfgOf: (fn: FunctionLike) => Cfg) {}

  /** Locks held (on every path) when `node` is evaluated. */
  heldAt(node: ts.Node): ReadonlySet<LockKey> {
    const fn = enclosingFunction(node);
    const cfg = this.cfgOf(fn);
    const cfgNode = cfg.nodeOf(node);
    if (!cfgNode) return this.initialHeld(fn);
    const before = this.factsOf(fn, cfg).get(cfgNode) ?? new Set<LockKey>();
    const partial = this.eventsOf(cfgNode).filter(e => e.node.end <= node.getStart());
    return partial.length === 0 ? before : apply(before, partial);
  }

  /** Whether an expression is a blocking lock object (its type is a `*Mutex` / `*Lock` / `*Semaphore`). */
  isLock(e: ts.Expression): boolean {
    const type = this.checker.getTypeAtLocation(e);
    const name = builtinName(type) ?? type.aliasSymbol?.getName() ?? type.getSymbol()?.getName();
    return name !== undefined && LOCK_TYPE.test(name);
  }

  /** Whether `call` takes the lock `key`. */
  acquires(call: ts.CallExpression, key: LockKey): boolean {
    return this.callEvents(call).some(e => e.kind === 'acquire' && e.key === key);
  }

  /** The acquire/release events a node performs, in evaluation (text) order. */
  eventsOf(n: CfgNode): LockEvent[] {
    if (!n.ast) return [];
    if (n.kind === 'loop-exit') {
      const key = this.spinAcquireKey(n.ast as ts.IterationStatement);
      return key ? [{ kind: 'acquire', key, node: n.ast }] : [];
    }
    const events: LockEvent[] = [];
    const visit = (x: ts.Node): void => {
      if (ts.isCallExpression(x)) events.push(...this.callEvents(x));
    };
    visit(n.ast);
    forEachInFunction(n.ast, visit);
    return events.sort((a, b) => a.node.end - b.node.end);
  }

  /** `while (Atomics.compareExchange(a, i, 0, 1) !== 0) …` and its `for (;;) { if (… === 0) break; }` twin. */
  spinAcquireKey(loop: ts.IterationStatement): LockKey | undefined {
    const conditions: ts.Expression[] = [];
    if ((ts.isWhileStatement(loop) || ts.isDoStatement(loop)) && loop.expression.kind !== ts.SyntaxKind.TrueKeyword) {
      conditions.push(loop.expression);
    } else if (ts.isForStatement(loop) && loop.condition) {
      conditions.push(loop.condition);
    } else {
      const body = loop.statement;
      const stmts = ts.isBlock(body) ? body.statements : [body];
      for (const s of stmts) {
        if (ts.isIfStatement(s) && isBreakOut(s.thenStatement)) conditions.push(s.expression);
      }
    }
    for (const c of conditions) {
      let key: LockKey | undefined;
      const find = (x: ts.Node): void => {
        const name = atomicsCallName(x);
        if (!key && (name === 'compareExchange' || name === 'exchange') && ts.isCallExpression(x) && x.arguments.length >= 3) {
          key = cellKey(x.arguments[0], x.arguments[1]);
        }
        if (!isFunctionBoundary(x)) ts.forEachChild(x, find);
      };
      find(c);
      if (key) return key;
    }
    return undefined;
  }

  private factsOf(fn: FunctionLike, cfg: Cfg): Map<CfgNode, ReadonlySet<LockKey>> {
    let facts = this.held.get(fn);
    if (!facts) {
      facts = mustForward(cfg, this.initialHeld(fn), (n, before) => {
        const events = this.eventsOf(n);
        return events.length === 0 ? before : apply(before, events);
      });
      this.held.set(fn, facts);
    }
    return facts;
  }

  /** A function tagged `@requires L` and a callback of `withLock(m, fn)` / `m.withLock(fn)` start with the lock held. */
  private initialHeld(fn: FunctionLike): ReadonlySet<LockKey> {
    if (ts.isSourceFile(fn)) return new Set();
    const required = jsDocTagArguments(fn, 'requires')?.filter(k => k !== '');
    if (required?.length) return new Set(required);
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return new Set();
    if (fn.modifiers?.some(m => m.kind === ts.SyntaxKind.AsyncKeyword)) return new Set();
    const call = fn.parent;
    if (!ts.isCallExpression(call) || !call.arguments.includes(fn)) return new Set();
    const callee = skipOuter(call.expression);
    if (ts.isPropertyAccessExpression(callee) && WITH_LOCK.has(callee.name.text)) return new Set([keyOf(callee.expression)]);
    if (ts.isIdentifier(callee) && WITH_LOCK.has(callee.text) && call.arguments[0] && call.arguments[0] !== fn) {
      return new Set([keyOf(call.arguments[0])]);
    }
    return new Set();
  }

  private callEvents(call: ts.CallExpression): LockEvent[] {
    const atomic = atomicsCallName(call);
    if (atomic) {
      const [arr, index, value] = call.arguments;
      const releases = value && ((atomic === 'store' || atomic === 'exchange') && isLiteral(value, 0) || atomic === 'sub' && isLiteral(value, 1));
      return releases && arr && index ? [{ kind: 'release', key: cellKey(arr, index), node: call }] : [];
    }
    const callee = skipOuter(call.expression);
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
    if (!name) return [];
    const method = LOCK_METHODS[name.replace(/Async$/, '')];
    if (ts.isPropertyAccessExpression(callee) && method) {
      const typed = this.typedLockCall(callee, call);
      if (typed === 'in-thread') return [];
      if (typed === 'lock') {
        const base = keyOf(callee.expression);
        const key = method.mode === 'read' ? base + READ_SUFFIX : base;
        const plain = name.replace(/Async$/, '');
        if (!this.methodsOf.has(key) && !name.endsWith('Async')) {
          this.methodsOf.set(key, method.kind === 'acquire' ? { acquire: plain, release: method.pair } : { acquire: method.pair, release: plain });
        }
        return [{ kind: method.kind, key, node: call }];
      }
    }
    const called = this.calledFunction(callee);
    const tagged = called && taggedEvents(called, call);
    if (tagged?.length) return tagged;
    const summary = called && this.summaryOf(called);
    if (summary) {
      const subst = (k: LockKey): LockKey => substitute(k, summary.params, call.arguments);
      return [
        ...summary.releases.map(k => ({ kind: 'release' as const, key: subst(k), node: call })),
        ...summary.acquires.map(k => ({ kind: 'acquire' as const, key: subst(k), node: call })),
      ];
    }
    if (LOCKISH_FUNCTION.test(name)) {
      const kind = /^(lock|acquire)/i.test(name) ? 'acquire' : 'release';
      return [{ kind, key: UNKNOWN_LOCK, node: call }];
    }
    return [];
  }

  /**
   * 'lock' for a lock type that protects memory across threads, 'in-thread' for an async lock that
   * only orders tasks of one thread, 'unknown' when the receiver is not a lock type. A blocking
   * acquire is a cross-thread lock. A promise-returning one is in-thread when it comes from an
   * async-lock package or from a class we can read that is not built on `Atomics`; one we cannot
   * read (an interface, a declaration) is given the benefit of the doubt: unknown stays silent.
   */
  private typedLockCall(callee: ts.PropertyAccessExpression, call: ts.CallExpression): 'lock' | 'in-thread' | 'unknown' {
    if (!this.isLock(callee.expression)) return 'unknown';
    if (!isPromiseLike(this.checker.getTypeAtLocation(call), this.checker)) return 'lock';
    const type = this.checker.getTypeAtLocation(callee.expression);
    const decl = (type.getSymbol() ?? type.aliasSymbol)?.declarations?.[0];
    if (!decl || IN_THREAD_LOCK_PACKAGES.test(decl.getSourceFile().fileName)) return 'in-thread';
    if (!ts.isClassLike(decl) || decl.getSourceFile().isDeclarationFile) return 'lock';
    return /\bAtomics\.(waitAsync|compareExchange|exchange)\b/.test(decl.getText()) ? 'lock' : 'in-thread';
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

  /** What a called function of the program does to locks named by its parameters. */
  private summaryOf(decl: ts.FunctionLikeDeclaration): Summary | undefined {
    if (!decl.body) return undefined;
    if (this.summaries.has(decl)) return this.summaries.get(decl) ?? undefined;
    this.summaries.set(decl, null); // recursion: a function being summarised does nothing to its callers' locks
    const cfg = this.cfgOf(decl);
    const atExit = this.factsOf(decl, cfg).get(cfg.exit) ?? new Set<LockKey>();
    const acquired = new Set<LockKey>();
    const released = new Set<LockKey>();
    for (const n of cfg.nodes) {
      for (const e of this.eventsOf(n)) (e.kind === 'acquire' ? acquired : released).add(e.key);
    }
    const acquires = [...atExit].filter(k => k !== UNKNOWN_LOCK);
    const releases = [...released].filter(k => !acquired.has(k));
    const params = decl.parameters.map(p => (ts.isIdentifier(p.name) ? p.name.text : ''));
    const summary = acquires.length + releases.length > 0 ? { acquires, releases, params } : null;
    this.summaries.set(decl, summary);
    return summary ?? undefined;
  }
}

/** `@acquires L` / `@releases L` on the called function (or the variable holding it). */
function taggedEvents(fn: ts.FunctionLikeDeclaration, call: ts.CallExpression): LockEvent[] {
  const holder = ts.isVariableDeclaration(fn.parent) ? fn.parent : fn;
  const keys = (tag: string) => (jsDocTagArguments(holder, tag) ?? []).filter(k => k !== '');
  return [
    ...keys('releases').map(key => ({ kind: 'release' as const, key, node: call })),
    ...keys('acquires').map(key => ({ kind: 'acquire' as const, key, node: call })),
  ];
}

function apply(before: ReadonlySet<LockKey>, events: readonly LockEvent[]): ReadonlySet<LockKey> {
  const out = new Set(before);
  for (const e of events) {
    if (e.kind === 'acquire') out.add(e.key);
    else out.delete(e.key);
  }
  return out;
}

/** The identity of a lock object: its text without whitespace (`this.mutex`, `state.lock`). */
export function keyOf(e: ts.Expression): LockKey {
  return skipOuter(e).getText().replace(/\s+/g, '');
}

export function cellKey(arr: ts.Expression, index: ts.Expression): LockKey {
  return `${keyOf(arr)}[${keyOf(index)}]`;
}

function substitute(key: LockKey, params: readonly string[], args: readonly ts.Expression[]): LockKey {
  return key.replace(/[A-Za-z_$][\w$]*/g, (word, offset: number) => {
    if (offset > 0 && key[offset - 1] === '.') return word;
    const i = params.indexOf(word);
    return i >= 0 && args[i] ? keyOf(args[i]) : word;
  });
}

function isLiteral(e: ts.Expression, n: number): boolean {
  const x = skipOuter(e);
  return (ts.isNumericLiteral(x) || ts.isBigIntLiteral(x)) && Number(x.text.replace(/n$/, '')) === n;
}

function isBreakOut(s: ts.Statement): boolean {
  if (ts.isBreakStatement(s) || ts.isReturnStatement(s)) return true;
  return ts.isBlock(s) && s.statements.length > 0 && isBreakOut(s.statements[s.statements.length - 1]);
}

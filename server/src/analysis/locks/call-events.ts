/**
 * What each call does to locks: a typed lock's `lock()/unlock()`, `acquire()/release()` (and their
 * read/write/`…Async`/`try…` forms); a raw lock's `Atomics` operations; a condition variable's
 * `wait(lock)`, which drops and takes back the lock it is given; the release function an async lock
 * hands out; a function tagged `@acquires L` / `@releases L` (its body is the lock's implementation, so
 * the tag is believed over it); and any other function of the program, by its summary. A lock-looking
 * call we cannot resolve is the unknown lock `?`: code under it is treated as protected, so unknown
 * stays silent.
 */
import { ts } from '../ts';
import { type CfgNode } from '../cfg/graph';
import { impliedAtoms, isConditional } from '../cfg/conditions';
import { atomicsCallName, calleeName, forEachInFunction, functionName, jsDocTagArguments, skipOuter } from '../syntax/syntax';
import { isPromiseLike } from '../syntax/types';
import { CONDVAR_TYPE, CONDVAR_WAITS, LOCKISH_FUNCTION, SEMAPHORE_TYPE, TRY_METHODS, lockMethodOf } from './lock-vocabulary';
import { type LockEvent, type LockKey, type LockMethods, READ_SUFFIX, type SummaryEvent, UNKNOWN_LOCK } from './events';
import { type LockKeys, memberLockKey } from './keys';
import { isRetried, type RawLocks } from './raw-locks';
import type { LockRecognition } from './recognition';
import { calledFunction, type Summaries } from './summaries';

export class CallEvents {
  private readonly cache = new Map<ts.CallExpression, LockEvent[]>();

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly keys: LockKeys,
    private readonly recognition: LockRecognition,
    private readonly raw: RawLocks,
    private readonly summaries: Summaries,
    /** The program's function names whose calls may touch a lock (lock-relevance.ts). */
    private readonly relevant: () => ReadonlySet<string>,
    /** For each typed lock seen, the method names it is taken and released with: filled as calls are read. */
    private readonly methodsOf: Map<LockKey, LockMethods>,
  ) {}

  /** The acquire/release events a call performs, in evaluation order. */
  of(call: ts.CallExpression): LockEvent[] {
    let events = this.cache.get(call);
    if (!events) this.cache.set(call, events = this.compute(call));
    return events;
  }

  /** Whether `call` takes the lock `key`. */
  acquires(call: ts.CallExpression, key: LockKey): boolean {
    return this.of(call).some(e => e.kind === 'acquire' && e.key === key);
  }

  /** The events of a node: its calls', plus a lock its branch condition says was taken. */
  ofNode(n: CfgNode): LockEvent[] {
    if (n.assume) return this.assumed(n.assume.expr, n.assume.value);
    if (!n.ast || n.kind === 'loop-exit') return [];
    const root = n.ast;
    const events: LockEvent[] = [];
    const visit = (x: ts.Node): void => {
      if (!ts.isCallExpression(x)) return;
      const own = this.of(x);
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
  private assumed(cond: ts.Expression, value: boolean): LockEvent[] {
    const events: LockEvent[] = [];
    const { keys } = this;
    for (const { atom, value: v } of impliedAtoms(cond, value)) {
      const e = skipOuter(atom);
      if (ts.isCallExpression(e) && v) {
        const callee = skipOuter(e.expression);
        const mode = ts.isPropertyAccessExpression(callee) ? TRY_METHODS[callee.name.text] : undefined;
        if (mode && ts.isPropertyAccessExpression(callee) && this.recognition.isLock(callee.expression)) {
          const key = keys.lockKeyOf(callee.expression) + (mode === 'read' ? READ_SUFFIX : '');
          events.push({ kind: 'acquire', key, node: cond, flavor: 'blocking' });
        }
      } else if (ts.isBinaryExpression(e) && isRetried(cond)) {
        const k = e.operatorToken.kind;
        const equal = k === ts.SyntaxKind.EqualsEqualsEqualsToken || k === ts.SyntaxKind.EqualsEqualsToken;
        const unequal = k === ts.SyntaxKind.ExclamationEqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsToken;
        if (!(equal && v) && !(unequal && !v)) continue;
        const key = keys.constantOf(e.right) === 0 ? this.raw.takeKey(e.left, e.right)
          : keys.constantOf(e.left) === 0 ? this.raw.takeKey(e.right, e.left) : undefined;
        if (key) events.push({ kind: 'acquire', key, node: cond, flavor: 'blocking', raw: true });
      }
    }
    return events;
  }

  private compute(call: ts.CallExpression): LockEvent[] {
    const atomic = atomicsCallName(call);
    if (atomic) {
      const release = this.raw.releaseOf(call, atomic);
      return release ? [release] : [];
    }
    const { keys, recognition } = this;
    const callee = skipOuter(call.expression);
    const name = calleeName(call);
    if (!name) return [];
    const method = lockMethodOf(name);
    if (ts.isPropertyAccessExpression(callee) && method) {
      const typed = recognition.typedLockCall(callee, call);
      if (typed !== 'unknown') {
        const base = keys.lockKeyOf(callee.expression);
        const key = method.mode === 'read' ? base + READ_SUFFIX : base;
        const counting = SEMAPHORE_TYPE.test(recognition.typeName(callee.expression) ?? '') ? { counting: true } : {};
        // From an acquisition only: a release (`unlock`) says nothing of whether `lock` or only `lockAsync` exists.
        // A synchronous form, once seen, is the one to write.
        if (method.kind === 'acquire' && typed === 'blocking' && (this.methodsOf.get(key)?.awaited ?? true)) {
          const awaited = isPromiseLike(this.checker.getTypeAtLocation(call), this.checker);
          if (!awaited || !this.methodsOf.has(key)) this.methodsOf.set(key, { acquire: name, release: method.pair, ...(awaited ? { awaited } : {}) });
        }
        return [{ kind: method.kind, key, node: call, flavor: typed, ...counting }];
      }
    }
    if (ts.isPropertyAccessExpression(callee) && CONDVAR_WAITS.has(name) && CONDVAR_TYPE.test(recognition.typeName(callee.expression) ?? '')) {
      const lock = call.arguments.find(a => recognition.isLock(a)) ?? recognition.lockGivenAtConstruction(callee.expression);
      if (lock) {
        const key = keys.lockKeyOf(lock);
        const flavor = recognition.typedFlavorOf(lock);
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
    const called = this.relevant().has(name) ? calledFunction(this.checker, callee) : undefined;
    const tagged = called && this.tagged(called, call);
    if (tagged?.length) return tagged;
    const summary = called && this.summaries.of(called);
    if (summary && summary.acquires.length + summary.releases.length > 0) {
      const implicit = !LOCKISH_FUNCTION.test(functionName(called!) ?? name);
      const at = (kind: LockEvent['kind'], e: SummaryEvent): LockEvent =>
        ({ kind, key: keys.substitute(e.key, summary.params, call), node: call, flavor: e.flavor, viaCall: true, ...(implicit ? { implicit } : {}), ...(e.raw ? { raw: true } : {}) });
      return [...summary.releases.map(r => at('release', r)), ...summary.acquires.map(a => at('acquire', a))];
    }
    if (LOCKISH_FUNCTION.test(name)) {
      const kind = /^(lock|acquire)/i.test(name) ? 'acquire' : 'release';
      return [{ kind, key: UNKNOWN_LOCK, node: call, flavor: 'unknown' }];
    }
    return [];
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
    const taken = this.of(init).find(e => e.kind === 'acquire' && e.flavor === 'in-thread');
    return taken?.key;
  }

  /** `@acquires L` / `@releases L` on the called function (or the variable holding it). */
  private tagged(fn: ts.FunctionLikeDeclaration, call: ts.CallExpression): LockEvent[] {
    const holder = ts.isVariableDeclaration(fn.parent) ? fn.parent : fn;
    const params = fn.parameters.map(p => (ts.isIdentifier(p.name) ? p.name.text : ''));
    const keys = (tag: string) => (jsDocTagArguments(holder, tag) ?? []).filter(k => k !== '')
      .map(k => this.keys.substitute(memberLockKey(this.checker, fn, k), params, call));
    return [
      ...keys('releases').map((key): LockEvent => ({ kind: 'release', key, node: call, flavor: 'tagged', viaCall: true })),
      ...keys('acquires').map((key): LockEvent => ({ kind: 'acquire', key, node: call, flavor: 'tagged', viaCall: true })),
    ];
  }
}

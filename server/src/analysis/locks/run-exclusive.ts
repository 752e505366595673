/**
 * Taking an in-thread lock again while it is held, for the double-lock rule. async-mutex's locks are
 * not reentrant: `m.runExclusive(cb)` (and `await m.acquire()`) inside code that holds `m` queues
 * behind the holder. That deadlocks only when the holder waits for it: an `await`, or a
 * `runExclusive` callback that returns the inner promise (its lock is held until that promise
 * settles). Left unawaited, the inner task simply runs after the holder lets go. A semaphore counts:
 * one task may take a second permit, unless it is seen made with a single one (`new Semaphore(1)`).
 */
import { ts } from '../ts';
import type { CfgNode } from '../cfg/graph';
import type { FileFacts } from '../file-facts';
import type { FunctionLocks, LockKey } from './events';
import { RUN_EXCLUSIVE, SEMAPHORE_TYPE } from './lock-vocabulary';
import { calleeName, enclosingFunction, outerParent, skipOuter } from '../syntax/syntax';

export interface HeldRunExclusive {
  call: ts.CallExpression;
  /** The receiver, `m` of `m.runExclusive(…)`. */
  lock: ts.Expression;
  key: LockKey;
  fl: FunctionLocks;
  n: CfgNode;
}

/** `m.runExclusive(…)` calls made where `m` is already held and waited for, once each. */
export function heldRunExclusiveCalls(facts: FileFacts): HeldRunExclusive[] {
  const out: HeldRunExclusive[] = [];
  const seen = new Set<ts.Node>();
  for (const fl of facts.locks.held.functionsWithLocks(facts.file)) {
    if (facts.locks.summaries.isImplementation(fl.fn)) continue;
    for (const n of fl.cfg.nodes) {
      for (const call of facts.locks.held.callsOf(n)) {
        const callee = skipOuter(call.expression);
        if (seen.has(call) || calleeName(call) !== RUN_EXCLUSIVE || !ts.isPropertyAccessExpression(callee)) continue;
        const lock = callee.expression;
        if (!facts.locks.recognition.isLock(lock) || isCounting(facts.checker, lock) || !isWaitedFor(fl, call)) continue;
        const key = facts.locks.keys.lockKeyOf(lock);
        if (!facts.locks.held.heldBefore(fl, n, call.getStart()).has(key)) continue;
        seen.add(call);
        out.push({ call, lock, key, fl, n });
      }
    }
  }
  return out;
}

/**
 * Whether the code holding the locks of `fl` waits for the promise of `call` before letting go: it
 * awaits it, or it is a `runExclusive` callback returning it.
 */
export function isWaitedFor(fl: FunctionLocks, call: ts.Expression): boolean {
  const p = outerParent(call);
  if (ts.isAwaitExpression(p)) return true;
  const returnedBy = ts.isReturnStatement(p) ? enclosingFunction(p) : ts.isArrowFunction(p) ? p : undefined;
  const site = fl.initialSite;
  return returnedBy === fl.fn && !!site && ts.isCallExpression(site) && calleeName(site) === RUN_EXCLUSIVE;
}

/** A semaphore that one task may take twice: any but one seen made with a single permit. */
export function isCounting(checker: ts.TypeChecker, lock: ts.Expression): boolean {
  const type = checker.getTypeAtLocation(lock);
  const name = type.aliasSymbol?.getName() ?? type.getSymbol()?.getName() ?? '';
  return SEMAPHORE_TYPE.test(name) && permitsOf(checker, lock) !== 1;
}

/** The permits a lock was made with, when its variable or field is initialised with `new Semaphore(n)`. */
function permitsOf(checker: ts.TypeChecker, lock: ts.Expression): number | undefined {
  const x = skipOuter(lock);
  const id = ts.isPropertyAccessExpression(x) ? x.name : ts.isIdentifier(x) ? x : undefined;
  const decl = id && checker.getSymbolAtLocation(id)?.valueDeclaration;
  const init = decl && (ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl)) && decl.initializer && skipOuter(decl.initializer);
  const first = init && ts.isNewExpression(init) ? init.arguments?.[0] : undefined;
  return first && ts.isNumericLiteral(skipOuter(first)) ? Number((skipOuter(first) as ts.NumericLiteral).text) : undefined;
}

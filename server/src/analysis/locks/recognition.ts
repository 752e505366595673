/**
 * Which values are locks, and of what kind: a value whose type name ends in `Mutex`, `Lock` or
 * `Semaphore` with a lock method is a lock; blocking when its acquire is synchronous or built on
 * `Atomics`, in-thread when it is a promise-based lock that only orders the tasks of one thread
 * (`async-mutex`). Code that implements a lock (its class's own methods) is told apart here too.
 */
import { ts } from '../ts';
import { enclosingFunction, forEachInFunction, isFunctionBoundary, outerParent, skipOuter, type FunctionLike } from '../syntax/syntax';
import { builtinName, isPromiseLike } from '../syntax/types';
import { CONDVAR_TYPE, IN_THREAD_LOCK_MODULES, IN_THREAD_LOCK_PACKAGES, LOCK_TYPE, TRY_METHODS, lockMethodOf } from './lock-vocabulary';
import type { LockFlavor } from './events';

export class LockRecognition {
  constructor(private readonly checker: ts.TypeChecker) {}

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
   * 'blocking' for a lock type that protects memory across threads, 'in-thread' for an async lock that
   * only orders tasks of one thread, 'unknown' when the receiver is not a lock type. A blocking
   * acquire is a cross-thread lock. A promise-returning one is in-thread when it comes from an
   * async-lock package or from a class we can read that is not built on `Atomics`; one we cannot
   * read (an interface, a declaration) is given the benefit of the doubt: unknown stays silent.
   */
  typedLockCall(callee: ts.PropertyAccessExpression, call: ts.CallExpression): 'blocking' | 'in-thread' | 'unknown' {
    if (!this.isLock(callee.expression)) return 'unknown';
    const type = this.checker.getTypeAtLocation(callee.expression);
    const decl = (type.getSymbol() ?? type.aliasSymbol)?.declarations?.[0];
    if (decl && isInThreadPackage(decl)) return 'in-thread';
    if (!isPromiseLike(this.checker.getTypeAtLocation(call), this.checker)) return 'blocking';
    if (!decl) return 'in-thread';
    if (!ts.isClassLike(decl) || decl.getSourceFile().isDeclarationFile) return 'blocking';
    return /\bAtomics\.(waitAsync|compareExchange|exchange)\b/.test(decl.getText()) ? 'blocking' : 'in-thread';
  }

  /** A lock given to a condition variable: in-thread when its class is, else blocking. */
  typedFlavorOf(lock: ts.Expression): LockFlavor {
    const type = this.checker.getTypeAtLocation(lock);
    const decl = (type.getSymbol() ?? type.aliasSymbol)?.declarations?.[0];
    return decl && isInThreadPackage(decl) ? 'in-thread' : 'blocking';
  }

  /**
   * The lock a condition variable was made with (`const cond = new Cond(lock)`), for a `cond.wait()` that
   * names none: the wait drops and takes back that lock.
   */
  lockGivenAtConstruction(condvar: ts.Expression): ts.Expression | undefined {
    const decl = this.checker.getSymbolAtLocation(condvar)?.valueDeclaration;
    const init = decl && ts.isVariableDeclaration(decl) && decl.initializer ? skipOuter(decl.initializer) : undefined;
    return init && ts.isNewExpression(init) ? init.arguments?.find(a => this.isLock(a)) : undefined;
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

  /** The name of an expression's type: a builtin's, an alias's, or its symbol's. */
  typeName(e: ts.Expression): string | undefined {
    return typeNameOf(this.checker.getTypeAtLocation(e));
  }
}

function typeNameOf(type: ts.Type): string | undefined {
  return builtinName(type) ?? type.aliasSymbol?.getName() ?? type.getSymbol()?.getName();
}

/**
 * Whether a function is (or is inside) a method of a lock or condition-variable type: a class member,
 * or a function assigned to `Lock.prototype.unlock` / `Lock.initialize` (a constructor function's).
 */
export function isLockClassMember(fn: FunctionLike): boolean {
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

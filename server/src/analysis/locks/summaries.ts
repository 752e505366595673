/**
 * Functions of the program other than a lock's own methods, summarised for their callers: what they
 * take or drop for good (`lock(arr, i)` helpers), and what they take and drop inside (for double
 * locking and lock order through calls).
 */
import { ts } from '../ts';
import { calleeName, forEachInFunction, functionName, isFunctionBoundary, jsDocTagArguments, skipOuter, type FunctionLike } from '../syntax/syntax';
import { LOCKISH_FUNCTION } from './lock-vocabulary';
import { type FunctionLocks, type InnerAcquisition, type LockEvent, type LockKey, type Summary, type SummaryEvent, UNKNOWN_LOCK } from './events';
import { keyRoot, type LockKeys } from './keys';
import { isLockClassMember } from './recognition';

export class Summaries {
  private readonly summaries = new Map<ts.FunctionLikeDeclaration, Summary | null>();

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly keys: LockKeys,
    /** The program's function names whose calls may touch a lock (lock-relevance.ts). */
    private readonly relevant: () => ReadonlySet<string>,
    /** The model's analysis of a function: what a summary is read from. */
    private readonly functionLocks: (fn: FunctionLike) => FunctionLocks,
  ) {}

  /**
   * What a called function of the program does to locks, in terms of its parameters and `this`: what
   * it holds on every way out that it did not hold coming in, what it drops for good, and everything
   * it takes inside. A lock it first drops and then takes back (a condition variable's wait) is held
   * on entry and on exit: no net change.
   */
  of(decl: ts.FunctionLikeDeclaration): Summary | undefined {
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
      return root && root !== 'this' && !params.includes(root) ? this.keys.lockClass(key, at) : undefined;
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

  /** The locks a call takes inside the function it runs (released there or not), with the call's arguments in. */
  innerAcquisitions(call: ts.CallExpression): InnerAcquisition[] {
    const name = calleeName(call);
    if (name === undefined || !this.relevant().has(name)) return [];
    const called = calledFunction(this.checker, skipOuter(call.expression));
    const summary = called && this.of(called);
    if (!summary) return [];
    return summary.inner.map(a => ({ ...a, key: this.keys.substitute(a.key, summary.params, call) }));
  }

  /**
   * The release written in the function a call runs (or deeper, through that function's own calls) that
   * drops `key` for the caller: where an implicit release event of the call really happens.
   */
  releaseInside(call: ts.CallExpression, key: LockKey, depth = 0): LockEvent | undefined {
    const called = calledFunction(this.checker, skipOuter(call.expression));
    const summary = called && this.of(called);
    const inner = summary?.releases.find(r => this.keys.substitute(r.key, summary.params, call) === key);
    if (!inner || depth > 8) return undefined;
    const releases = [...this.functionLocks(called!).events.values()].flat().filter(e => e.kind === 'release' && e.key === inner.key);
    const written = releases.find(e => !e.implicit);
    if (written) return written;
    const through = releases.find(e => ts.isCallExpression(e.node));
    return through && this.releaseInside(through.node as ts.CallExpression, inner.key, depth + 1);
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
    const summary = name !== undefined && LOCKISH_FUNCTION.test(name) ? this.of(fn) : undefined;
    return summary !== undefined && summary.acquires.length + summary.releases.length > 0;
  }
}

/** The function of the program a call runs, when the callee names one. */
export function calledFunction(checker: ts.TypeChecker, callee: ts.Expression): ts.FunctionLikeDeclaration | undefined {
  const id = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
  if (!id) return undefined;
  let sym = checker.getSymbolAtLocation(id);
  if (sym && (sym.flags & ts.SymbolFlags.Alias)) sym = checker.getAliasedSymbol(sym);
  let decl: ts.Node | undefined = sym?.valueDeclaration;
  if (decl && ts.isVariableDeclaration(decl) && decl.initializer) decl = skipOuter(decl.initializer);
  if (!decl || !isFunctionBoundary(decl) || ts.isClassStaticBlockDeclaration(decl)) return undefined;
  return decl;
}

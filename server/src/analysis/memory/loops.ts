/**
 * Loops that poll memory: every way out of the loop is decided by conditions that read memory,
 * and nothing else in those conditions changes while the loop runs (no local counter, no call
 * other than `Atomics`). Such a loop only ends when another thread writes, so its reads must be
 * atomic (or the compiler may hoist them) and its body should sleep rather than spin.
 */
import { ts } from '../ts';
import { atomicsCallName, isFunctionBoundary, isInside, outerParent, skipOuter } from '../syntax/syntax';
import type { FileFacts } from '../file-facts';

export interface PollingLoop {
  loop: ts.IterationStatement;
  /** The loop condition and the conditions of `if`s that break or return out of it. */
  exitConditions: ts.Expression[];
  /**
   * Memory reads the conditions see through a local (`seen = view[0]` in the body of
   * `while (seen === 0)`): they poll as much as a read in the condition itself.
   */
  feeders: ts.Expression[];
}

const ATOMIC_READS = new Set(['load', 'compareExchange', 'exchange', 'add', 'sub', 'and', 'or', 'xor']);

export class LoopAnalysis {
  private readonly cache = new Map<ts.IterationStatement, PollingLoop | null>();

  constructor(private readonly facts: FileFacts) {}

  /** The polling loop whose exit conditions contain `node`, if any (innermost first). */
  pollingLoopAround(node: ts.Node): PollingLoop | undefined {
    for (let n: ts.Node | undefined = node.parent; n && !isFunctionBoundary(n); n = n.parent) {
      if (ts.isIterationStatement(n, false)) {
        const p = this.polling(n);
        if (p && [...p.exitConditions, ...p.feeders].some(c => isInside(node, c))) return p;
      }
    }
    return undefined;
  }

  polling(loop: ts.IterationStatement): PollingLoop | undefined {
    let hit = this.cache.get(loop);
    if (hit === undefined) this.cache.set(loop, hit = this.compute(loop) ?? null);
    return hit ?? undefined;
  }

  /** Whether `e` reads shared memory, plainly or through `Atomics`. */
  readsSharedMemory(e: ts.Expression): boolean {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found || isFunctionBoundary(n)) return;
      const atomic = atomicsCallName(n);
      if (atomic && ATOMIC_READS.has(atomic) && ts.isCallExpression(n) && n.arguments[0] &&
          this.facts.provenance.of(n.arguments[0]).state === 'shared') {
        found = true;
      } else if ((ts.isElementAccessExpression(n) || isDataViewGet(n)) && this.isSharedView(n)) {
        found = true;
      }
      ts.forEachChild(n, visit);
    };
    visit(e);
    return found;
  }

  private isSharedView(n: ts.ElementAccessExpression | ts.CallExpression): boolean {
    const target = ts.isElementAccessExpression(n) ? n.expression : (skipOuter(n.expression) as ts.PropertyAccessExpression).expression;
    return this.facts.provenance.of(target).state === 'shared';
  }

  private compute(loop: ts.IterationStatement): PollingLoop | undefined {
    const conditions = exitConditions(loop);
    if (!conditions || conditions.length === 0) return undefined;
    const feeders: ts.Expression[] = [];
    for (const c of conditions) {
      const fed = this.stableWithin(c, loop);
      if (!fed) return undefined;
      feeders.push(...fed);
    }
    if (feeders.length === 0 && !conditions.some(c => this.readsSharedMemory(c))) return undefined;
    return { loop, exitConditions: conditions, feeders };
  }

  /**
   * Whether nothing in `cond` but memory reads changes while `loop` runs: undefined when something
   * else does, else the reads that reach `cond` through locals the loop assigns.
   */
  private stableWithin(cond: ts.Expression, loop: ts.IterationStatement, depth = 0): ts.Expression[] | undefined {
    let stable = true;
    const feeders: ts.Expression[] = [];
    const visit = (n: ts.Node): void => {
      if (!stable) return;
      if (ts.isCallExpression(n) && !atomicsCallName(n) && !isDataViewGet(n)) { stable = false; return; }
      if (ts.isAwaitExpression(n) || ts.isYieldExpression(n)) { stable = false; return; }
      if (ts.isIdentifier(n) && !isPropertyName(n) && n.text !== 'Atomics' && n.text !== 'undefined') {
        const sym = this.facts.refs.symbolAt(n);
        const writes = sym ? this.facts.refs.within(sym, loop).filter(isWriteTarget) : [];
        if (writes.length > 0) {
          const fed = depth === 0 ? this.memoryFed(writes, loop) : undefined;
          if (fed) feeders.push(...fed);
          else stable = false;
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(cond);
    return stable ? feeders : undefined;
  }

  /** `x = <memory read>` for every write: the values a polled local is refreshed with. */
  private memoryFed(writes: readonly ts.Identifier[], loop: ts.IterationStatement): ts.Expression[] | undefined {
    const values: ts.Expression[] = [];
    for (const w of writes) {
      const assignment = outerParent(w);
      if (!ts.isBinaryExpression(assignment) || assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
      const value = assignment.right;
      if (!this.readsSharedMemory(value) || this.stableWithin(value, loop, 1) === undefined) return undefined;
      values.push(value);
    }
    return values;
  }
}

/**
 * The conditions that decide every way out of `loop`; undefined when some exit is unconditional
 * (the loop does not wait for anything) or there is no exit at all.
 */
function exitConditions(loop: ts.IterationStatement): ts.Expression[] | undefined {
  const out: ts.Expression[] = [];
  if (ts.isWhileStatement(loop) || ts.isDoStatement(loop)) {
    if (loop.expression.kind !== ts.SyntaxKind.TrueKeyword) out.push(loop.expression);
  } else if (ts.isForStatement(loop)) {
    if (loop.condition && loop.condition.kind !== ts.SyntaxKind.TrueKeyword) out.push(loop.condition);
  } else {
    return undefined; // for-of / for-in end when their collection does
  }
  let unconditional = false;
  const visit = (n: ts.Node, depthInLoops: number): void => {
    if (unconditional || isFunctionBoundary(n) || ts.isClassLike(n)) return;
    if (isExitOf(n, loop, depthInLoops)) {
      const guards = guardsBetween(n, loop);
      if (guards.length === 0) unconditional = true;
      else out.push(...guards);
      return;
    }
    const nested = ts.isIterationStatement(n, false) || ts.isSwitchStatement(n) ? 1 : 0;
    ts.forEachChild(n, c => visit(c, depthInLoops + nested));
  };
  visit(loop.statement, 0);
  return unconditional ? undefined : out;
}

function isExitOf(n: ts.Node, loop: ts.IterationStatement, depthInLoops: number): boolean {
  if (ts.isReturnStatement(n) || ts.isThrowStatement(n)) return true;
  if (ts.isBreakStatement(n)) {
    if (!n.label) return depthInLoops === 0;
    // A labelled break leaves `loop` when its label is on `loop` or on anything around it.
    for (let p: ts.Node | undefined = loop.parent; p && !isFunctionBoundary(p); p = p.parent) {
      if (ts.isLabeledStatement(p) && p.label.text === n.label.text) return true;
    }
  }
  return false;
}

/** Conditions of the `if`s / conditional expressions between an exit statement and its loop. */
function guardsBetween(exit: ts.Node, loop: ts.IterationStatement): ts.Expression[] {
  const guards: ts.Expression[] = [];
  for (let n: ts.Node = exit; n.parent && n !== loop.statement; n = n.parent) {
    const p = n.parent;
    if (ts.isIfStatement(p) && p.expression !== n) guards.push(p.expression);
    if (ts.isCaseClause(p) || ts.isDefaultClause(p)) guards.push(p.parent.parent.expression);
  }
  return guards;
}

function isDataViewGet(n: ts.Node): n is ts.CallExpression {
  if (!ts.isCallExpression(n)) return false;
  const c = skipOuter(n.expression);
  return ts.isPropertyAccessExpression(c) && /^get(Int|Uint|Float|BigInt|BigUint)\d+$/.test(c.name.text);
}

function isPropertyName(id: ts.Identifier): boolean {
  const p = id.parent;
  return ts.isPropertyAccessExpression(p) && p.name === id;
}

export function isWriteTarget(id: ts.Identifier): boolean {
  let target: ts.Node = id;
  while (ts.isParenthesizedExpression(target.parent)) target = target.parent;
  const p = target.parent;
  if (ts.isBinaryExpression(p) && p.left === target &&
      p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
    return true;
  }
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) &&
      (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)) {
    return true;
  }
  return false;
}

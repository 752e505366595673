import { ts } from '../analysis/ts';
import type { Fix } from '../core/finding';
import type { FileFacts } from '../analysis/file-facts';
import { isAllocationRoot } from '../analysis/memory/provenance';
import { keyOf } from '../analysis/locks/keys';
import {
  atomicsCallName, calleeName, enclosingFunction, forEachInFunction, isFunctionBoundary, isPure, isValueUnused, outerParent, skipOuter,
} from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';
import { replaceNode } from './support/edits';

const CELL_READS = new Set(['load', 'compareExchange', 'exchange', 'add', 'sub', 'and', 'or', 'xor']);

export const waitOutsideLoop: Rule = {
  meta: {
    id: 'wait-outside-loop',
    family: 'sync',
    defaultSeverity: 'warning',
    description: 'Atomics.wait not re-checked in a loop: waking up does not prove the awaited state is there.',
  },
  check(ctx) {
    const { facts } = ctx;
    for (const { name, call } of facts.atomicsCalls) {
      if (name !== 'wait' && name !== 'waitAsync') continue;
      const [array, index, expected] = call.arguments;
      if (!array || !index || !expected) continue;
      const prov = facts.provenance.of(array);
      if (prov.state !== 'shared' || isPrivateCell(facts, call, array, prov.roots)) continue;
      const result = resultExpression(call);
      if (isExamined(facts, result)) continue;
      if (isRechecked(call, keyOf(array), keyOf(index)) || isRescheduled(facts, call)) continue;
      if (isSequenceWait(facts, call, array, index, expected)) continue;
      ctx.report({
        at: call,
        message: `Atomics.${name} returns on any notify of this cell, on a timeout, or at once when the value has already ` +
          `changed: nothing here checks that '${cellText(array, index)}' really changed. Re-check it in a loop.`,
        fixes: name === 'wait' || ts.isAwaitExpression(result) ? loopFix(result, array, index, expected) : [],
      });
    }
  },
};

/**
 * A buffer made in this very function (one call, one waiter), or a cell made in this file whose
 * variable is used for nothing but waits, over a buffer never handed to anything else (a sleep: nobody
 * else can store to it or notify it).
 */
function isPrivateCell(facts: FileFacts, call: ts.CallExpression, array: ts.Expression, roots: ReadonlySet<ts.Node>): boolean {
  if (roots.size === 0 || ![...roots].every(isAllocationRoot)) return false;
  const fn = enclosingFunction(call);
  if ([...roots].every(r => enclosingFunction(r) === fn)) return true;
  const cell = skipOuter(array);
  const sym = ts.isIdentifier(cell) ? facts.refs.symbolAt(cell) : undefined;
  const decl = sym?.valueDeclaration;
  if (!sym || !decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return false;
  if (ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Export) return false; // other modules may notify it
  return facts.refs.of(sym).every(ref => ref === decl.name || isWaitedOn(ref)) && ![...roots].some(r => facts.sharing.isHandedOut(r));
}

/**
 * A condition variable's wait: the expected value is what `Atomics.load` just read from the same
 * cell (a sequence number every notify bumps), so any return means "something happened". Waiting
 * once is its contract; the caller re-checks its own condition, as with Rust's `Condvar::wait`.
 */
function isSequenceWait(facts: FileFacts, call: ts.CallExpression, array: ts.Expression, index: ts.Expression, expected: ts.Expression): boolean {
  if (usesWhatItAwaited(facts, call)) return false;
  const seen = skipOuter(expected);
  const sym = ts.isIdentifier(seen) ? facts.refs.symbolAt(seen) : undefined;
  const decl = sym?.valueDeclaration;
  if (!sym || !decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return false;
  if (enclosingFunction(decl) !== enclosingFunction(call) || !(ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const)) return false;
  const load = skipOuter(decl.initializer);
  if (atomicsCallName(load) !== 'load') return false;
  const [a, i] = (load as ts.CallExpression).arguments;
  return a !== undefined && i !== undefined && keyOf(a) === keyOf(array) && keyOf(i) === keyOf(index);
}

/**
 * Whether the waiting function goes on to use what it waited for: a reply taken off a port
 * (`receiveMessageOnPort`) or a read of shared memory after the wait. A condition variable's wait leaves
 * the re-check to its caller; a sync bridge that reads its answer after one wait has none (esbuild#590:
 * an earlier request's late notify ended a later wait, and the reply was not there yet).
 */
function usesWhatItAwaited(facts: FileFacts, call: ts.CallExpression): boolean {
  const fn = enclosingFunction(call);
  const after = (n: ts.Node): boolean => n.getStart() >= call.end && enclosingFunction(n) === fn;
  if (facts.accesses.some(a => a.kind === 'read' && after(a.node) && facts.provenance.of(a.target).state === 'shared')) return true;
  let receives = false;
  const body = ts.isSourceFile(fn) ? fn : (fn as ts.FunctionLikeDeclaration).body;
  if (body) {
    forEachInFunction(body, n => {
      if (!receives && ts.isCallExpression(n) && calleeName(n) === 'receiveMessageOnPort' && after(n)) receives = true;
    });
  }
  return receives;
}

/** `ref` is the array argument of `Atomics.wait` / `waitAsync`. */
function isWaitedOn(ref: ts.Identifier): boolean {
  const call = outerParent(ref);
  const name = atomicsCallName(call);
  return (name === 'wait' || name === 'waitAsync') && skipOuter((call as ts.CallExpression).arguments[0]) === ref;
}

/** What stands for the wait's outcome: the call, or `(await) Atomics.waitAsync(…).value`. */
function resultExpression(call: ts.CallExpression): ts.Expression {
  let e: ts.Expression = call;
  const p = outerParent(e);
  if (ts.isPropertyAccessExpression(p) && p.name.text === 'value') e = p;
  const q = outerParent(e);
  if (ts.isAwaitExpression(q)) e = q;
  return e;
}

/** Compared, branched on, returned, or kept in a variable that is read later. */
function isExamined(facts: FileFacts, result: ts.Expression): boolean {
  if (isValueUnused(result)) return false;
  const p = outerParent(result);
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) {
    const sym = facts.refs.symbolAt(p.name);
    return sym !== undefined && facts.refs.of(sym).length > 1;
  }
  return true;
}

/** An enclosing loop (in this function) whose condition or body reads the same cell again. */
function isRechecked(call: ts.CallExpression, array: string, index: string): boolean {
  for (let n: ts.Node | undefined = call.parent; n && !isFunctionBoundary(n); n = n.parent) {
    if (ts.isIterationStatement(n, false) && readsCell(n, array, index, call)) return true;
  }
  return false;
}

function readsCell(root: ts.Node, array: string, index: string, except: ts.Node): boolean {
  const visit = (n: ts.Node): boolean => {
    if (n === except || isFunctionBoundary(n)) return false;
    if (ts.isElementAccessExpression(n) && keyOf(n.expression) === array && keyOf(n.argumentExpression) === index) return true;
    const atomic = atomicsCallName(n);
    if (atomic && CELL_READS.has(atomic)) {
      const [a, i] = (n as ts.CallExpression).arguments;
      if (a && i && keyOf(a) === array && keyOf(i) === index) return true;
    }
    return ts.forEachChild(n, visit) ?? false;
  };
  return visit(root);
}

/** A function that calls itself or hands itself to a scheduler re-checks on its next run. */
function isRescheduled(facts: FileFacts, call: ts.CallExpression): boolean {
  const fn = enclosingFunction(call);
  if (ts.isSourceFile(fn)) return false;
  let nameNode: ts.Node | undefined = (fn as ts.FunctionLikeDeclaration).name;
  if (!nameNode && fn.parent && ts.isVariableDeclaration(fn.parent)) nameNode = fn.parent.name;
  if (!nameNode || !ts.isIdentifier(nameNode)) return false;
  const sym = facts.refs.symbolAt(nameNode);
  return sym !== undefined && facts.refs.within(sym, fn).some(ref => ref !== nameNode);
}

/** `a[i]` as the reader would write the cell: a cast dropped (`(buf as any)[0]` reads `buf[0]`), other operators kept in parentheses. */
function cellText(array: ts.Expression, index: ts.Expression): string {
  const a = skipOuter(array);
  return `${ts.isLeftHandSideExpression(a) ? a.getText() : `(${a.getText()})`}[${skipOuter(index).getText()}]`;
}

/** "Re-check in a loop": `while (Atomics.load(a, i) === v) <the wait statement>`. */
function loopFix(result: ts.Expression, array: ts.Expression, index: ts.Expression, expected: ts.Expression): Fix[] {
  const stmt = outerParent(result);
  if (!ts.isExpressionStatement(stmt) || !isPure(array) || !isPure(index) || !isPure(expected)) return [];
  const test = `Atomics.load(${array.getText()}, ${index.getText()}) === ${skipOuter(expected).getText()}`;
  return [{ title: 'Re-check in a loop', kind: 'suggestion', edits: [replaceNode(stmt, `while (${test}) ${stmt.getText()}`)] }];
}

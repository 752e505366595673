import { ts } from '../analysis/ts';
import type { Fix } from '../core/finding';
import type { FileFacts } from '../analysis/file-facts';
import type { PollingLoop } from '../analysis/memory/loops';
import { BIGINT_ARRAYS, WAITABLE_ARRAYS, builtinName } from '../analysis/syntax/types';
import { atomicsCallName, indentUnit, isPure, lineIndent, newlineOf, skipOuter } from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';
import { insertAt, replaceNode } from './support/edits';

/** Atomics operations that neither sleep nor do the loop's work: a spin attempt, a spin hint. */
const SPIN_ATOMICS = new Set(['load', 'compareExchange', 'exchange', 'pause', 'isLockFree']);

export const busyWait: Rule = {
  meta: {
    id: 'busy-wait',
    family: 'sync',
    defaultSeverity: 'warning',
    description: 'A loop that spins on shared memory without sleeping or working: it burns a whole core.',
  },
  check(ctx) {
    const { facts } = ctx;
    const visit = (n: ts.Node): void => {
      if (ts.isIterationStatement(n, false)) {
        const polling = facts.loops.polling(n);
        if (polling && isIdle(n.statement)) {
          const keyword = n.getStart();
          const fix = waitFix(facts, polling);
          ctx.report({
            at: { start: keyword, end: keyword + keywordLength(n) },
            message: 'This loop spins on shared memory without sleeping: it keeps a core at 100% until another thread ' +
              'writes. Sleep with Atomics.wait (the writer calls Atomics.notify), or await Atomics.waitAsync.',
            fixes: fix ? [fix] : [],
          });
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(facts.file);
  },
};

function keywordLength(loop: ts.IterationStatement): number {
  return ts.isDoStatement(loop) ? 2 : ts.isWhileStatement(loop) ? 5 : 3;
}

/** A body that only re-tests, counts spins or hints the CPU: no sleep, no await, no other work. */
function isIdle(s: ts.Statement): boolean {
  if (ts.isBlock(s)) return s.statements.every(isIdle);
  if (ts.isEmptyStatement(s) || ts.isContinueStatement(s) || ts.isBreakStatement(s)) return true;
  if (ts.isReturnStatement(s)) return !s.expression || isPure(s.expression);
  if (ts.isIfStatement(s)) return !hasWaitOrCall(s.expression) && isIdle(s.thenStatement) && (!s.elseStatement || isIdle(s.elseStatement));
  if (ts.isExpressionStatement(s)) {
    const e = skipOuter(s.expression);
    const atomic = atomicsCallName(e);
    if (atomic) return SPIN_ATOMICS.has(atomic);
    if ((ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) && ts.isIdentifier(skipOuter(e.operand))) return true;
  }
  return false;
}

function hasWaitOrCall(e: ts.Node): boolean {
  if (ts.isAwaitExpression(e) || ts.isYieldExpression(e)) return true;
  if (ts.isCallExpression(e) && !SPIN_ATOMICS.has(atomicsCallName(e) ?? '')) return true;
  return ts.forEachChild(e, hasWaitOrCall) ?? false;
}

/** The cell the loop waits on and the value that means "keep waiting". */
interface WaitTarget { array: ts.Expression; index: ts.Expression; expected: string }

/** "Wait with Atomics.wait": insert a sleep on the polled cell at the end of the body. */
function waitFix(facts: FileFacts, polling: PollingLoop): Fix | undefined {
  if (facts.threadAt(polling.loop) === 'main') return undefined;
  const target = waitTarget(polling);
  if (!target) return undefined;
  const kind = builtinName(facts.typeOf(target.array));
  if (!kind || !WAITABLE_ARRAYS.has(kind)) return undefined;
  const expected = BIGINT_ARRAYS.has(kind) && /^\d+$/.test(target.expected) ? `${target.expected}n` : target.expected;
  const wait = `Atomics.wait(${target.array.getText()}, ${target.index.getText()}, ${expected});`;
  const body = polling.loop.statement;
  const text = facts.text;
  const nl = newlineOf(text);
  const indent = lineIndent(text, polling.loop.getStart());
  const inner = indent + indentUnit(text);
  // `while (c);` has no space before its empty statement: the new block needs one.
  const space = /\s/.test(text[body.getStart() - 1] ?? ' ') ? '' : ' ';
  const edit = ts.isBlock(body) && body.statements.length > 0
    ? insertAt(facts.file, body.statements[body.statements.length - 1].end, `${nl}${inner}${wait}`)
    : ts.isBlock(body) || ts.isEmptyStatement(body)
      ? replaceNode(body, `${space}{${nl}${inner}${wait}${nl}${indent}}`)
      : undefined;
  return edit && { title: 'Wait with Atomics.wait', kind: 'suggestion', edits: [edit] };
}

/**
 * Reads the exit conditions: the loop continues while its own condition holds and while each
 * exit guard does not. Only shapes whose "keep waiting" value is known give a target.
 */
function waitTarget(polling: PollingLoop): WaitTarget | undefined {
  const { loop } = polling;
  const own = ts.isWhileStatement(loop) || ts.isDoStatement(loop) ? loop.expression : ts.isForStatement(loop) ? loop.condition : undefined;
  for (const cond of polling.exitConditions) {
    const t = continueWhileEqual(cond, cond === own);
    if (t) return t;
  }
  return undefined;
}

function continueWhileEqual(cond: ts.Expression, continuesWhenTrue: boolean): WaitTarget | undefined {
  const e = skipOuter(cond);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
    return continueWhileEqual(e.operand, !continuesWhenTrue);
  }
  const cell = cellRead(e);
  if (cell) {
    // `while (!x)` / `if (x) break`: continues while the cell is 0. A CAS or exchange spin keeps
    // failing while the cell holds the value it tries to put there.
    if (cell.spinValue !== undefined) return continuesWhenTrue ? { ...cell, expected: cell.spinValue } : undefined;
    return continuesWhenTrue ? undefined : { ...cell, expected: '0' };
  }
  if (!ts.isBinaryExpression(e)) return undefined;
  const k = e.operatorToken.kind;
  const equal = k === ts.SyntaxKind.EqualsEqualsEqualsToken || k === ts.SyntaxKind.EqualsEqualsToken;
  const notEqual = k === ts.SyntaxKind.ExclamationEqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsToken;
  if (!equal && !notEqual) return undefined;
  for (const [side, other] of [[e.left, e.right], [e.right, e.left]] as const) {
    const c = cellRead(skipOuter(side));
    if (!c || !isPure(other)) continue;
    // Continuing while the read (a load, or the old value a CAS / exchange returns) equals
    // `other`: the cell holds `other` until the loop may end.
    if (equal === continuesWhenTrue) return { ...c, expected: other.getText() };
    // `CAS(a, i, free, taken) !== free` continues while the lock is taken.
    if (c.spinValue !== undefined) return { ...c, expected: c.spinValue };
  }
  return undefined;
}

function cellRead(e: ts.Expression): (Omit<WaitTarget, 'expected'> & { spinValue?: string }) | undefined {
  if (ts.isElementAccessExpression(e)) return { array: e.expression, index: e.argumentExpression };
  const atomic = atomicsCallName(e);
  if (!atomic || !ts.isCallExpression(e)) return undefined;
  const [array, index, a3, a4] = e.arguments;
  if (!array || !index) return undefined;
  if (atomic === 'load') return { array, index };
  if (atomic === 'compareExchange' && a4 && isPure(a4)) return { array, index, spinValue: a4.getText() };
  if (atomic === 'exchange' && a3 && isPure(a3)) return { array, index, spinValue: a3.getText() };
  return undefined;
}

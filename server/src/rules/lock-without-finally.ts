import { ts } from '../analysis/ts';
import type { CfgNode } from '../analysis/cfg/graph';
import { successors, walk } from '../analysis/cfg/paths';
import type { FileFacts } from '../analysis/file-facts';
import type { FunctionLocks, LockEvent } from '../analysis/locks/events';
import { atomicsCallName, forEachInFunction, skipOuter } from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';
import { byNode, lineOf, lockEvents, lockName, spanOf } from './support/locks';
import { escapeOf } from './lock-not-released';
import { releaseInFinallyFix } from './support/release-in-finally';

/** Built-ins that throw on bad input: not pure for this rule's purpose. */
const THROWING_BUILTINS = new Set(['JSON.parse', 'JSON.stringify', 'structuredClone', 'BigInt', 'decodeURIComponent', 'encodeURIComponent']);

export const lockWithoutFinally: Rule = {
  meta: {
    id: 'lock-without-finally',
    family: 'locks',
    defaultSeverity: 'info',
    description: 'A lock released on every path but not in `finally`, with a call in between that may throw: an exception leaks the lock.',
    typedApis: ['locks'],
  },
  check(ctx) {
    const { facts } = ctx;
    for (const copies of byNode(lockEvents(facts, 'acquire'))) {
      if (copies.some(c => escapeOf(facts, c.fl, c.n, c.event))) continue; // lock-not-released's
      const thrower = copies.map(c => unprotectedThrow(facts, c.fl, c.n, c.event)).find(t => t !== undefined);
      if (!thrower) continue;
      const { event } = copies[0];
      const fix = releaseInFinallyFix(facts, event, 'safe');
      ctx.report({
        at: event.node,
        message: `'${lockName(event)}' is released on every path, but not in \`finally\`: if the call at line ${lineOf(thrower)} throws, ` +
          'the lock is never released and every other thread that takes it deadlocks.',
        related: [{ span: spanOf(thrower), message: 'this may throw while the lock is held' }],
        fixes: fix ? [fix] : [],
      });
    }
  },
};

/** The first expression in the lock's region that may throw where no `finally` releases the lock. */
function unprotectedThrow(facts: FileFacts, fl: FunctionLocks, from: CfgNode, event: LockEvent): ts.Node | undefined {
  const releases = (n: CfgNode): boolean => (fl.events.get(n.throwOf ?? n) ?? []).some(e => e.kind === 'release' && e.key === event.key);
  let found: ts.Node | undefined;
  walk(from.succ, successors, n => {
    if (releases(n)) return 'stop';
    const thrower = n.ast && n.kind !== 'loop-exit' ? mayThrow(facts, n.ast) : undefined;
    if (!thrower || isGuardedByFinally(facts, thrower, event)) return 'past';
    found = thrower;
    return 'end';
  });
  return found;
}

/** Inside the `try` of a `try … finally` whose `finally` releases the lock. */
function isGuardedByFinally(facts: FileFacts, node: ts.Node, event: LockEvent): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    const p: ts.Node | undefined = n.parent;
    if (p && ts.isTryStatement(p) && p.tryBlock === n && p.finallyBlock) {
      let releases = false;
      forEachInFunction(p.finallyBlock, x => {
        if (ts.isCallExpression(x) && facts.locks.calls.of(x).some(e => e.kind === 'release' && e.key === event.key)) releases = true;
      });
      if (releases) return true;
    }
  }
  return false;
}

/** An expression of `root` that may throw: `await`, `new`, a call of the program or of an unknown type, a throwing built-in. */
function mayThrow(facts: FileFacts, root: ts.Node): ts.Node | undefined {
  let found: ts.Node | undefined;
  const check = (x: ts.Node): void => {
    if (found) return;
    if (ts.isAwaitExpression(x) || ts.isYieldExpression(x) || ts.isNewExpression(x)) found = x;
    else if (ts.isCallExpression(x) && callMayThrow(facts, x)) found = x;
  };
  check(root);
  forEachInFunction(root, check);
  return found;
}

function callMayThrow(facts: FileFacts, call: ts.CallExpression): boolean {
  if (atomicsCallName(call)) return false;
  const callee = skipOuter(call.expression);
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
    const qualified = `${callee.expression.text}.${callee.name.text}`;
    if (THROWING_BUILTINS.has(qualified)) return true;
    if (callee.expression.text === 'console') return false;
  }
  if (ts.isIdentifier(callee) && THROWING_BUILTINS.has(callee.text)) return true;
  const sym = facts.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
  const decl = sym?.declarations?.[0];
  return !decl || !facts.program.isSourceFileDefaultLibrary(decl.getSourceFile());
}

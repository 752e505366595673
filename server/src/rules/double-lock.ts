import { ts } from '../analysis/ts';
import type { LockKey } from '../analysis/locks/events';
import { READ_SUFFIX, UNKNOWN_LOCK } from '../analysis/locks/events';
import { heldRunExclusiveCalls, isCounting, isWaitedFor } from '../analysis/locks/run-exclusive';
import { skipOuter } from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';
import { byNode, lockEvents, lockName, whereTaken } from './support/locks';

export const doubleLock: Rule = {
  meta: {
    id: 'double-lock',
    family: 'locks',
    defaultSeverity: 'warning',
    description: 'A lock taken again while this path already holds it: a non-reentrant lock deadlocks on itself.',
    typedApis: ['locks'],
  },
  check(ctx) {
    const { facts } = ctx;
    for (const copies of byNode(lockEvents(facts, 'acquire'))) {
      const { event } = copies[0];
      if (!isExclusive(event.key) || (event.counting && isCounting(facts.checker, receiverOf(event.node)))) continue;
      // An in-thread lock's second acquire only queues behind the first: a deadlock when the holder waits for it.
      if (event.flavor === 'in-thread' && !(ts.isExpression(event.node) && isWaitedFor(copies[0].fl, event.node))) continue;
      const held = copies.find(c => facts.locks.held.heldBefore(c.fl, c.n, event.node.getStart()).has(event.key));
      if (!held) continue;
      const name = lockName(event);
      ctx.report({
        at: event.node,
        message: `'${name}' is already held here${event.viaCall ? ' and this call takes it again' : ''}: it is not reentrant, ` +
          `so this ${event.flavor === 'in-thread' ? 'task' : 'thread'} waits for itself forever.`,
        related: whereTaken(facts, held.fl, held.n, event.node.getStart(), event.key, name),
      });
    }
    for (const { call, lock, key, fl, n } of heldRunExclusiveCalls(facts)) {
      const name = lock.getText();
      ctx.report({
        at: call,
        message: `'${name}' is already held here, and this runExclusive waits to take it again: it is not reentrant, ` +
          'so this task waits for itself forever.',
        related: whereTaken(facts, fl, n, call.getStart(), key, name),
      });
    }
    // Through a call: the function called takes, inside, a lock the caller holds.
    for (const fl of facts.locks.held.functionsWithLocks(facts.file)) {
      if (facts.locks.summaries.isImplementation(fl.fn)) continue;
      const reported = new Set<ts.Node>();
      for (const n of fl.cfg.nodes) {
        if ((fl.mustBefore.get(n)?.size ?? 0) === 0 && !fl.events.has(n)) continue;
        for (const call of facts.locks.held.callsOf(n)) {
          if (reported.has(call) || facts.locks.calls.of(call).length > 0) continue;
          const held = facts.locks.held.heldBefore(fl, n, call.getStart());
          const again = facts.locks.summaries.innerAcquisitions(call).find(a => held.has(a.key) && isExclusive(a.key));
          if (!again) continue;
          reported.add(call);
          const name = again.key.replace(READ_SUFFIX, '');
          ctx.report({
            at: call,
            message: `'${name}' is held here, and the function this calls takes it again: it is not reentrant, so this thread waits for itself forever.`,
            related: whereTaken(facts, fl, n, call.getStart(), again.key, name),
          });
        }
      }
    }
  },
};

/** `m` of a typed lock's `m.acquire()`. */
function receiverOf(node: ts.Node): ts.Expression {
  const callee = ts.isCallExpression(node) ? skipOuter(node.expression) : undefined;
  return callee && ts.isPropertyAccessExpression(callee) ? callee.expression : node as ts.Expression;
}

/** Locks one holder cannot take twice: not a read lock (readers share), not the unknown lock. */
function isExclusive(key: LockKey): boolean {
  return key !== UNKNOWN_LOCK && !key.endsWith(READ_SUFFIX);
}

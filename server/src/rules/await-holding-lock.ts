import { ts } from '../analysis/ts';
import { forEachInFunction } from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';
import { whereTaken } from './support/locks';
import { READ_SUFFIX } from '../analysis/locks/events';
import type { Related } from '../core/finding';

export const awaitHoldingLock: Rule = {
  meta: {
    id: 'await-holding-lock',
    family: 'locks',
    defaultSeverity: 'warning',
    description: '`await` or `yield` while a blocking (Atomics-based) lock is held: every other thread that wants it blocks until this task resumes.',
  },
  check(ctx) {
    const { facts } = ctx;
    const locks = facts.locks;
    for (const fl of locks.held.functionsWithLocks(facts.file)) {
      if (locks.summaries.isImplementation(fl.fn)) continue;
      const reported = new Set<ts.Node>();
      for (const n of fl.cfg.nodes) {
        if (!n.ast || n.kind === 'loop-exit' || ((fl.mustBefore.get(n)?.size ?? 0) === 0 && !fl.events.has(n))) continue;
        for (const suspend of suspensionsOf(n.ast)) {
          if (reported.has(suspend)) continue;
          // A condition variable's wait given the lock drops it while suspended.
          const dropped = new Set<string>();
          const operand = ts.isAwaitExpression(suspend) || ts.isYieldExpression(suspend) ? suspend.expression : undefined;
          if (operand) {
            const visit = (x: ts.Node): void => {
              if (ts.isCallExpression(x)) for (const e of locks.calls.of(x)) if (e.kind === 'release') dropped.add(e.key);
            };
            visit(operand);
            forEachInFunction(operand, visit);
          }
          const held = [...locks.held.heldBefore(fl, n, suspend.getStart())].filter(k => fl.flavors.get(k) === 'blocking' && !dropped.has(k));
          if (held.length === 0) continue;
          reported.add(suspend);
          const related: Related[] = held.flatMap(k => whereTaken(facts, fl, n, suspend.getStart(), k, k.replace(READ_SUFFIX, '')));
          const names = held.map(k => `'${k.replace(READ_SUFFIX, '')}'`).join(', ');
          ctx.report({
            at: suspend,
            message: `${ts.isYieldExpression(suspend) ? 'yield' : 'await'} while holding ${names}, a lock that blocks other threads: ` +
              'they stay blocked (and a task of this thread that takes it deadlocks) until this one resumes. Release it first, or use an in-thread lock.',
            related,
          });
        }
      }
    }
  },
};

/** `await` and `yield` a node evaluates, and the `await` of a `for await` head. */
function suspensionsOf(root: ts.Node): ts.Node[] {
  const out: ts.Node[] = [];
  const check = (x: ts.Node): void => {
    if (ts.isAwaitExpression(x) || ts.isYieldExpression(x)) out.push(x);
  };
  check(root);
  forEachInFunction(root, check);
  const loop = root.parent;
  if (loop && ts.isForOfStatement(loop) && loop.expression === root && loop.awaitModifier) out.push(loop.awaitModifier);
  return out;
}

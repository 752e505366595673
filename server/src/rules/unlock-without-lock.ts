import { ts } from '../analysis/ts';
import { Rule } from '../engine/rule';
import type { Related } from '../core/finding';
import { READ_SUFFIX } from '../analysis/locks/events';
import { byNode, lineOf, lockEvents, lockName, spanOf } from './support/locks';

export const unlockWithoutLock: Rule = {
  meta: {
    id: 'unlock-without-lock',
    family: 'locks',
    defaultSeverity: 'warning',
    description: 'A lock released where some path does not hold it: it frees a lock another thread holds, or releases twice.',
    typedApis: ['locks'],
  },
  check(ctx) {
    const { facts } = ctx;
    const reported = new Set<ts.Node>();
    for (const copies of byNode(lockEvents(facts, 'release'))) {
      const { event } = copies[0];
      // Shared and counting locks may be held more than once: a set of held locks cannot count them.
      if (event.key.endsWith(READ_SUFFIX) || copies.some(c => [...c.fl.events.values()].some(l => l.some(e => e.key === event.key && e.counting)))) continue;
      const pos = event.node.getStart();
      // Released where some path holds it and another does not (or released it already); a release
      // that is the first thing every path does to the lock belongs to a caller's lock (a release helper).
      const bad = copies.find(({ fl, n }) => {
        if (facts.locks.held.heldBefore(fl, n, pos).has(event.key)) return false;
        const touched = fl.touchedBefore.get(n)?.has(event.key) ||
          (fl.events.get(n) ?? []).some(e => e.key === event.key && e.node.end <= pos);
        return touched && !fl.initial.has(event.key);
      });
      if (!bad) continue;
      // Reported at the release as written: for a call of an ordinary function that releases inside, the
      // release in its body (when in this file), which this call reaches with the lock not held.
      const inside = event.implicit && ts.isCallExpression(event.node) ? facts.locks.summaries.releaseInside(event.node, event.key) : undefined;
      if (event.implicit && inside?.node.getSourceFile() !== facts.file) continue;
      const at = inside?.node ?? event.node;
      if (reported.has(at)) continue;
      reported.add(at);
      const name = lockName(event);
      const related: Related[] = facts.locks.held.lastEvents(bad.fl, bad.n, pos, event.key).map(e => ({
        span: spanOf(e.node),
        message: e.kind === 'acquire' ? `'${name}' is taken here, but not on every path` : `'${name}' is already released here`,
      }));
      if (inside) related.push({ span: spanOf(event.node), message: `this call reaches the release without holding '${name}'` });
      const reaching = inside ? `the call at line ${lineOf(event.node)} reaches it without holding '${name}'` : 'some path reaching this line does not hold it';
      ctx.report({
        at,
        message: `'${lockName(inside ?? event)}' is released here although ${reaching}: the release frees a lock ` +
          'another thread holds (or releases it twice), and the data it guards races.',
        related,
      });
    }
  },
};

import { Rule } from './rule';
import type { Related } from '../analysis/finding';
import { READ_SUFFIX } from '../analysis/locks';
import { byNode, lockEvents, lockName, spanOf } from './support/locks';

export const unlockWithoutLock: Rule = {
  meta: {
    id: 'unlock-without-lock',
    family: 'locks',
    defaultSeverity: 'warning',
    description: 'A lock released where some path does not hold it: it frees a lock another thread holds, or releases twice.',
  },
  check(ctx) {
    const { facts } = ctx;
    for (const copies of byNode(lockEvents(facts, 'release'))) {
      const { event } = copies[0];
      // Shared and counting locks may be held more than once: a set of held locks cannot count them.
      if (event.key.endsWith(READ_SUFFIX) || copies.some(c => [...c.fl.events.values()].some(l => l.some(e => e.key === event.key && e.counting)))) continue;
      const pos = event.node.getStart();
      // Released where some path holds it and another does not (or released it already); a release
      // that is the first thing every path does to the lock belongs to a caller's lock (a release helper).
      const bad = copies.find(({ fl, n }) => {
        if (facts.locks.heldBefore(fl, n, pos).has(event.key)) return false;
        const touched = fl.touchedBefore.get(n)?.has(event.key) ||
          (fl.events.get(n) ?? []).some(e => e.key === event.key && e.node.end <= pos);
        return touched && !fl.initial.has(event.key);
      });
      if (!bad) continue;
      const name = lockName(event);
      const related: Related[] = facts.locks.lastEvents(bad.fl, bad.n, pos, event.key).map(e => ({
        span: spanOf(e.node),
        message: e.kind === 'acquire' ? `'${name}' is taken here, but not on every path` : `'${name}' is already released here`,
      }));
      ctx.report({
        at: event.node,
        message: `'${name}' is released here although some path reaching this line does not hold it: the release frees a lock ` +
          'another thread holds (or releases it twice), and the data it guards races.',
        related,
      });
    }
  },
};

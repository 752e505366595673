import { INTEGER_ARRAYS } from '../analysis/syntax/types';
import { Rule } from '../engine/rule';
import { replaceNode } from './support/edits';
import { unlockedSharedAccess, whereShared } from './support/shared-access';

export const unsynchronizedSharedRead: Rule = {
  meta: {
    id: 'unsynchronized-shared-read',
    family: 'sync',
    defaultSeverity: 'warning',
    description: 'A plain read of shared memory that a loop polls: the read may be hoisted and the loop never ends.',
  },
  check(ctx) {
    const { facts } = ctx;
    for (const access of facts.accesses) {
      if (access.kind !== 'read') continue;
      const loop = facts.loops.pollingLoopAround(access.node);
      if (!loop) continue;
      const shared = unlockedSharedAccess(facts, access);
      if (!shared) continue;
      const el = access.element;
      const fixes = el && INTEGER_ARRAYS.has(shared.viewType)
        ? [{ title: 'Use Atomics.load', kind: 'safe' as const,
             edits: [replaceNode(el, `Atomics.load(${el.expression.getText()}, ${el.argumentExpression.getText()})`)] }]
        : [];
      ctx.report({
        at: access.node,
        message: `'${access.node.getText()}' reads shared memory plainly in a loop that waits for another thread to ` +
          `change it: the engine may read it once and loop forever. Use Atomics.load.`,
        fixes,
        related: whereShared(facts, shared),
      });
    }
  },
};

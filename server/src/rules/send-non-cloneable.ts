import type { NotCloneable } from '../analysis/threads/structured-clone';
import { Rule } from '../engine/rule';
import { failsWith, findingPath, findingsByPlace } from './support/crossing';

/** What each kind of value is, and what to send instead. */
const WHAT: Record<NotCloneable, [string, string]> = {
  function: ['a function', 'Code cannot be copied to another thread: send data, and keep the code on the side that runs it.'],
  symbol: ['a symbol', 'A symbol is unique to its thread: send a string key instead.'],
  Promise: ['a Promise', 'Await it and send the result.'],
  WeakMap: ['a WeakMap', 'Weak collections cannot be copied: send a Map of the entries the other side needs.'],
  WeakSet: ['a WeakSet', 'Weak collections cannot be copied: send a Set or an array of the values the other side needs.'],
  WeakRef: ['a WeakRef', 'Weak references cannot be copied: send the value it holds.'],
  FinalizationRegistry: ['a FinalizationRegistry', 'It belongs to this thread\'s garbage collector: keep it here.'],
  'DOM node': ['a DOM node', 'The DOM lives on the page\'s thread only: send the data the worker needs from it.'],
};

export const sendNonCloneable: Rule = {
  meta: {
    id: 'send-non-cloneable',
    family: 'send',
    defaultSeverity: 'error',
    description: 'A function, symbol, Promise, weak collection or DOM node sent to another thread: a DataCloneError.',
    typedApis: ['threads', 'pools'],
  },
  check(ctx) {
    const { facts } = ctx;
    for (const crossing of facts.boundaries) {
      const issues = facts.cloneIssues(crossing.payload);
      for (const [at, found] of findingsByPlace(issues.filter(f => f.issue.kind === 'not-cloneable'))) {
        // A part that is there whatever the value makes the send certain to fail: name it first.
        const first = found.find(f => !f.whenSet) ?? found[0];
        if (first.issue.kind !== 'not-cloneable') continue;
        const [what, instead] = WHAT[first.issue.what];
        const more = found.length > 1 ? ` (and ${found.length - 1} more part${found.length > 2 ? 's' : ''} that cannot be cloned)` : '';
        ctx.report({
          at,
          // When an optional part may be left out, the send fails only when it is set: not certain.
          ...(first.whenSet ? { severity: 'warning' as const } : {}),
          message: `${findingPath(crossing, first)} is ${what}${more}: ${failsWith(crossing, 'DataCloneError')}. ${instead}`,
        });
      }
    }
  },
};

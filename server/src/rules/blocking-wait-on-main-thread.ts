import { ts } from '../analysis/ts';
import type { Fix } from '../core/finding';
import { outerParent } from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';
import { insertAt, replaceNode } from './support/edits';
import { isAwaitAllowed } from './support/await';

/** The timeout the "Add a timeout" suggestion proposes, in milliseconds. */
const SUGGESTED_TIMEOUT_MS = '1000';

export const blockingWaitOnMainThread: Rule = {
  meta: {
    id: 'blocking-wait-on-main-thread',
    family: 'sync',
    defaultSeverity: 'warning',
    description: 'Atomics.wait on the main thread: browsers throw; Node freezes its event loop.',
  },
  check(ctx) {
    const { facts } = ctx;
    for (const { name, call } of facts.atomicsCalls) {
      if (name !== 'wait' || facts.threadAt(call) !== 'main') continue;
      const runtime = facts.runtime;
      if (runtime === 'undecided') continue;
      const hasTimeout = call.arguments.length >= 4;
      if (runtime === 'node' && hasTimeout) continue; // a bounded, deliberate sync-over-async bridge
      const fixes: Fix[] = [];
      if (isAwaitAllowed(call, facts.program)) {
        const args = call.arguments.map(a => a.getText()).join(', ');
        const parent = outerParent(call);
        const bare = ts.isExpressionStatement(parent) || ts.isVariableDeclaration(parent) || ts.isReturnStatement(parent) ||
          ts.isCallExpression(parent) || ts.isParenthesizedExpression(call.parent);
        const awaited = `await Atomics.waitAsync(${args}).value`;
        fixes.push({ title: 'Use Atomics.waitAsync', kind: 'suggestion', edits: [replaceNode(call, bare ? awaited : `(${awaited})`)] });
      }
      if (runtime === 'node' && call.arguments.length === 3) {
        const last = call.arguments[2];
        fixes.push({ title: 'Add a timeout', kind: 'suggestion', edits: [insertAt(facts.file, last.end, `, ${SUGGESTED_TIMEOUT_MS}`)] });
      }
      ctx.report({
        at: call,
        severity: runtime === 'web' ? 'warning' : 'hint',
        message: runtime === 'web'
          ? 'Atomics.wait throws a TypeError on the main thread of a browser. Use Atomics.waitAsync, or wait in a worker.'
          : 'Atomics.wait with no timeout on the main thread blocks the event loop: no timer, I/O or message runs until ' +
            'another thread notifies, and if that thread dies first, nothing ever does (its \'error\' and \'exit\' events ' +
            'wait for this loop too). Add a timeout, or use Atomics.waitAsync.',
        fixes,
      });
    }
  },
};

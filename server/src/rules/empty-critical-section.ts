import { Rule } from '../engine/rule';
import { callbackRegion, lockEvents, lockName, simpleRegion, spanOf } from './support/locks';
import { ts } from '../analysis/ts';

export const emptyCriticalSection: Rule = {
  meta: {
    id: 'empty-critical-section',
    family: 'locks',
    defaultSeverity: 'warning',
    description: 'A lock acquired and released with nothing in between: it protects nothing (the work meant to be under it is elsewhere).',
    typedApis: ['locks'],
  },
  check(ctx) {
    const { facts } = ctx;
    const message = (name: string): string =>
      `'${name}' is taken and released with nothing in between: this critical section protects nothing. ` +
      'Move the code that touches the guarded data between the two, or remove the pair.';
    for (const { event } of lockEvents(facts, 'acquire')) {
      const region = simpleRegion(facts, event);
      // `lock(); try { } finally { unlock(); }` is the scaffold a snippet or template inserts before its body is written.
      if (!region || ts.isTryStatement(region.last) || !region.body.every(s => ts.isEmptyStatement(s))) continue;
      ctx.report({ at: event.node, message: message(lockName(event)), related: region.release.map(s => ({ span: spanOf(s), message: 'released here' })) });
    }
    for (const fl of facts.locks.held.functionsWithLocks(facts.file)) {
      const region = callbackRegion(fl);
      const lock = [...fl.initial][0];
      if (!region || !lock || region.body.some(s => !ts.isEmptyStatement(s))) continue;
      ctx.report({ at: fl.initialSite!, message: message(lock), related: [{ span: spanOf(fl.fn), message: 'the callback run under the lock is empty' }] });
    }
  },
};

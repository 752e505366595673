import { ts } from '../analysis/ts';
import { CfgNode } from '../analysis/cfg/graph';
import { everyPathPasses } from '../analysis/cfg/paths';
import type { Related } from '../core/finding';
import type { FileFacts } from '../analysis/file-facts';
import type { FunctionLocks, LockEvent } from '../analysis/locks/events';
import { isInside } from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';
import { byNode, lineOf, lockEvents, lockName, spanOf } from './support/locks';
import { releaseInFinallyFix } from './support/release-in-finally';

export const lockNotReleased: Rule = {
  meta: {
    id: 'lock-not-released',
    family: 'locks',
    defaultSeverity: 'warning',
    description: 'A lock that some return, throw, jump or the end of the function leaves held: every thread that waits for it blocks forever.',
    typedApis: ['locks'],
  },
  check(ctx) {
    const { facts } = ctx;
    for (const copies of byNode(lockEvents(facts, 'acquire'))) {
      // Taking back a lock the caller holds (after a condition wait, or a `@requires` function's drop) hands it back.
      if (copies.some(c => c.fl.borrowed.has(c.event.key) || c.fl.initial.has(c.event.key))) continue;
      if (isHeldAcrossCalls(facts, copies[0].fl, copies[0].event)) continue;
      const escape = copies.map(c => escapeOf(facts, c.fl, c.n, c.event)).find(e => e !== undefined);
      if (!escape) continue;
      const { event } = copies[0];
      const name = lockName(event);
      const fix = releaseInFinallyFix(facts, event, 'suggestion');
      ctx.report({
        at: event.node,
        message: `'${name}' is locked here but ${escape.how}: the lock stays taken and every thread that waits for it blocks forever. ` +
          'Release it in `finally` (or tag the function `@acquires` if its caller releases it).',
        related: [escape.related],
        fixes: fix ? [fix] : [],
      });
    }
  },
};

/**
 * A lock of the object's own (`this.lock`) that this method releases on no way it completes (only, maybe,
 * on the way to a `throw`, undoing a failed start) and that another function of its class releases:
 * held across calls, taken in `start()` and released in `finish()` or `close()`. A method that releases
 * it on some normal path and not on another is a critical section with a missing release: still judged.
 */
function isHeldAcrossCalls(facts: FileFacts, fl: FunctionLocks, event: LockEvent): boolean {
  if (!event.key.startsWith('this.')) return false;
  let cls: ts.Node | undefined = fl.fn.parent;
  while (cls && !ts.isClassLike(cls)) cls = cls.parent;
  if (!cls) return false;
  const releasesIt = (f: FunctionLocks, n: CfgNode): boolean => (f.events.get(n) ?? []).some(e => e.kind === 'release' && e.key === event.key);
  if (fl.cfg.nodes.some(n => releasesIt(fl, n) && !everyPathPasses(fl.cfg, n, m => m.throwOf !== undefined))) return false;
  const owner = cls;
  return facts.locks.held.functionsWithLocks(facts.file).some(other => other !== fl && isInside(other.fn, owner) && other.cfg.nodes.some(n => releasesIt(other, n)));
}

interface Escape {
  how: string;
  related: Related;
}

/**
 * A path from the acquisition to the function's end on which the lock is not released, and what
 * leaves on it: the last `return`, `throw`, `break` or `continue` taken, or the fall off the end.
 */
export function escapeOf(facts: FileFacts, fl: FunctionLocks, from: CfgNode, event: LockEvent): Escape | undefined {
  // A release that throws is taken as done: the lock is not this code's to hold then.
  const releases = (n: CfgNode, after = -1): boolean =>
    (fl.events.get(n.throwOf ?? n) ?? []).some(e => e.kind === 'release' && e.key === event.key && e.node.pos >= after);
  if (releases(from, event.node.end)) return undefined;
  const jumpOf = new Map<CfgNode, ts.Node | undefined>();
  const queue: CfgNode[] = [];
  for (const s of from.succ) {
    if (!jumpOf.has(s) && !s.throwOf) {
      jumpOf.set(s, undefined);
      queue.push(s);
    }
  }
  while (queue.length > 0) {
    const n = queue.shift()!;
    const jump = n.ast && isJump(n.ast) ? n.ast : jumpOf.get(n);
    if (n === fl.cfg.exit) return describe(facts, fl, jump);
    if (releases(n)) continue;
    for (const s of n.succ) {
      // An exception a call may raise is not an explicit way out: lock-without-finally judges those.
      if (!jumpOf.has(s) && !s.throwOf) {
        jumpOf.set(s, jump);
        queue.push(s);
      }
    }
  }
  return undefined;
}

function isJump(n: ts.Node): boolean {
  return ts.isReturnStatement(n) || ts.isThrowStatement(n) || ts.isBreakStatement(n) || ts.isContinueStatement(n);
}

function describe(facts: FileFacts, fl: FunctionLocks, jump: ts.Node | undefined): Escape {
  if (jump) {
    const line = lineOf(jump);
    const how = ts.isReturnStatement(jump) ? `the function returns at line ${line} without unlocking it`
      : ts.isThrowStatement(jump) ? `the function throws at line ${line} without unlocking it`
      : `\`${ts.isBreakStatement(jump) ? 'break' : 'continue'}\` at line ${line} leaves without unlocking it`;
    return { how, related: { span: spanOf(jump), message: 'the lock is still held when control leaves here' } };
  }
  const fn = fl.fn;
  const end = ts.isSourceFile(fn) ? fn.endOfFileToken : 'body' in fn && fn.body ? fn.body.getLastToken() ?? fn.body : fn;
  return {
    how: 'some path reaches the end of the function without unlocking it',
    related: { span: { file: facts.file.fileName, start: end.getStart(), end: end.end }, message: 'the lock is still held at the end of the function' },
  };
}

import { ts } from '../analysis/ts';
import type { FileFacts } from '../analysis/file-facts';
import type { MemoryAccess } from '../analysis/memory/memory-access';
import { skipOuter } from '../analysis/syntax/syntax';
import type { LockKey } from '../analysis/locks/events';
import { builtinName } from '../analysis/syntax/types';
import { sharesRoot } from '../analysis/memory/provenance';
import { Rule } from '../engine/rule';
import { SimpleRegion, callbackRegion, lockEvents, lockName, simpleRegion, spanOf } from './support/locks';
import { atomicRewrite } from './support/atomic-rewrite';
import { isDeclaredGuarded } from './support/shared-access';

export const preferAtomicOverLock: Rule = {
  meta: {
    id: 'prefer-atomic-over-lock',
    family: 'locks',
    defaultSeverity: 'hint',
    description: 'A lock region whose only effect is one integer update of shared memory: one `Atomics` call does it without the lock.',
  },
  check(ctx) {
    const { facts } = ctx;
    const writes = new Map<ts.Node, MemoryAccess>();
    for (const a of facts.accesses) if (a.kind === 'write') writes.set(a.node, a);
    const judge = (region: SimpleRegion | undefined, at: ts.Node, name: string, key: LockKey): void => {
      const update = region && region.body.length === 1 ? onlyUpdate(facts, region.body[0], writes) : undefined;
      if (!region || !update || isLockProtocol(facts, update.access, key, region)) return;
      const text = `${update.text};`;
      ctx.report({
        at,
        message: `This critical section of '${name}' only makes one update of shared memory: \`${text}\` does it atomically, ` +
          'without making other threads wait for the lock.',
        related: [{ span: spanOf(update.node), message: 'the only thing done under the lock' }],
        fixes: [{
          title: `Use Atomics.${update.op} instead of the lock`,
          kind: 'suggestion',
          edits: [{ file: facts.file.fileName, start: region.acquire.getStart(), end: region.last.end, newText: text }],
        }],
      });
    };
    for (const { fl, n, event } of lockEvents(facts, 'acquire')) {
      if (event.flavor !== 'blocking' || event.viaCall) continue;
      // Taken again while held (double-lock): not a critical section of its own.
      if (facts.locks.held.heldBefore(fl, n, event.node.getStart()).has(event.key)) continue;
      const region = simpleRegion(facts, event);
      // A helper that releases may do more than release.
      if (region?.release.some(s => ts.isExpressionStatement(s) && ts.isCallExpression(s.expression) &&
          facts.locks.calls.of(s.expression).some(e => e.viaCall))) continue;
      judge(region, event.node, lockName(event), event.key);
    }
    for (const fl of facts.locks.held.functionsWithLocks(facts.file)) {
      const region = callbackRegion(fl);
      const lock = [...fl.initial][0];
      if (region && lock && fl.flavors.get(lock) === 'blocking') judge(region, fl.initialSite!, lock, lock);
    }
  },
};

/** The one write of an integer array in shared memory a statement makes, and its `Atomics` form; nothing else may happen there. */
function onlyUpdate(facts: FileFacts, stmt: ts.Statement | ts.Expression, writes: ReadonlyMap<ts.Node, MemoryAccess>): { access: MemoryAccess; node: ts.Node; text: string; op: string } | undefined {
  const expr = ts.isExpressionStatement(stmt) ? skipOuter(stmt.expression) : ts.isExpression(stmt) ? skipOuter(stmt) : undefined;
  const access = expr && writes.get(expr);
  if (!expr || !access || access.form === 'method' || hasEffects(expr, access)) return undefined;
  const viewType = builtinName(facts.typeOf(access.target));
  if (!viewType || facts.provenance.of(access.target).state !== 'shared') return undefined;
  const rewrite = atomicRewrite(access, viewType);
  return rewrite && { access, node: access.node, ...rewrite };
}

/**
 * Whether the lock is how this memory is kept consistent beyond this one update: it is declared
 * `@guardedBy` a lock, or another region of the same lock reads or writes it plainly. An `Atomics`
 * update there would not wait for that region, and could land between its read and its write.
 */
function isLockProtocol(facts: FileFacts, update: MemoryAccess, key: LockKey, region: SimpleRegion): boolean {
  if (isDeclaredGuarded(facts, update.target)) return true;
  const memory = facts.provenance.of(update.target);
  const start = region.acquire.getStart();
  const end = region.last.end;
  return facts.accesses.some(a => (a.node.getStart() < start || a.node.end > end) && facts.locks.held.heldAt(a.node).has(key) &&
    sharesRoot(facts.provenance.of(a.target), memory));
}

/**
 * A call, `new`, `await`, another assignment besides the update itself, or a read of another element
 * (`a[a[0] + 1] = v` reads and writes under one lock: one `Atomics` call cannot do both).
 */
function hasEffects(expr: ts.Expression, access: MemoryAccess): boolean {
  let found = false;
  const target = access.element?.getText().replace(/\s+/g, '');
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isElementAccessExpression(n) && n !== access.element && n.getText().replace(/\s+/g, '') !== target) {
      found = true;
      return;
    }
    if (ts.isCallExpression(n) || ts.isNewExpression(n) || ts.isAwaitExpression(n) || ts.isYieldExpression(n) || ts.isDeleteExpression(n) ||
        (n !== access.node && (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
          (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) ||
        (n !== access.node && ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(expr);
  return found;
}

import { ts } from '../analysis/ts';
import type { FileFacts } from '../analysis/file-facts';
import { type Provenance, originKind } from '../analysis/memory/provenance';
import { bufferStateOfType } from '../analysis/syntax/types';
import { Rule } from '../engine/rule';
import { failsWith, removeFromTransferList } from './support/crossing';
import { whereShared } from './support/shared-access';

export const transferSharedBuffer: Rule = {
  meta: {
    id: 'transfer-shared-buffer',
    family: 'send',
    defaultSeverity: 'error',
    description: 'Shared memory (a SharedArrayBuffer or a view of one) in a transfer list: postMessage throws a TypeError.',
    typedApis: ['threads', 'pools'],
  },
  check(ctx) {
    const { facts } = ctx;
    for (const crossing of facts.boundaries) {
      for (const item of crossing.transfer?.items ?? []) {
        const provenance = facts.provenance.of(item);
        if (!isSurelyShared(facts, item, provenance)) continue;
        const edit = removeFromTransferList(crossing, item);
        ctx.report({
          at: item,
          message: `'${item.getText()}' is shared memory, which cannot be transferred: ${failsWith(crossing, 'TypeError')} ` +
            '("Found invalid object in transferList"). Posted without the list, the other thread shares this very memory.',
          fixes: edit ? [{ title: 'Remove from the transfer list (shared memory is shared, not moved)', kind: 'safe', edits: [edit] }] : [],
          related: whereShared(facts, { provenance }),
        });
      }
    }
  },
};

/**
 * Shared for certain: made by `new SharedArrayBuffer` or declared `@shared`, or typed shared with no
 * ordinary buffer in the type. An `ArrayBufferLike` may be either, and listing an ordinary one is right.
 */
function isSurelyShared(facts: FileFacts, item: ts.Expression, provenance: Provenance): boolean {
  if (provenance.state !== 'shared') return false;
  if ([...provenance.roots].some(root => originKind(root) === 'allocation' || originKind(root) === 'annotation')) return true;
  const type = facts.typeOf(item);
  return !(type.isUnion() ? type.types : [type]).some(t => bufferStateOfType(t, facts.checker) === 'unshared');
}

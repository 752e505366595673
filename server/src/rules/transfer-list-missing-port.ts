import { ts } from '../analysis/ts';
import type { Crossing } from '../analysis/threads/boundaries';
import type { Fix } from '../core/finding';
import type { FileFacts } from '../analysis/file-facts';
import { skipOuter } from '../analysis/syntax/syntax';
import { builtinName } from '../analysis/syntax/types';
import { Rule } from '../engine/rule';
import { addToTransferList, failsWith, findingPath, nameOfPart } from './support/crossing';

export const transferListMissingPort: Rule = {
  meta: {
    id: 'transfer-list-missing-port',
    family: 'send',
    defaultSeverity: 'error',
    description: 'A MessagePort in a message but not in its transfer list: postMessage throws a TypeError.',
    typedApis: ['threads', 'pools'],
  },
  check(ctx) {
    const { facts } = ctx;
    for (const crossing of facts.boundaries) {
      // A list we cannot read in full may hold the port.
      if (crossing.transfer && !crossing.transfer.complete) continue;
      // A port in an optional part is how a protocol type carries one in the messages that need it; the
      // others leave it out (poolifier's MessageValue.port): nothing says this send holds one.
      const ports = facts.cloneIssues(crossing.payload).filter(f => f.issue.kind === 'port' && !f.whenSet);
      if (ports.length === 0) continue;
      const listed = crossing.transfer?.items ?? [];
      const named = ports.map(p => ({ port: p, name: nameOfPart(p) }));
      // A listed port we cannot match to one in the message may be one of them under another name.
      if (listed.some(item => mayBePort(facts, item) && !named.some(n => n.name !== undefined && sameText(item, n.name)))) continue;
      for (const { port, name } of named) {
        if (name !== undefined && listed.some(item => sameText(item, name))) continue;
        const fix = name !== undefined ? addFix(crossing, name) : undefined;
        ctx.report({
          at: port.at,
          message: `${findingPath(crossing, port)} is a MessagePort${reason(crossing)}`,
          fixes: fix ? [fix] : [],
        });
      }
    }
  },
};

function reason(crossing: Crossing): string {
  if (!crossing.slot) {
    return ', and a BroadcastChannel cannot move ports (it takes no transfer list): postMessage() throws a TypeError. ' +
      'Send the port through a Worker or a MessagePort, with it in the transfer list.';
  }
  return ` that is not in the transfer list: ${failsWith(crossing, 'TypeError')} ("Object that needs transfer was ` +
    'found in message but not listed in transferList"). A port cannot be copied, only moved.';
}

function addFix(crossing: Crossing, name: string): Fix | undefined {
  const edit = addToTransferList(crossing, name);
  return edit && { title: `Add \`${name}\` to the transfer list`, kind: 'safe', edits: [edit] };
}

function mayBePort(facts: FileFacts, item: ts.Expression): boolean {
  const type = facts.typeOf(item);
  return builtinName(type) === 'MessagePort' || (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
}

function sameText(item: ts.Expression, name: string): boolean {
  return skipOuter(item).getText().replace(/\s+/g, '') === name;
}

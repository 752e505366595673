import { ts } from '../analysis/ts';
import type { Fix } from '../core/finding';
import type { FileFacts } from '../analysis/file-facts';
import { CloneFinding, LostMembers } from '../analysis/threads/structured-clone';
import { Rule } from '../engine/rule';
import { replaceNode } from './support/edits';
import { findingPath, findingsByPlace, sendName } from './support/crossing';

export const sendLosesPrototype: Rule = {
  meta: {
    id: 'send-loses-prototype',
    family: 'send',
    defaultSeverity: 'warning',
    description: 'A class instance sent to another thread: it arrives as a plain object, without its methods, accessors and #private fields.',
    typedApis: ['threads', 'pools'],
  },
  check(ctx) {
    const { facts } = ctx;
    for (const crossing of facts.boundaries) {
      const issues = facts.cloneIssues(crossing.payload);
      for (const [at, found] of findingsByPlace(issues.filter(f => f.issue.kind === 'loses-prototype'))) {
        const [first] = found;
        if (first.issue.kind !== 'loses-prototype') continue;
        const { className, lost } = first.issue;
        const more = found.length > 1 ? ` (and ${found.length - 1} more class instance${found.length > 2 ? 's' : ''})` : '';
        const fix = found.length === 1 ? plainObjectFix(facts, first) : undefined;
        ctx.report({
          at,
          message: `${findingPath(crossing, first)} is ${withArticle(className)} instance${more}: ${sendName(crossing)} copies only ` +
            `its data, so it arrives without ${lostText(lost)}${consequence(lost)}`,
          fixes: fix ? [fix] : [],
        });
      }
    }
  },
};

function lostText(lost: LostMembers): string {
  const parts = [
    lost.methods.length > 0 ? `its methods (${names(lost.methods)})` : '',
    lost.accessors.length > 0 ? `its accessors (${names(lost.accessors)})` : '',
    lost.privateFields.length > 0 ? `its #private members (${names(lost.privateFields)})` : '',
  ].filter(p => p !== '');
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
}

function withArticle(name: string): string {
  return /^[AEIOU]/.test(name) ? `an ${name}` : `a ${name}`;
}

function names(list: readonly string[]): string {
  return list.length > 3 ? `${list.slice(0, 3).join(', ')}…` : list.join(', ');
}

/** What the receiver sees go wrong. */
function consequence(lost: LostMembers): string {
  if (lost.methods.length > 0) return `: calling ${lost.methods[0]}() on the other side throws a TypeError.`;
  if (lost.accessors.length > 0) return `: reading ${lost.accessors[0]} on the other side gives undefined.`;
  return '.';
}

/**
 * "Send a plain object": `{ ...x }` copies exactly the own data fields the clone would carry, so the
 * receiver gets the same thing and the code says so. Only for a class whose data is public fields (a
 * spread would miss a getter's value and cannot reach #private ones), at a place that accepts any object.
 */
function plainObjectFix(facts: FileFacts, finding: CloneFinding): Fix | undefined {
  const { issue, value, at, depthInValue } = finding;
  if (issue.kind !== 'loses-prototype' || !issue.lost.publicDataOnly || !value || depthInValue > 0) return undefined;
  const expected = facts.checker.getContextualType(value);
  if (expected && !(expected.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return undefined;
  const spread = `{ ...${value.getText()} }`;
  const edit = ts.isShorthandPropertyAssignment(at) ? replaceNode(at, `${at.name.text}: ${spread}`) : replaceNode(value, spread);
  return { title: 'Send a plain object', kind: 'suggestion', edits: [edit] };
}

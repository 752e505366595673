/**
 * "Wrap in lock `m`": a statement put between the lock's acquire and a release in `finally`. A lock
 * taken with `await` (`lockAsync()`) can only be taken so in an async function: elsewhere, no fix.
 */
import { ts } from '../../analysis/ts';
import type { Fix } from '../../core/finding';
import type { FileFacts } from '../../analysis/file-facts';
import type { LockMethods } from '../../analysis/locks/events';
import { enclosingFunction, indentUnit, isAsyncFunction, lineIndent, newlineOf } from '../../analysis/syntax/syntax';
import { replaceNode } from './edits';

export function wrapInLockFix(facts: FileFacts, stmt: ts.Statement, lock: string, methods: LockMethods): Fix | undefined {
  if (methods.awaited && !isAsyncFunction(enclosingFunction(stmt))) return undefined;
  const text = facts.text;
  const nl = newlineOf(text);
  const indent = lineIndent(text, stmt.getStart());
  const unit = indentUnit(text);
  const wrapped = `${methods.awaited ? 'await ' : ''}${lock}.${methods.acquire}();${nl}${indent}try {${nl}${indent}${unit}${stmt.getText()}${nl}` +
    `${indent}} finally {${nl}${indent}${unit}${lock}.${methods.release}();${nl}${indent}}`;
  return { title: `Wrap in lock ${lock}`, kind: 'suggestion', edits: [replaceNode(stmt, wrapped)] };
}

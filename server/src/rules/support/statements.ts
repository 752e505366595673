/** Where a fix may add a line of code: beside a statement that sits in a block (or at the top of the file). */
import { ts } from '../../analysis/ts';
import type { TextEdit } from '../../core/finding';
import { isFunctionBoundary, isInside, lineIndent, newlineOf } from '../../analysis/syntax/syntax';
import { insertAt } from './edits';

/** The statement of the same function holding `node`, when it is one of a list (a block, the file, a `case`). */
export function listedStatement(node: ts.Node): ts.Statement | undefined {
  for (let n: ts.Node = node; n.parent; n = n.parent) {
    if (n !== node && isFunctionBoundary(n)) return undefined;
    if (ts.isStatement(n)) return statementsOf(n.parent)?.includes(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Where a line that must come after every use of something goes: after the last statement of
 * `anchor`'s list, from `anchor` on, that holds one of `uses`; before it when that statement leaves
 * the list (`return`, `throw`, `break`, `continue`), so that the line still runs.
 */
export function afterLastUse(anchor: ts.Statement, uses: readonly ts.Node[]): { statement: ts.Statement; before: boolean } {
  const list = statementsOf(anchor.parent)!;
  let last = anchor;
  for (let i = list.indexOf(anchor) + 1; i < list.length; i++) {
    if (uses.some(u => isInside(u, list[i]))) last = list[i];
  }
  const before = ts.isReturnStatement(last) || ts.isThrowStatement(last) || ts.isBreakStatement(last) || ts.isContinueStatement(last);
  return { statement: last, before };
}

export function lineAfter(statement: ts.Statement, code: string): TextEdit {
  const file = statement.getSourceFile();
  return insertAt(file, statement.end, `${newlineOf(file.text)}${lineIndent(file.text, statement.getStart(file))}${code}`);
}

export function lineBefore(statement: ts.Statement, code: string): TextEdit {
  const file = statement.getSourceFile();
  return insertAt(file, statement.getStart(file), `${code}${newlineOf(file.text)}${lineIndent(file.text, statement.getStart(file))}`);
}

function statementsOf(parent: ts.Node): readonly ts.Statement[] | undefined {
  if (ts.isBlock(parent) || ts.isSourceFile(parent) || ts.isModuleBlock(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent)) {
    return parent.statements;
  }
  return undefined;
}

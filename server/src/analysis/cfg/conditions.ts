/** What a condition says of its parts, and which parts of an expression only some paths through it evaluate. */
import { ts } from '../ts';

/**
 * Whether `node`, inside `root`, is evaluated only on some of the paths through `root`: it sits on
 * the right of `&&`, `||`, `??` (or their assignment forms), in a branch of `?:`, or after a `?.`.
 */
export function isConditional(node: ts.Node, root: ts.Node): boolean {
  for (let n = node; n !== root && n.parent; n = n.parent) {
    const p = n.parent;
    if (ts.isBinaryExpression(p) && p.right === n && SHORT_CIRCUIT.has(p.operatorToken.kind)) return true;
    if (ts.isConditionalExpression(p) && p.condition !== n) return true;
    if (ts.isOptionalChain(n)) return true;
  }
  return false;
}

const SHORT_CIRCUIT = new Set([
  ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken, ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/**
 * What a condition's value says of its parts: `a && b` true means both are true, `a || b` false
 * means both are false, `!a` flips. The atoms whose value is then known, with that value.
 */
export function impliedAtoms(expr: ts.Expression, value: boolean): { atom: ts.Expression; value: boolean }[] {
  let e = expr;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) return impliedAtoms(e.operand, !value);
  if (ts.isBinaryExpression(e)) {
    const k = e.operatorToken.kind;
    if ((k === ts.SyntaxKind.AmpersandAmpersandToken && value) || (k === ts.SyntaxKind.BarBarToken && !value)) {
      return [...impliedAtoms(e.left, value), ...impliedAtoms(e.right, value)];
    }
    if (k === ts.SyntaxKind.AmpersandAmpersandToken || k === ts.SyntaxKind.BarBarToken) return [];
  }
  return [{ atom: e, value }];
}

/** How a plain update of an integer array is written as one `Atomics` call. */
import { ts } from '../../analysis/ts';
import type { MemoryAccess } from '../../analysis/memory/memory-access';
import { BIGINT_ARRAYS, INTEGER_ARRAYS } from '../../analysis/syntax/types';
import { isPure, isValueUnused, skipOuter } from '../../analysis/syntax/syntax';

/** The operators an `Atomics` call does in one step: `a[i] op= n` and `a[i] = a[i] op n`, its name and the operator's text. */
const ATOMIC_OPERATORS: readonly [compound: ts.SyntaxKind, binary: ts.SyntaxKind, atomic: string, text: string][] = [
  [ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.PlusToken, 'add', '+'],
  [ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.MinusToken, 'sub', '-'],
  [ts.SyntaxKind.AmpersandEqualsToken, ts.SyntaxKind.AmpersandToken, 'and', '&'],
  [ts.SyntaxKind.BarEqualsToken, ts.SyntaxKind.BarToken, 'or', '|'],
  [ts.SyntaxKind.CaretEqualsToken, ts.SyntaxKind.CaretToken, 'xor', '^'],
];
const ATOMIC_OF_COMPOUND = new Map(ATOMIC_OPERATORS.map(([compound, , atomic, text]) => [compound, [atomic, text] as const]));
const ATOMIC_OF_BINARY = new Map(ATOMIC_OPERATORS.map(([, binary, atomic, text]) => [binary, [atomic, text] as const]));
/**
 * `a[i] op= n`, `a[i]++`, `a[i] = a[i] op n`, `a[i] = v` (its value unused) → the matching `Atomics` call,
 * which keeps the expression's value; undefined when there is none or the value cannot be rebuilt.
 */
export function atomicRewrite(access: MemoryAccess, viewType: string): { op: string; text: string } | undefined {
  const el = access.element;
  if (!el || !INTEGER_ARRAYS.has(viewType)) return undefined;
  const arr = el.expression.getText();
  const idx = el.argumentExpression.getText();
  const node = access.node;
  const unused = isValueUnused(node);
  const call = (op: string, operand: string): string => `Atomics.${op}(${arr}, ${idx}, ${operand})`;
  /** The expression's value is the *new* one: rebuild it from the old value Atomics returns. */
  const newValue = (op: string, sign: string, operand: ts.Expression | string): string | undefined => {
    if (unused) return call(op, typeof operand === 'string' ? operand : operand.getText());
    if (typeof operand !== 'string' && !isPure(operand)) return undefined;
    const text = typeof operand === 'string' ? operand : operand.getText();
    const rebuilt = `${call(op, text)} ${sign} ${text}`;
    // Parenthesised already (`(a[i] |= b)`): a second pair would only add noise.
    return ts.isParenthesizedExpression(node.parent) ? rebuilt : `(${rebuilt})`;
  };
  let text: string | undefined;
  let op: string | undefined;
  if (access.form === 'update' && (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node))) {
    const one = BIGINT_ARRAYS.has(viewType) ? '1n' : '1';
    const [name, sign] = node.operator === ts.SyntaxKind.PlusPlusToken ? ['add', '+'] : ['sub', '-'];
    op = name;
    // Atomics returns the old value: exactly a postfix update's value.
    text = ts.isPostfixUnaryExpression(node) ? call(name, one) : newValue(name, sign, one);
  } else if (access.form === 'compound' && ts.isBinaryExpression(node)) {
    const pair = ATOMIC_OF_COMPOUND.get(node.operatorToken.kind);
    if (!pair) return undefined;
    op = pair[0];
    text = newValue(pair[0], pair[1], node.right);
  } else if (access.form === 'assign' && ts.isBinaryExpression(node)) {
    const rmw = readModifyWrite(node.right, el);
    if (rmw) {
      if (!isPure(el.expression) || !isPure(el.argumentExpression)) return undefined;
      op = rmw.op;
      text = newValue(rmw.op, rmw.sign, rmw.operand);
    } else if (unused) {
      op = 'store';
      text = call('store', node.right.getText());
    }
  }
  return text && op ? { op, text } : undefined;
}

/** `a[i] + n`, `n + a[i]` (commutative operators only), `a[i] - n`: an update spelled as a store. */
function readModifyWrite(rhs: ts.Expression, el: ts.ElementAccessExpression): { op: string; sign: string; operand: ts.Expression } | undefined {
  const e = skipOuter(rhs);
  if (!ts.isBinaryExpression(e)) return undefined;
  const pair = ATOMIC_OF_BINARY.get(e.operatorToken.kind);
  if (!pair) return undefined;
  const same = (x: ts.Expression): boolean => skipOuter(x).getText().replace(/\s+/g, '') === el.getText().replace(/\s+/g, '');
  if (same(e.left)) return { op: pair[0], sign: pair[1], operand: e.right };
  if (same(e.right) && pair[0] !== 'sub') return { op: pair[0], sign: pair[1], operand: e.left };
  return undefined;
}


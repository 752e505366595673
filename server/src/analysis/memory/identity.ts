/**
 * The parallel-output idiom: a worker writes only inside its own range of the output, so writers never
 * overlap. The range comes from the worker's identity: its `workerData`, its task message, `threadId`.
 * An index is the worker's own when it is
 * - an identity value itself, or an affine combination of identity values and constants (`index`,
 *   `task.slot`, `id * chunk`): one slot per worker;
 * - the counter of `for (let i = start; i < end; i++)` with both bounds identity values;
 * - `base + k` with `k` counted from 0 below a bound: `start + k` (`k < end - start`, `k < count`),
 *   `id * chunk + k` (`k < chunk`: the bound is the stride).
 * Anything else may collide between workers: a hash or a modulo (`hash(key) % n`, `(start + k) % size`,
 * `id ^ x`), an index read from memory (`view[data[i]]++`, the histogram), a call's result.
 */
import { ts } from '../ts';
import type { FileFacts } from '../file-facts';
import { calleeName, skipOuter } from '../syntax/syntax';

const IDENTITY_SOURCES = new Set(['workerData', 'threadId']);
/** Members that describe a value rather than pick a worker's part of it: every worker reads the same. */
const SHAPE_MEMBERS = new Set(['length', 'byteLength', 'byteOffset', 'size', 'BYTES_PER_ELEMENT']);
const MAX_DEPTH = 6;

/** What an index term is: drawn from the worker's identity, a constant, or neither (undefined). */
type Term = 'identity' | 'constant' | undefined;

/** Whether `index` stays inside the range the worker's own identity gives it. */
export function isOwnSliceIndex(index: ts.Expression, facts: FileFacts): boolean {
  const e = skipOuter(index);
  if (termOf(e, facts) === 'identity') return true;
  const loop = ts.isIdentifier(e) ? countedLoop(e, facts) : undefined;
  if (loop) return termOf(loop.from, facts) === 'identity' && termOf(loop.below, facts) === 'identity';
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.PlusToken) return false;
  return isBaseAndOffset(e.left, e.right, facts) || isBaseAndOffset(e.right, e.left, facts);
}

/** `base + k`: `base` from the identity, `k` counted from 0 below the width of one worker's range. */
function isBaseAndOffset(base: ts.Expression, offset: ts.Expression, facts: FileFacts): boolean {
  const k = skipOuter(offset);
  const loop = ts.isIdentifier(k) ? countedLoop(k, facts) : undefined;
  if (!loop || termOf(base, facts) !== 'identity' || constantValue(loop.from, facts) !== 0) return false;
  // `id * chunk + k`: the ranges are `chunk` apart, so `k` must stay below `chunk`.
  const product = productOf(base, facts);
  if (product) return [product.left, product.right].some(stride => sameValue(stride, loop.below, facts));
  return termOf(loop.below, facts) === 'identity';
}

/** `a * b`, written there or held by the `const` named there. */
function productOf(expr: ts.Expression, facts: FileFacts, depth = 0): ts.BinaryExpression | undefined {
  const e = skipOuter(expr);
  if (ts.isBinaryExpression(e)) return e.operatorToken.kind === ts.SyntaxKind.AsteriskToken ? e : undefined;
  const decl = ts.isIdentifier(e) && depth < MAX_DEPTH ? facts.refs.symbolAt(e)?.valueDeclaration : undefined;
  return decl && ts.isVariableDeclaration(decl) && keepsItsValue(decl, facts) && decl.initializer ? productOf(decl.initializer, facts, depth + 1) : undefined;
}

/** An affine combination (`+`, `-`, `*`) of identity values and constants, and which of the two it is. */
function termOf(expr: ts.Expression, facts: FileFacts, depth = 0): Term {
  if (depth > MAX_DEPTH) return undefined;
  const e = skipOuter(expr);
  if (ts.isNumericLiteral(e)) return 'constant';
  if (ts.isPrefixUnaryExpression(e) && (e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken)) {
    return termOf(e.operand, facts, depth + 1);
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op !== ts.SyntaxKind.PlusToken && op !== ts.SyntaxKind.MinusToken && op !== ts.SyntaxKind.AsteriskToken) return undefined;
    const left = termOf(e.left, facts, depth + 1);
    const right = left && termOf(e.right, facts, depth + 1);
    return !left || !right ? undefined : left === 'identity' || right === 'identity' ? 'identity' : 'constant';
  }
  if (ts.isPropertyAccessExpression(e)) {
    return SHAPE_MEMBERS.has(e.name.text) || termOf(e.expression, facts, depth + 1) !== 'identity' ? undefined : 'identity';
  }
  if (!ts.isIdentifier(e)) return undefined; // a call, an element read, `%`, `^`, `/`: not the worker's own range
  if (IDENTITY_SOURCES.has(e.text)) return 'identity';
  const decl = facts.refs.symbolAt(e)?.valueDeclaration;
  if (!decl) return undefined;
  if (ts.isParameter(decl)) return isMessageHandler(decl.parent) ? 'identity' : undefined;
  if (ts.isBindingElement(decl)) return destructuredFrom(decl, facts, depth);
  return ts.isVariableDeclaration(decl) && keepsItsValue(decl, facts) && decl.initializer ? termOf(decl.initializer, facts, depth + 1) : undefined;
}

/** A name destructured from an identity value (`const { start, end } = workerData`, `({ index }) => …` of a message handler). */
function destructuredFrom(element: ts.BindingElement, facts: FileFacts, depth: number): Term {
  let d: ts.Node = element;
  while (ts.isBindingElement(d)) d = d.parent.parent;
  if (ts.isParameter(d)) return isMessageHandler(d.parent) ? 'identity' : undefined;
  if (!ts.isVariableDeclaration(d) || !keepsItsValue(d, facts) || !d.initializer) return undefined;
  return termOf(d.initializer, facts, depth + 1) === 'identity' ? 'identity' : undefined;
}

/** A `const`, or a `let` / `var` that nothing assigns after its declaration: it keeps its initial value. */
function keepsItsValue(decl: ts.VariableDeclaration, facts: FileFacts): boolean {
  if (ts.isVariableDeclarationList(decl.parent) && (decl.parent.flags & ts.NodeFlags.Const) !== 0) return true;
  const names: ts.Identifier[] = [];
  const collect = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.push(name);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) collect(el.name);
  };
  collect(decl.name);
  return names.every(name => {
    const symbol = facts.refs.symbolAt(name);
    return symbol !== undefined && facts.refs.of(symbol).every(ref => ref === name || !isWritten(ref));
  });
}

interface CountedLoop {
  from: ts.Expression;
  /** The loop runs while the counter is below this. */
  below: ts.Expression;
}

/** The bounds of `i` when it is the counter of `for (let i = from; i < below; i++)` and nothing else writes it. */
function countedLoop(id: ts.Identifier, facts: FileFacts): CountedLoop | undefined {
  const symbol = facts.refs.symbolAt(id);
  const decl = symbol?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer || !ts.isIdentifier(decl.name)) return undefined;
  const loop = decl.parent.parent;
  if (!ts.isForStatement(loop) || loop.initializer !== decl.parent || decl.parent.declarations.length !== 1) return undefined;
  const cond = loop.condition && skipOuter(loop.condition);
  if (!cond || !ts.isBinaryExpression(cond)) return undefined;
  const isCounter = (x: ts.Expression): boolean => { const s = skipOuter(x); return ts.isIdentifier(s) && facts.refs.symbolAt(s) === symbol; };
  const below = cond.operatorToken.kind === ts.SyntaxKind.LessThanToken && isCounter(cond.left) ? cond.right
    : cond.operatorToken.kind === ts.SyntaxKind.GreaterThanToken && isCounter(cond.right) ? cond.left : undefined;
  if (!below || !loop.incrementor || !isStepOfOne(loop.incrementor, isCounter)) return undefined;
  const writes = facts.refs.of(symbol!).filter(ref => ref !== decl.name && isWritten(ref));
  return writes.every(w => w.pos >= loop.incrementor!.pos && w.end <= loop.incrementor!.end) ? { from: decl.initializer, below } : undefined;
}

/** `i++`, `++i`, `i += 1`. */
function isStepOfOne(step: ts.Expression, isCounter: (x: ts.Expression) => boolean): boolean {
  const s = skipOuter(step);
  if ((ts.isPostfixUnaryExpression(s) || ts.isPrefixUnaryExpression(s)) && s.operator === ts.SyntaxKind.PlusPlusToken) return isCounter(s.operand);
  return ts.isBinaryExpression(s) && s.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken && isCounter(s.left) &&
    ts.isNumericLiteral(skipOuter(s.right)) && Number((skipOuter(s.right) as ts.NumericLiteral).text) === 1;
}

function isWritten(ref: ts.Identifier): boolean {
  let n: ts.Node = ref;
  while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
  const p = n.parent;
  if (ts.isPostfixUnaryExpression(p) || (ts.isPrefixUnaryExpression(p) && (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken))) return true;
  return ts.isBinaryExpression(p) && p.left === n && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
}

/** A numeric literal, or a `const` holding one. */
function constantValue(expr: ts.Expression, facts: FileFacts): number | undefined {
  const e = skipOuter(expr);
  if (ts.isNumericLiteral(e)) return Number(e.text);
  const decl = ts.isIdentifier(e) ? facts.refs.symbolAt(e)?.valueDeclaration : undefined;
  return decl && ts.isVariableDeclaration(decl) && keepsItsValue(decl, facts) && decl.initializer && ts.isNumericLiteral(skipOuter(decl.initializer))
    ? Number((skipOuter(decl.initializer) as ts.NumericLiteral).text) : undefined;
}

/** The same variable, the same constant, or the same member of the same variable (`chunk`, `CHUNK`, `workerData.chunk`). */
function sameValue(a: ts.Expression, b: ts.Expression, facts: FileFacts): boolean {
  const x = skipOuter(a);
  const y = skipOuter(b);
  if (ts.isIdentifier(x) && ts.isIdentifier(y)) return facts.refs.symbolAt(x) !== undefined && facts.refs.symbolAt(x) === facts.refs.symbolAt(y);
  if (ts.isPropertyAccessExpression(x) && ts.isPropertyAccessExpression(y)) return x.name.text === y.name.text && sameValue(x.expression, y.expression, facts);
  const value = constantValue(x, facts);
  return value !== undefined && value === constantValue(y, facts);
}

/** `port.on('message', fn)`, `onmessage = fn`, `addEventListener('message', fn)`: `fn` gets a task. */
function isMessageHandler(fn: ts.SignatureDeclaration): boolean {
  const p = fn.parent;
  if (ts.isCallExpression(p) && p.arguments.includes(fn as ts.Expression)) {
    const event = p.arguments[0];
    const name = calleeName(p) ?? '';
    return /^(on|once|addListener|addEventListener)$/.test(name) && !!event && ts.isStringLiteral(event) && event.text === 'message';
  }
  if (ts.isBinaryExpression(p) && p.right === fn) {
    const left = skipOuter(p.left);
    const name = ts.isPropertyAccessExpression(left) ? left.name.text : ts.isIdentifier(left) ? left.text : '';
    return name === 'onmessage';
  }
  return false;
}

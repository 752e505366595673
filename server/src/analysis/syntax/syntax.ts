/** Small, rule-independent questions about raw TypeScript syntax. */
import { ts } from '../ts';

/** Strips what does not change a value: parentheses, type assertions, `!`, `satisfies`. */
export function skipOuter(expr: ts.Expression): ts.Expression {
  let e = expr;
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) ||
        ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) {
      e = e.expression;
    } else {
      return e;
    }
  }
}

/** The nearest ancestor that is not a parenthesis / type assertion wrapping `node`. */
export function outerParent(node: ts.Node): ts.Node {
  let p = node.parent;
  while (p && (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) ||
         ts.isTypeAssertionExpression(p) || ts.isSatisfiesExpression(p))) {
    p = p.parent;
  }
  return p;
}

export type FunctionContainer = ts.SignatureDeclaration & { body?: ts.ConciseBody } | ts.SourceFile;

/** By kind: asked of every node the analyses walk, so one set lookup rather than eight calls. */
const BOUNDARY_KINDS = new Set([
  ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor, ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor, ts.SyntaxKind.ClassStaticBlockDeclaration,
]);

export function isFunctionBoundary(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return BOUNDARY_KINDS.has(node.kind);
}

/** What has a body of code of its own: a function, a class's static block, or a file's top level. */
export type FunctionLike = ts.FunctionLikeDeclaration | ts.ClassStaticBlockDeclaration | ts.SourceFile;

/** The function (or the file, for top-level code) whose body contains `node`. */
export function enclosingFunction(node: ts.Node): FunctionLike {
  let p = node.parent;
  while (p && !isFunctionBoundary(p) && !ts.isSourceFile(p)) p = p.parent;
  return p as ts.FunctionLikeDeclaration | ts.SourceFile;
}

/** `Atomics.<name>(…)` with `Atomics` the global (not a local shadowing it). */
export function atomicsCallName(node: ts.Node): string | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const callee = skipOuter(node.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const obj = skipOuter(callee.expression);
  if (!ts.isIdentifier(obj) || obj.text !== 'Atomics') return undefined;
  return callee.name.text;
}

/**
 * Calls `fn` on every descendant of `root` that runs in the same function (not nested functions). A
 * root that is itself a function or class declaration (a statement of its enclosing function's graph)
 * runs none of its body there.
 */
export function forEachInFunction(root: ts.Node, fn: (node: ts.Node) => void): void {
  if (isFunctionBoundary(root) || ts.isClassLike(root)) return;
  const visit = (n: ts.Node): void => {
    fn(n);
    if (isFunctionBoundary(n) || ts.isClassLike(n)) return;
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(root, visit);
}

/** Whether `node` is inside `ancestor` (or is it). */
export function isInside(node: ts.Node, ancestor: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (n === ancestor) return true;
  return false;
}

/** An expression cheap and free of side effects, so it may be evaluated once more or once less. */
export function isPure(expr: ts.Expression): boolean {
  const e = skipOuter(expr);
  if (ts.isIdentifier(e) || ts.isNumericLiteral(e) || ts.isBigIntLiteral(e) || ts.isStringLiteral(e) ||
      e.kind === ts.SyntaxKind.ThisKeyword || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) {
    return true;
  }
  if (ts.isPropertyAccessExpression(e)) return isPure(e.expression);
  if (ts.isElementAccessExpression(e)) return isPure(e.expression) && isPure(e.argumentExpression);
  if (ts.isPrefixUnaryExpression(e)) {
    return (e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken ||
      e.operator === ts.SyntaxKind.TildeToken || e.operator === ts.SyntaxKind.ExclamationToken) && isPure(e.operand);
  }
  if (ts.isBinaryExpression(e)) {
    const k = e.operatorToken.kind;
    const arithmetic = k >= ts.SyntaxKind.FirstBinaryOperator && k <= ts.SyntaxKind.LastBinaryOperator &&
      !(k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment) && k !== ts.SyntaxKind.CommaToken;
    return arithmetic && isPure(e.left) && isPure(e.right);
  }
  return false;
}

/** Whether the value of `expr` is thrown away (statement position, `for` incrementor, left of a comma). */
export function isValueUnused(expr: ts.Expression): boolean {
  const p = outerParent(expr);
  if (ts.isExpressionStatement(p)) return true;
  if (ts.isForStatement(p) && p.incrementor && skipOuter(p.incrementor) === expr) return true;
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.CommaToken && skipOuter(p.left) === expr) {
    return true;
  }
  if (ts.isVoidExpression(p)) return true;
  return false;
}

/** The indentation (leading whitespace) of the line `pos` is on. */
export function lineIndent(text: string, pos: number): string {
  let start = pos;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/** The line break a file uses, so inserted lines match it. */
export function newlineOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Whether a declaration, or the statement holding it, carries the JSDoc tag `@<tag>` (`@shared`). */
export function hasJsDocTag(node: ts.Node, tag: string): boolean {
  return jsDocTagArguments(node, tag) !== undefined;
}

/**
 * The first word after each `@<tag>` on a declaration or the statement holding it (`@acquires queueLock`
 * gives `queueLock`; a bare tag gives ''); undefined when the tag is absent.
 */
export function jsDocTagArguments(node: ts.Node, tag: string): string[] | undefined {
  let found: string[] | undefined;
  for (let n: ts.Node | undefined = node; n && !ts.isSourceFile(n) && !ts.isBlock(n); n = n.parent) {
    for (const t of ts.getJSDocTags(n)) {
      if (t.tagName.text !== tag) continue;
      (found ??= []).push((ts.getTextOfJSDocComment(t.comment) ?? '').trim().split(/\s+/)[0]);
    }
    if (ts.isVariableStatement(n) || ts.isParameter(n) || ts.isPropertyDeclaration(n) || ts.isPropertySignature(n)) break;
  }
  return found;
}

/** The file's indentation step: a tab, or the smallest run of leading spaces (2 when nothing is indented). */
export function indentUnit(text: string): string {
  // Every fix of a file asks: scan a text once, not once per fix.
  if (text === lastIndentText) return lastIndentUnit;
  lastIndentText = text;
  return lastIndentUnit = scanIndentUnit(text);
}

let lastIndentText: string | undefined;
let lastIndentUnit = '  ';

function scanIndentUnit(text: string): string {
  let min = 0;
  for (const m of text.matchAll(/^([ \t]+)\S/gm)) {
    if (m[1].startsWith('\t')) return '\t';
    if (min === 0 || m[1].length < min) min = m[1].length;
  }
  return ' '.repeat(min === 0 ? 2 : Math.min(min, 8));
}

/** A property name as written when it is a plain one (`a`, `'a'`, `1`); undefined when computed. */
export function propertyName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name) ? name.text : undefined;
}

/** Whether a function is declared `async`. */
export function isAsyncFunction(fn: ts.Node): boolean {
  return ts.canHaveModifiers(fn) && (ts.getModifiers(fn)?.some(m => m.kind === ts.SyntaxKind.AsyncKeyword) ?? false);
}

/** The name a call is made by: `f(…)`, `x.f(…)`, `this.#f(…)`; undefined for any other callee. */
export function calleeName(call: ts.CallExpression): string | undefined {
  const callee = skipOuter(call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
}

/**
 * The name a function is called by: its own (`function f`, a method `f` or `#f`), the variable it
 * initialises (`const f = () => …`), or `default` for an unnamed `export default function`.
 */
export function functionName(fn: ts.FunctionLikeDeclaration): string | undefined {
  const name = fn.name;
  if (name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name))) return name.text;
  if (ts.isFunctionDeclaration(fn) && !name) return 'default';
  const p = fn.parent;
  return ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) && p.initializer === fn ? p.name.text : undefined;
}

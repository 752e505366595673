/**
 * What a condition says of the thread that passes it: `isMainThread`, `parentPort` and `workerData` of
 * `worker_threads`, worker-only and page-only web globals, and `const` flags set from those. The
 * branches of an `if`, a `?:`, `&&` / `||`, and the code after an `if (…) return`, each carry the claim
 * of their test (see threads.ts, `threadAt`).
 */
import { ts } from '../ts';
import { skipOuter } from '../syntax/syntax';
import { impliedAtoms } from '../cfg/conditions';
import { type ModuleRole, type Thread, workerThreadsBindings } from './threads';

/** What the claims need to know: the module's role, and the checker to follow names. */
export interface ClaimContext {
  role: ModuleRole;
  checker: ts.TypeChecker;
}

/** How far a `const` flag is followed to the test it was set from (`const isWorker = typeof importScripts === 'function'`). */
const MAX_FLAG_DEPTH = 3;

/** What a condition, having `value`, says of the thread; `not-main` when it only rules the main thread out. */
export type Claim = Thread | 'not-main';

/** Web globals that exist only in a worker's scope, and ones that exist only on the page's thread. */
const WORKER_ONLY_GLOBALS = new Set(['importScripts', 'WorkerGlobalScope', 'DedicatedWorkerGlobalScope']);
const PAGE_ONLY_GLOBALS = new Set(['window', 'document']);

/** The claim of the branch of `parent` that `child` is: an `if` or `?:` branch, the right of `&&` / `||`. */
export function branchClaim(child: ts.Node, parent: ts.Node, judge: ClaimContext): Claim | undefined {
  if (ts.isIfStatement(parent) && parent.expression !== child) return testClaim(parent.expression, parent.thenStatement === child, judge, 0);
  if (ts.isConditionalExpression(parent) && parent.condition !== child) return testClaim(parent.condition, parent.whenTrue === child, judge, 0);
  if (ts.isBinaryExpression(parent) && parent.right === child) {
    const op = parent.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return testClaim(parent.left, true, judge, 0);
    if (op === ts.SyntaxKind.BarBarToken) return testClaim(parent.left, false, judge, 0);
  }
  return undefined;
}

/** The claim of an earlier `if (test) return;` (or `throw`) in the same block: the code after it runs only when `test` is false. */
export function exitClaim(child: ts.Node, parent: ts.Node, judge: ClaimContext): Claim | undefined {
  if (!ts.isBlock(parent) && !ts.isSourceFile(parent)) return undefined;
  const statements = parent.statements;
  for (let i = statements.indexOf(child as ts.Statement) - 1; i >= 0; i--) {
    const s = statements[i];
    if (!ts.isIfStatement(s) || s.elseStatement || !alwaysLeaves(s.thenStatement)) continue;
    const claim = testClaim(s.expression, false, judge, 0);
    if (claim) return claim;
  }
  return undefined;
}

function alwaysLeaves(stmt: ts.Statement): boolean {
  if (ts.isReturnStatement(stmt) || ts.isThrowStatement(stmt)) return true;
  return ts.isBlock(stmt) && stmt.statements.length > 0 && alwaysLeaves(stmt.statements[stmt.statements.length - 1]);
}

function testClaim(test: ts.Expression, value: boolean, judge: ClaimContext, depth: number): Claim | undefined {
  for (const { atom, value: atomValue } of impliedAtoms(test, value)) {
    const claim = atomClaim(atom, atomValue, judge, depth);
    if (claim) return claim;
  }
  return undefined;
}

/**
 * `isMainThread` of `worker_threads`: the main thread or a worker. Its `parentPort`, null exactly on
 * the main thread: the same. Its `workerData` (or a property of it) set: a worker; unset: the main
 * thread, when the module spawns itself only with `workerData`. A worker-only global defined (or
 * `self instanceof WorkerGlobalScope`): a worker. A page-only global undefined or falsy: not the
 * page's thread. A `const` flag: what its initializer says.
 */
function atomClaim(atom: ts.Expression, value: boolean, judge: ClaimContext, depth: number): Claim | undefined {
  const e = skipOuter(atom);
  const nullTest = nullComparison(e);
  if (nullTest) return atomClaim(nullTest.operand, nullTest.isNull !== value, judge, depth);
  const dataMember = workerDataMemberTest(e);
  if (dataMember && ts.isIdentifier(dataMember) && value && flagOf(dataMember, judge.checker) === 'workerData') return 'worker';
  if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
    const flag = flagOf(e, judge.checker);
    if (flag === 'isMainThread' || flag === 'parentPort') return (flag === 'isMainThread') === value ? 'main' : 'worker';
    if (flag === 'workerData') return value ? 'worker' : judge.role.selfSpawnsSendData ? 'main' : undefined;
    if (typeof flag === 'object' && depth < MAX_FLAG_DEPTH) return testClaim(flag, value, judge, depth + 1);
  }
  const global = globalName(e);
  if (global && PAGE_ONLY_GLOBALS.has(global) && !value) return 'not-main';
  const defined = typeofTest(e);
  if (defined) {
    const isDefined = defined.defined === value;
    if (WORKER_ONLY_GLOBALS.has(defined.name) && isDefined) return 'worker';
    if (PAGE_ONLY_GLOBALS.has(defined.name) && !isDefined) return 'not-main';
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword && value &&
      ts.isIdentifier(e.right) && WORKER_ONLY_GLOBALS.has(e.right.text)) {
    return 'worker';
  }
  return undefined;
}

/** `x == null`, `x != undefined`, `x === null`, `x !== null`: the operand and whether `true` means it is null. */
function nullComparison(e: ts.Expression): { operand: ts.Expression; isNull: boolean } | undefined {
  if (!ts.isBinaryExpression(e)) return undefined;
  const op = e.operatorToken.kind;
  const loose = op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
  const strict = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken;
  if (!loose && !strict) return undefined;
  const isNullish = (x: ts.Expression): boolean => {
    const y = skipOuter(x);
    return y.kind === ts.SyntaxKind.NullKeyword || (loose && ts.isIdentifier(y) && y.text === 'undefined');
  };
  // `parentPort === undefined` is never true: only null is the main thread's value.
  const operand = isNullish(e.right) ? e.left : isNullish(e.left) ? e.right : undefined;
  if (!operand) return undefined;
  return { operand, isNull: op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsEqualsToken };
}

/**
 * The root of `workerData.role`, `workerData?.a.b` or `workerData?.role === 'worker'` (a value other
 * than null or undefined): such a test holds only where `workerData` is set.
 */
function workerDataMemberTest(e: ts.Expression): ts.Expression | undefined {
  let x = e;
  if (ts.isBinaryExpression(x)) {
    const op = x.operatorToken.kind;
    if (op !== ts.SyntaxKind.EqualsEqualsEqualsToken && op !== ts.SyntaxKind.EqualsEqualsToken) return undefined;
    const literal = (y: ts.Expression): boolean => ts.isStringLiteralLike(y) || ts.isNumericLiteral(y) ||
      y.kind === ts.SyntaxKind.TrueKeyword || y.kind === ts.SyntaxKind.FalseKeyword;
    x = literal(skipOuter(x.right)) ? x.left : literal(skipOuter(x.left)) ? x.right : x;
    if (x === e) return undefined;
  }
  x = skipOuter(x);
  if (!ts.isPropertyAccessExpression(x) && !ts.isElementAccessExpression(x)) return undefined;
  while (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)) x = skipOuter(x.expression);
  return x;
}

type WorkerFlag = 'isMainThread' | 'parentPort' | 'workerData';
const WORKER_FLAGS = new Set<string>(['isMainThread', 'parentPort', 'workerData']);

/**
 * Which `worker_threads` export an expression reads (`isMainThread`, `wt.parentPort`, a name imported
 * or destructured from the module), or for a `const`, the initializer it holds.
 */
function flagOf(e: ts.Identifier | ts.PropertyAccessExpression, checker: ts.TypeChecker): WorkerFlag | ts.Expression | undefined {
  if (ts.isPropertyAccessExpression(e)) {
    const name = e.name.text;
    if (name === 'isMainThread') return name;
    const ns = skipOuter(e.expression);
    return WORKER_FLAGS.has(name) && ts.isIdentifier(ns) && workerThreadsBindings(e.getSourceFile()).namespaces.has(ns.text)
      ? name as WorkerFlag : undefined;
  }
  const sym = checker.getSymbolAtLocation(e);
  const decl = sym?.declarations?.[0];
  if (!decl) return undefined;
  if (ts.isImportSpecifier(decl) || ts.isBindingElement(decl)) {
    const imported = decl.propertyName ?? decl.name;
    if (!ts.isIdentifier(imported) || !WORKER_FLAGS.has(imported.text)) return undefined;
    // `isMainThread` says what it says wherever it comes from; a `parentPort` parameter is not worker_threads'.
    const local = decl.name;
    const fromModule = ts.isIdentifier(local) && workerThreadsBindings(e.getSourceFile()).names.get(local.text) === imported.text;
    return imported.text === 'isMainThread' || fromModule ? imported.text as WorkerFlag : undefined;
  }
  if (ts.isVariableDeclaration(decl) && decl.initializer && (ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const)) return decl.initializer;
  return undefined;
}

/** `window`, `self.window`, `globalThis.document`: the name of a global read as itself. */
function globalName(e: ts.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && ['self', 'globalThis'].includes(e.expression.text)) return e.name.text;
  return undefined;
}

/** `typeof x === 'undefined'` and its variants: the name tested and whether `true` means it is defined. */
function typeofTest(e: ts.Expression): { name: string; defined: boolean } | undefined {
  if (!ts.isBinaryExpression(e)) return undefined;
  const op = e.operatorToken.kind;
  const equal = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
  if (!equal && op !== ts.SyntaxKind.ExclamationEqualsEqualsToken && op !== ts.SyntaxKind.ExclamationEqualsToken) return undefined;
  const [typeOf, literal] = ts.isTypeOfExpression(e.left) ? [e.left, e.right] : [e.right, e.left];
  if (!ts.isTypeOfExpression(typeOf) || !ts.isStringLiteralLike(literal)) return undefined;
  const name = globalName(skipOuter(typeOf.expression));
  if (!name) return undefined;
  return { name, defined: (literal.text !== 'undefined') === equal };
}


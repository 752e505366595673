/**
 * On which thread code runs, as far as this file's own code tells (RULES.md, "Thread of a module"):
 * a module that reads `parentPort` / `workerData` or the worker global scope is worker code; one that
 * spawns workers is main code; a self-spawning module that branches on `isMainThread` has one role per
 * branch; a module some other file spawns (the thread graph says so) is worker code; anything else is
 * unknown.
 */
import { ts } from './ts';
import { skipOuter } from './syntax';
import { impliedAtoms } from './cfg';

export type Thread = 'main' | 'worker' | 'unknown';

export interface ModuleRole {
  /** The role of the module's code outside `isMainThread` branches. */
  readonly module: Thread;
  /** Whether the module branches on `isMainThread` (so branches carry their own role). */
  readonly selfSpawning: boolean;
}

const WORKER_THREADS = new Set(['worker_threads', 'node:worker_threads']);
const SPAWNERS = new Set(['Worker', 'SharedWorker', 'Piscina', 'Tinypool']);
const WORKER_SCOPE_MEMBERS = new Set(['onmessage', 'postMessage', 'importScripts', 'close']);
const WORKER_SIDE_EXPORTS = new Set(['parentPort', 'workerData']);

/** The module's role; `spawned` when the thread graph knows a spawn site that starts this file. */
export function moduleRole(file: ts.SourceFile, spawned = false): ModuleRole {
  const { names, namespaces } = workerThreadsBindings(file);
  let readsWorkerSide = /^\/\/\/\s*<reference\s+lib=["']webworker["']/m.test(file.text);
  let spawns = false;
  let branchesOnMain = false;
  const declaresPostMessage = declaresName(file, 'postMessage');
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && !isBindingSite(n)) {
      const imported = names.get(n.text);
      if (imported && WORKER_SIDE_EXPORTS.has(imported)) readsWorkerSide = true;
      if (imported === 'isMainThread') branchesOnMain = true;
      if (n.text === 'importScripts' && ts.isCallExpression(n.parent) && n.parent.expression === n) readsWorkerSide = true;
      // A bare `postMessage(x)` is the worker scope's: a page's window needs a target origin to post to itself.
      if (n.text === 'postMessage' && isCalledWith(n, 1) && !declaresPostMessage) readsWorkerSide = true;
    } else if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression)) {
      const ns = n.expression.text;
      if (namespaces.has(ns)) {
        if (WORKER_SIDE_EXPORTS.has(n.name.text)) readsWorkerSide = true;
        if (n.name.text === 'isMainThread') branchesOnMain = true;
      } else if (ns === 'self' && WORKER_SCOPE_MEMBERS.has(n.name.text)) {
        // `self.postMessage(x)` with one argument is the worker's; the window's needs a target origin.
        if (n.name.text !== 'postMessage' || isCalledWith(n, 1)) readsWorkerSide = true;
      }
    } else if (ts.isNewExpression(n)) {
      const c = skipOuter(n.expression);
      const name = ts.isIdentifier(c) ? c.text : ts.isPropertyAccessExpression(c) ? c.name.text : '';
      if (SPAWNERS.has(name)) spawns = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  // A worker that spawns workers of its own is still a worker: blocking there is legitimate.
  const isWorker = (readsWorkerSide || spawned) && !branchesOnMain;
  const module: Thread = isWorker ? 'worker' : spawns && !branchesOnMain ? 'main' : 'unknown';
  return { module, selfSpawning: branchesOnMain };
}

/**
 * Local names bound to `worker_threads` exports (`import { workerData as wd }`,
 * `const { parentPort } = require('node:worker_threads')`, or destructured from the module required
 * before) and names of the module namespace itself.
 */
export function workerThreadsBindings(file: ts.SourceFile): { names: Map<string, string>; namespaces: Set<string> } {
  const names = new Map<string, string>();
  const namespaces = new Set<string>();
  const isWorkerThreadsRequire = (e: ts.Expression | undefined): boolean => {
    const x = e && skipOuter(e);
    return !!x && ts.isCallExpression(x) && ts.isIdentifier(x.expression) && x.expression.text === 'require' &&
      x.arguments.length === 1 && ts.isStringLiteral(x.arguments[0]) && WORKER_THREADS.has(x.arguments[0].text);
  };
  for (const stmt of file.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier) && WORKER_THREADS.has(stmt.moduleSpecifier.text)) {
      const clause = stmt.importClause;
      if (clause?.name) namespaces.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) names.set(el.name.text, (el.propertyName ?? el.name).text);
      }
    } else if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        // `const { isMainThread } = threads`, where `threads` is the module required above, binds the same names.
        const init = d.initializer && skipOuter(d.initializer);
        const aliased = !!init && ts.isIdentifier(init) && namespaces.has(init.text);
        if (!aliased && !isWorkerThreadsRequire(d.initializer)) continue;
        if (ts.isIdentifier(d.name)) namespaces.add(d.name.text);
        else if (ts.isObjectBindingPattern(d.name)) {
          for (const el of d.name.elements) {
            const imported = el.propertyName ?? el.name;
            if (ts.isIdentifier(el.name) && ts.isIdentifier(imported)) names.set(el.name.text, imported.text);
          }
        }
      }
    }
  }
  return { names, namespaces };
}

/**
 * The thread `node` runs on: what the nearest branch it sits in says (`if (!isMainThread)`, a
 * worker-only test such as `typeof importScripts === 'function'`, or an earlier `if (…) return` that
 * leaves every other thread out), else the module's role. A test that only rules out the browser's
 * main thread (`typeof window === 'undefined'`: Node's main thread passes it too) makes the thread
 * unknown there, or keeps the worker role of a worker module.
 */
export function threadAt(node: ts.Node, role: ModuleRole, checker: ts.TypeChecker): Thread {
  for (let n: ts.Node = node; n.parent; n = n.parent) {
    const claim = branchClaim(n, n.parent, checker) ?? exitClaim(n, n.parent, checker);
    if (claim === 'not-main') return role.module === 'worker' ? 'worker' : 'unknown';
    if (claim) return claim;
  }
  return role.selfSpawning ? 'unknown' : role.module;
}

/** What a condition, having `value`, says of the thread; `not-main` when it only rules the main thread out. */
type Claim = Thread | 'not-main';

/** Web globals that exist only in a worker's scope, and ones that exist only on the page's thread. */
const WORKER_ONLY_GLOBALS = new Set(['importScripts', 'WorkerGlobalScope', 'DedicatedWorkerGlobalScope']);
const PAGE_ONLY_GLOBALS = new Set(['window', 'document']);
/** How far a flag is followed to the test it was set from (`const isWorker = typeof importScripts === 'function'`). */
const MAX_FLAG_DEPTH = 3;

/** The claim of the branch of `parent` that `child` is: an `if` or `?:` branch, the right of `&&` / `||`. */
function branchClaim(child: ts.Node, parent: ts.Node, checker: ts.TypeChecker): Claim | undefined {
  if (ts.isIfStatement(parent) && parent.expression !== child) return testClaim(parent.expression, parent.thenStatement === child, checker, 0);
  if (ts.isConditionalExpression(parent) && parent.condition !== child) return testClaim(parent.condition, parent.whenTrue === child, checker, 0);
  if (ts.isBinaryExpression(parent) && parent.right === child) {
    const op = parent.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return testClaim(parent.left, true, checker, 0);
    if (op === ts.SyntaxKind.BarBarToken) return testClaim(parent.left, false, checker, 0);
  }
  return undefined;
}

/** The claim of an earlier `if (test) return;` (or `throw`) in the same block: the code after it runs only when `test` is false. */
function exitClaim(child: ts.Node, parent: ts.Node, checker: ts.TypeChecker): Claim | undefined {
  if (!ts.isBlock(parent) && !ts.isSourceFile(parent)) return undefined;
  const statements = parent.statements;
  for (let i = statements.indexOf(child as ts.Statement) - 1; i >= 0; i--) {
    const s = statements[i];
    if (!ts.isIfStatement(s) || s.elseStatement || !alwaysLeaves(s.thenStatement)) continue;
    const claim = testClaim(s.expression, false, checker, 0);
    if (claim) return claim;
  }
  return undefined;
}

function alwaysLeaves(stmt: ts.Statement): boolean {
  if (ts.isReturnStatement(stmt) || ts.isThrowStatement(stmt)) return true;
  return ts.isBlock(stmt) && stmt.statements.length > 0 && alwaysLeaves(stmt.statements[stmt.statements.length - 1]);
}

function testClaim(test: ts.Expression, value: boolean, checker: ts.TypeChecker, depth: number): Claim | undefined {
  for (const { atom, value: atomValue } of impliedAtoms(test, value)) {
    const claim = atomClaim(atom, atomValue, checker, depth);
    if (claim) return claim;
  }
  return undefined;
}

/**
 * `isMainThread` of `worker_threads`: the main thread or a worker. A worker-only global defined (or
 * `self instanceof WorkerGlobalScope`): a worker. A page-only global undefined or falsy: not the
 * page's thread. A `const` flag: what its initializer says.
 */
function atomClaim(atom: ts.Expression, value: boolean, checker: ts.TypeChecker, depth: number): Claim | undefined {
  const e = skipOuter(atom);
  if (ts.isIdentifier(e) || (ts.isPropertyAccessExpression(e) && e.name.text === 'isMainThread')) {
    const flag = flagOf(e, checker);
    if (flag === 'isMainThread') return value ? 'main' : 'worker';
    if (flag && depth < MAX_FLAG_DEPTH) return testClaim(flag, value, checker, depth + 1);
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

/** `isMainThread` for `worker_threads`' export, the initializer of a `const`, else undefined. */
function flagOf(e: ts.Identifier | ts.PropertyAccessExpression, checker: ts.TypeChecker): 'isMainThread' | ts.Expression | undefined {
  if (ts.isPropertyAccessExpression(e)) return 'isMainThread';
  const sym = checker.getSymbolAtLocation(e);
  const decl = sym?.declarations?.[0];
  if (!decl) return undefined;
  if (ts.isImportSpecifier(decl) || ts.isBindingElement(decl)) {
    const imported = decl.propertyName ?? decl.name;
    return ts.isIdentifier(imported) && imported.text === 'isMainThread' ? 'isMainThread' : undefined;
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

/** `callee(…)` with `count` arguments. */
function isCalledWith(callee: ts.Node, count: number): boolean {
  return ts.isCallExpression(callee.parent) && callee.parent.expression === callee && callee.parent.arguments.length === count;
}

/** Whether the file binds `name` itself anywhere (a function, a variable, a parameter, an import). */
function declaresName(file: ts.SourceFile, name: string): boolean {
  if (!file.text.includes(name)) return false;
  const visit = (n: ts.Node): boolean => {
    if (ts.isIdentifier(n) && n.text === name) {
      const p = n.parent;
      return (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isBindingElement(p) ||
        ts.isImportSpecifier(p) || ts.isImportClause(p)) && (p as ts.NamedDeclaration).name === n;
    }
    return ts.forEachChild(n, visit) ?? false;
  };
  return visit(file);
}

/** Where a name is bound rather than read: the import or destructuring that introduces it. */
function isBindingSite(id: ts.Identifier): boolean {
  const p = id.parent;
  return ts.isImportSpecifier(p) || ts.isBindingElement(p) || (ts.isVariableDeclaration(p) && p.name === id) ||
    (ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isPropertyAssignment(p) && p.name === id);
}

/**
 * On which thread code runs, as far as this file's own code tells (RULES.md, "Thread of a module"):
 * a module that reads `parentPort` / `workerData` or the worker global scope is worker code; one that
 * spawns workers is main code; a self-spawning module that branches on `isMainThread` has one role per
 * branch; a module some other file spawns (the thread graph says so) is worker code; anything else is
 * unknown.
 */
import { ts } from './ts';
import { skipOuter } from './syntax';

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
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && !isBindingSite(n)) {
      const imported = names.get(n.text);
      if (imported && WORKER_SIDE_EXPORTS.has(imported)) readsWorkerSide = true;
      if (imported === 'isMainThread') branchesOnMain = true;
      if (n.text === 'importScripts' && ts.isCallExpression(n.parent) && n.parent.expression === n) readsWorkerSide = true;
    } else if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression)) {
      const ns = n.expression.text;
      if (namespaces.has(ns)) {
        if (WORKER_SIDE_EXPORTS.has(n.name.text)) readsWorkerSide = true;
        if (n.name.text === 'isMainThread') branchesOnMain = true;
      } else if (ns === 'self' && WORKER_SCOPE_MEMBERS.has(n.name.text)) {
        // `self.postMessage(x)` with one argument is the worker's; the window's needs a target origin.
        const call = n.parent;
        if (n.name.text !== 'postMessage' || (ts.isCallExpression(call) && call.arguments.length === 1)) readsWorkerSide = true;
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
 * `const { parentPort } = require('node:worker_threads')`) and names of the module namespace itself.
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
        if (!isWorkerThreadsRequire(d.initializer)) continue;
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

/** The thread `node` runs on: the role of the `isMainThread` branch it sits in, else the module's. */
export function threadAt(node: ts.Node, role: ModuleRole): Thread {
  if (role.selfSpawning) {
    for (let n: ts.Node = node; n.parent; n = n.parent) {
      const p = n.parent;
      if (ts.isIfStatement(p) && p.expression !== n) {
        const branch = mainThreadTest(p.expression);
        if (branch !== undefined) return (p.thenStatement === n) === branch ? 'main' : 'worker';
      } else if (ts.isConditionalExpression(p) && p.condition !== n) {
        const branch = mainThreadTest(p.condition);
        if (branch !== undefined) return (p.whenTrue === n) === branch ? 'main' : 'worker';
      }
    }
    return 'unknown';
  }
  return role.module;
}

/** `isMainThread` → true, `!isMainThread` → false, anything else → undefined. */
function mainThreadTest(cond: ts.Expression): boolean | undefined {
  const e = skipOuter(cond);
  if (ts.isIdentifier(e) && e.text === 'isMainThread') return true;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = mainThreadTest(e.operand);
    return inner === undefined ? undefined : !inner;
  }
  return undefined;
}

/** Where a name is bound rather than read: the import or destructuring that introduces it. */
function isBindingSite(id: ts.Identifier): boolean {
  const p = id.parent;
  return ts.isImportSpecifier(p) || ts.isBindingElement(p) || (ts.isVariableDeclaration(p) && p.name === id) ||
    (ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isPropertyAssignment(p) && p.name === id);
}

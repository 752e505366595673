/**
 * On which thread code runs, as far as this file's own code tells (RULES.md, "Thread of a module"):
 * a module that reads `parentPort` / `workerData` or the worker global scope is worker code; one that
 * spawns workers is main code; a module that spawns itself or branches on `isMainThread` runs on both
 * sides, each branch (on `isMainThread`, `parentPort`, `workerData`) with its own role, and a function
 * of the file called only from one side runs on that side; a module some other file spawns (the
 * thread graph says so) is worker code; anything else is unknown.
 */
import { ts } from '../ts';
import { isFunctionBoundary, skipOuter } from '../syntax/syntax';
import type { References } from '../syntax/references';
import { type ClaimContext, branchClaim, exitClaim } from './thread-claims';

export type Thread = 'main' | 'worker' | 'unknown';

export interface ModuleRole {
  /** The role of the module's code outside branches that tell the thread. */
  readonly module: Thread;
  /** Whether the module runs on both sides: it spawns itself or branches on `isMainThread` (so branches carry their own role). */
  readonly selfSpawning: boolean;
  /** Whether the module spawns itself, each time with `workerData`: then no `workerData` means the main thread. */
  readonly selfSpawnsSendData: boolean;
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
  let selfSpawns = 0;
  let selfSpawnsWithData = 0;
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
      const spec = n.arguments?.[0];
      if (name === 'Worker' && spec && namesItself(spec, file)) {
        selfSpawns++;
        if (hasWorkerDataOption(n)) selfSpawnsWithData++;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  // A worker that spawns workers of its own is still a worker: blocking there is legitimate.
  const selfSpawning = branchesOnMain || selfSpawns > 0;
  const isWorker = (readsWorkerSide || spawned) && !selfSpawning;
  const module: Thread = isWorker ? 'worker' : spawns && !selfSpawning ? 'main' : 'unknown';
  return { module, selfSpawning, selfSpawnsSendData: selfSpawns > 0 && selfSpawnsWithData === selfSpawns };
}

/** How far a name is followed to the path it holds (`const self = fileURLToPath(import.meta.url)`). */
const MAX_FOLLOW_DEPTH = 3;

/**
 * Whether a worker's module path names the file it is written in: `__filename`, `import.meta.filename`,
 * `new URL(import.meta.url)`, `fileURLToPath(import.meta.url)`, or a top-level `const` holding one
 * (the ESM idiom `const __filename = fileURLToPath(import.meta.url)`).
 */
export function namesItself(spec: ts.Expression, file: ts.SourceFile, depth = 0): boolean {
  const e = skipOuter(spec);
  if (ts.isIdentifier(e)) {
    const init = topLevelConstInitializer(file, e.text);
    if (init) return depth < MAX_FOLLOW_DEPTH && namesItself(init, file, depth + 1);
    return e.text === '__filename';
  }
  if (isImportMeta(e, 'filename') || isImportMeta(e, 'url')) return true;
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'URL' && e.arguments?.length === 1) {
    return isImportMeta(e.arguments[0], 'url');
  }
  if (ts.isCallExpression(e) && e.arguments.length === 1) {
    const callee = skipOuter(e.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    return name === 'fileURLToPath' && namesItself(e.arguments[0], file, depth + 1);
  }
  return false;
}

function isImportMeta(e: ts.Expression, property: string): boolean {
  const x = skipOuter(e);
  return ts.isPropertyAccessExpression(x) && x.name.text === property && ts.isMetaProperty(x.expression) &&
    x.expression.keywordToken === ts.SyntaxKind.ImportKeyword;
}

function topLevelConstInitializer(file: ts.SourceFile, name: string): ts.Expression | undefined {
  for (const stmt of file.statements) {
    if (!ts.isVariableStatement(stmt) || !(stmt.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of stmt.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name) return d.initializer;
  }
  return undefined;
}

function hasWorkerDataOption(spawn: ts.NewExpression): boolean {
  const options = spawn.arguments?.[1] && skipOuter(spawn.arguments[1]);
  return !!options && ts.isObjectLiteralExpression(options) && options.properties.some(p =>
    (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && ts.isIdentifier(p.name) && p.name.text === 'workerData');
}

/**
 * Local names bound to `worker_threads` exports (`import { workerData as wd }`,
 * `const { parentPort } = require('node:worker_threads')`, or destructured from the module required
 * before) and names of the module namespace itself.
 */
export function workerThreadsBindings(file: ts.SourceFile): WorkerThreadsBindings {
  let found = bindingsOf.get(file);
  if (!found) bindingsOf.set(file, found = readWorkerThreadsBindings(file));
  return found;
}

interface WorkerThreadsBindings {
  readonly names: ReadonlyMap<string, string>;
  readonly namespaces: ReadonlySet<string>;
}

const bindingsOf = new WeakMap<ts.SourceFile, WorkerThreadsBindings>();

function readWorkerThreadsBindings(file: ts.SourceFile): WorkerThreadsBindings {
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
 * The thread `node` runs on: what the nearest branch it sits in says (`if (!isMainThread)`,
 * `if (parentPort)`, a worker-only test such as `typeof importScripts === 'function'`, or an earlier
 * `if (…) return` that leaves every other thread out); for code of a function of this file that
 * says nothing, the thread of every place that calls it, when they agree (`isMainThread ? main() :
 * work()`); else the module's role. A test that only rules out the browser's main thread (`typeof
 * window === 'undefined'`: Node's main thread passes it too) makes the thread unknown there, or keeps
 * the worker role of a worker module. Without `refs`, functions are not followed to their callers.
 */
export function threadAt(node: ts.Node, role: ModuleRole, checker: ts.TypeChecker, refs?: References): Thread {
  return threadOf(node, { role, checker, refs }, 0);
}

interface Judge extends ClaimContext {
  refs?: References;
}

/** How many calls deep a function is followed to its callers. */
const MAX_CALLER_DEPTH = 3;
/** Calls that run a function they are given on the calling thread: listeners, timers. */
const SAME_THREAD_CALLBACK_TAKERS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener',
  'addEventListener', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);

function threadOf(node: ts.Node, judge: Judge, depth: number): Thread {
  for (let n: ts.Node = node; n.parent; n = n.parent) {
    const claim = branchClaim(n, n.parent, judge) ?? exitClaim(n, n.parent, judge);
    if (claim === 'not-main') return judge.role.module === 'worker' ? 'worker' : 'unknown';
    if (claim) return claim;
    if (isFunctionBoundary(n)) {
      const called = callerThread(n, judge, depth);
      if (called) return called;
    }
  }
  return judge.role.selfSpawning ? 'unknown' : judge.role.module;
}

/** Per function, the thread its callers agree on (null: they do not, or it escapes), for the role it was computed with. */
const callerThreads = new WeakMap<ts.Node, { role: ModuleRole; thread: Thread | null }>();

/**
 * The thread every use of a function of this module runs on: a call, or a listener or timer it is
 * registered with. An exported function, or one used any other way, may run anywhere.
 */
function callerThread(fn: ts.FunctionLikeDeclaration, judge: Judge, depth: number): Thread | undefined {
  if (!judge.refs || depth >= MAX_CALLER_DEPTH) return undefined;
  const cached = callerThreads.get(fn);
  if (cached?.role === judge.role) return cached.thread ?? undefined;
  callerThreads.set(fn, { role: judge.role, thread: null }); // a recursive call says nothing new
  const name = functionName(fn);
  const sym = name && !isExported(fn) ? judge.refs.symbolAt(name) : undefined;
  const uses = sym ? judge.refs.of(sym).filter(ref => ref !== name) : [];
  let thread: Thread | null = null;
  if (uses.length > 0 && uses.every(isRunHere)) {
    const threads = new Set(uses.map(use => threadOf(use, judge, depth + 1)));
    const [only] = threads;
    if (threads.size === 1 && only !== 'unknown') thread = only;
  }
  callerThreads.set(fn, { role: judge.role, thread });
  return thread ?? undefined;
}

/** The name a function is called by: its own, or that of the `const` it initialises. */
function functionName(fn: ts.FunctionLikeDeclaration): ts.Identifier | undefined {
  if (ts.isFunctionDeclaration(fn)) return fn.name;
  const holder = fn.parent;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(holder) && holder.initializer === fn &&
      ts.isIdentifier(holder.name) && (ts.getCombinedNodeFlags(holder) & ts.NodeFlags.Const)) {
    return holder.name;
  }
  return undefined;
}

function isExported(fn: ts.FunctionLikeDeclaration): boolean {
  const decl: ts.Node = ts.isFunctionDeclaration(fn) ? fn : fn.parent.parent.parent; // the variable statement
  return ts.canHaveModifiers(decl) && (ts.getModifiers(decl) ?? []).some(m => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** `f(…)`, or `f` handed to a listener or a timer of the same thread. */
function isRunHere(ref: ts.Identifier): boolean {
  const p = ref.parent;
  if (!ts.isCallExpression(p)) return false;
  if (p.expression === ref) return true;
  const callee = skipOuter(p.expression);
  const taker = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return p.arguments.includes(ref) && SAME_THREAD_CALLBACK_TAKERS.has(taker);
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

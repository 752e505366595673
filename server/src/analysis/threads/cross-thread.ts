/**
 * Cross-thread provenance: what a worker module receives carries the facts of what its spawners
 * sent. A value read from `workerData` (or from a message the spawner posts) is followed back along
 * its property path (`workerData.counts`, `const { counts } = workerData`, `msg.state`) to the
 * expression the spawner put there, and that expression's provenance is computed in the spawner's
 * file: memory a `new SharedArrayBuffer` in main.ts made stays shared in worker.ts, with that
 * allocation as its root, even where worker.ts only says `Int32Array` or `any`.
 */
import { ts } from '../ts';
import type { Provenance } from '../memory/provenance';
import { ProvenanceAnalysis } from '../memory/provenance';
import { References } from '../syntax/references';
import { outerParent, skipOuter } from '../syntax/syntax';
import { builtinName } from '../syntax/types';
import type { SpawnRef, ThreadGraph } from './thread-graph';
import type { LockOrderGraph } from '../locks/lock-order';

/** A file of the workspace as the compiler sees it. */
export interface Peer {
  sourceFile: ts.SourceFile;
  program: ts.Program;
}

/** What an analysis may know beyond its own file: the thread graph, and the other files. */
export interface CrossFileContext {
  graph: ThreadGraph;
  peer(file: string): Peer | undefined;
  /** The workspace's lock-order graph, fed with every file before its rules run (none: no inversions reported). */
  lockOrder?: LockOrderGraph;
}

/**
 * How a value arrives from another thread: from the spawner (`workerData`, its messages, a pool
 * task's argument from `pool.run(x)`), or back from a spawned worker (`reply`: what the worker
 * module posts through `parentPort` / `self`, received by a listener on the spawner's worker).
 */
type Channel = 'workerData' | 'message' | 'message-event' | 'task' | 'reply';

interface CrossPath {
  channel: Channel;
  /** Property names from the channel's value down to the expression's. */
  path: string[];
  /** For `reply`: the module whose posts arrive. */
  from?: string;
}

const WORKER_THREADS = new Set(['worker_threads', 'node:worker_threads']);
const LISTENERS = new Set(['on', 'once', 'addListener', 'prependListener']);
const MAX_PATH_STEPS = 16;

/** The hook `ProvenanceAnalysis` asks before falling back to what a type says. */
export interface ExternalValues {
  valueOf(e: ts.Expression): Provenance | undefined;
}

export class CrossThreadValues implements ExternalValues {
  private readonly peers = new Map<string, { peer: Peer; refs: References; provenance: ProvenanceAnalysis } | null>();
  private readonly paths = new Map<ts.Node, CrossPath | null>();

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly spawners: readonly SpawnRef[],
    private readonly context: CrossFileContext,
  ) {}

  valueOf(e: ts.Expression): Provenance | undefined {
    const cross = this.crossPath(e, 0);
    if (!cross) return undefined;
    const sent: Provenance[] = [];
    const views = new Set<string>();
    const follow = (side: { peer: Peer; refs: References; provenance: ProvenanceAnalysis }, payload: ts.Expression): void => {
      const at = propertyAt(payload, cross.channel === 'message-event' ? cross.path.slice(1) : cross.path, side.refs);
      if (!at) return;
      sent.push(side.provenance.of(at));
      const view = builtinName(side.peer.program.getTypeChecker().getTypeAtLocation(at));
      if (view) views.add(view);
    };
    if (cross.channel === 'reply') {
      const side = cross.from === undefined ? undefined : this.peerOf(cross.from);
      if (side) for (const payload of workerPosts(side.peer.sourceFile)) follow(side, payload);
    } else {
      for (const site of this.spawners) {
        const side = this.peerOf(site.file);
        const spawn = side && spawnAt(side.peer.sourceFile, site);
        if (side && spawn) for (const payload of this.payloads(spawn, cross.channel, side.refs)) follow(side, payload);
      }
    }
    const shared = sent.filter(p => p.state === 'shared');
    // One view kind from every spawner: the receiving code can be judged as that view.
    const view = views.size === 1 ? [...views][0] : undefined;
    // The place it arrives is a root too: memory another thread made and sent is never this thread's fresh buffer
    // (in a module that spawns itself, the allocation is in this very file, on its other side).
    if (shared.length > 0) return { state: 'shared', roots: new Set([...shared.flatMap(p => [...p.roots]), e]), ...(view ? { view } : {}) };
    return sent.length > 0 && sent.every(p => p.state === 'unshared') ? { state: 'unshared', roots: new Set() } : undefined;
  }

  /** The expressions the spawner sends along `channel`: the `workerData` option, what it posts, its tasks. */
  private payloads(spawn: ts.Expression, channel: Channel, refs: References): ts.Expression[] {
    if (channel === 'workerData') {
      const args = ts.isNewExpression(spawn) ? spawn.arguments : undefined;
      const options = args?.[1] && skipOuter(args[1]);
      const value = options && ts.isObjectLiteralExpression(options) ? propertyOfLiteral(options, 'workerData') : undefined;
      return value ? [value] : [];
    }
    const holder = outerParent(spawn);
    if (!ts.isVariableDeclaration(holder) || !ts.isIdentifier(holder.name)) return [];
    const sym = refs.symbolAt(holder.name);
    if (!sym) return [];
    const method = channel === 'task' ? 'run' : 'postMessage';
    return refs.of(sym).flatMap(ref => {
      const access = ref.parent;
      const call = access.parent;
      return ts.isPropertyAccessExpression(access) && access.expression === ref && access.name.text === method &&
        ts.isCallExpression(call) && call.expression === access && call.arguments[0] ? [call.arguments[0]] : [];
    });
  }

  private peerOf(file: string): { peer: Peer; refs: References; provenance: ProvenanceAnalysis } | undefined {
    if (!this.peers.has(file)) {
      const peer = this.context.peer(file);
      if (!peer) {
        this.peers.set(file, null);
      } else {
        const checker = peer.program.getTypeChecker();
        const refs = new References(peer.sourceFile, checker);
        // The spawner's own values are its own: no cross-thread hook there (a spawner that is itself
        // a worker would need its spawners' facts in turn; one hop is what the rules need).
        this.peers.set(file, { peer, refs, provenance: new ProvenanceAnalysis(checker, refs) });
      }
    }
    return this.peers.get(file) ?? undefined;
  }

  /** Where `e` comes from, when it is (a part of) what the spawning thread sent. */
  private crossPath(e: ts.Expression, steps: number): CrossPath | undefined {
    if (steps > MAX_PATH_STEPS) return undefined;
    const x = skipOuter(e);
    if (ts.isPropertyAccessExpression(x)) {
      if (x.name.text === 'workerData' && this.isWorkerThreadsNamespace(x.expression)) return { channel: 'workerData', path: [] };
      return extend(this.crossPath(x.expression, steps + 1), x.name.text);
    }
    if (ts.isElementAccessExpression(x) && ts.isStringLiteralLike(x.argumentExpression)) {
      return extend(this.crossPath(x.expression, steps + 1), x.argumentExpression.text);
    }
    if (!ts.isIdentifier(x)) return undefined;
    const sym = this.checker.getSymbolAtLocation(x);
    if (!sym) return undefined;
    if (isWorkerThreadsImport(sym, 'workerData')) return { channel: 'workerData', path: [] };
    const decl = sym.valueDeclaration;
    if (!decl) return undefined;
    let cached = this.paths.get(decl);
    if (cached === undefined) {
      this.paths.set(decl, null); // a declaration reached again while computing itself leads nowhere
      cached = this.declarationPath(decl, steps + 1) ?? null;
      this.paths.set(decl, cached);
    }
    return cached ?? undefined;
  }

  private declarationPath(decl: ts.Declaration, steps: number): CrossPath | undefined {
    if (ts.isVariableDeclaration(decl)) {
      // `let` variables may be given other values later: only a `const` is what it was first given.
      if (!decl.initializer || !(ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const)) return undefined;
      return this.crossPath(decl.initializer, steps);
    }
    if (ts.isBindingElement(decl)) return this.bindingPath(decl, steps);
    if (ts.isParameter(decl)) return this.parameterPath(decl);
    return undefined;
  }

  /** A message listener's parameter: from the spawner (worker side), or a reply (spawner side). */
  private parameterPath(param: ts.ParameterDeclaration): CrossPath | undefined {
    return messageParameter(param, this.checker) ?? this.replyParameter(param);
  }

  /** `worker.on('message', (msg) => …)` on a worker this file spawns: `msg` is what that module posts. */
  private replyParameter(param: ts.ParameterDeclaration): CrossPath | undefined {
    const fn = param.parent;
    if (fn.parameters[0] !== param || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return undefined;
    const call = outerParent(fn);
    if (!ts.isCallExpression(call) || call.arguments[1] !== fn || !isMessageEvent(call.arguments[0])) return undefined;
    const callee = skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !LISTENERS.has(callee.name.text)) return undefined;
    const receiver = skipOuter(callee.expression);
    const decl = ts.isIdentifier(receiver) ? this.checker.getSymbolAtLocation(receiver)?.valueDeclaration : undefined;
    const init = decl && ts.isVariableDeclaration(decl) && decl.initializer ? skipOuter(decl.initializer) : undefined;
    if (!init || !ts.isNewExpression(init)) return undefined;
    const file = init.getSourceFile().fileName;
    const start = init.getStart();
    const site = this.context.graph.sitesIn(file).find(s => s.start === start && s.end === init.end);
    return site ? { channel: 'reply', path: [], from: site.target } : undefined;
  }

  /** `const { a: { b } } = x`: the path of `x`, then `a`, then `b`. */
  private bindingPath(el: ts.BindingElement, steps: number): CrossPath | undefined {
    const pattern = el.parent;
    let key: string | undefined;
    if (ts.isObjectBindingPattern(pattern)) {
      if (el.dotDotDotToken) key = undefined; // `...rest` keeps the same object: no step
      else {
        const name = el.propertyName ?? el.name;
        if (!ts.isIdentifier(name) && !ts.isStringLiteralLike(name)) return undefined;
        key = name.text;
      }
    } else {
      key = String(pattern.elements.indexOf(el));
    }
    const holder = pattern.parent;
    let base: CrossPath | undefined;
    if (ts.isVariableDeclaration(holder)) base = this.declarationPath(holder, steps + 1);
    else if (ts.isBindingElement(holder)) base = this.bindingPath(holder, steps + 1);
    else if (ts.isParameter(holder)) base = this.parameterPath(holder);
    return key === undefined ? base : extend(base, key);
  }

  private isWorkerThreadsNamespace(e: ts.Expression): boolean {
    const x = skipOuter(e);
    if (!ts.isIdentifier(x)) return false;
    const sym = this.checker.getSymbolAtLocation(x);
    const decl = sym?.declarations?.[0];
    if (decl && (ts.isNamespaceImport(decl) || ts.isImportClause(decl))) {
      const spec = (ts.isNamespaceImport(decl) ? decl.parent.parent : decl.parent).moduleSpecifier;
      return ts.isStringLiteral(spec) && WORKER_THREADS.has(spec.text);
    }
    // const wt = require('node:worker_threads')
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) {
      const init = skipOuter(decl.initializer);
      return ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require' &&
        init.arguments.length === 1 && ts.isStringLiteral(init.arguments[0]) && WORKER_THREADS.has(init.arguments[0].text);
    }
    return false;
  }
}

function extend(base: CrossPath | undefined, key: string): CrossPath | undefined {
  return base && { ...base, path: [...base.path, key] };
}

/** What a worker module posts to its spawner: `parentPort.postMessage(x)`, `self.postMessage(x)`, `postMessage(x)`. */
function workerPosts(file: ts.SourceFile): ts.Expression[] {
  const out: ts.Expression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.arguments[0]) {
      const callee = skipOuter(n.expression);
      const isPost = ts.isPropertyAccessExpression(callee)
        ? callee.name.text === 'postMessage' && ts.isIdentifier(skipOuter(callee.expression)) &&
          ['parentPort', 'self'].includes((skipOuter(callee.expression) as ts.Identifier).text)
        : ts.isIdentifier(callee) && callee.text === 'postMessage';
      if (isPost) out.push(n.arguments[0]);
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return out;
}

/** `import { workerData } from 'node:worker_threads'` (under any local name), or its `require` twin. */
function isWorkerThreadsImport(sym: ts.Symbol, exported: string): boolean {
  const decl = sym.declarations?.[0];
  if (!decl) return false;
  if (ts.isImportSpecifier(decl)) {
    const spec = decl.parent.parent.parent.moduleSpecifier;
    return ts.isStringLiteral(spec) && WORKER_THREADS.has(spec.text) && (decl.propertyName ?? decl.name).text === exported;
  }
  if (ts.isBindingElement(decl) && ts.isObjectBindingPattern(decl.parent) && ts.isVariableDeclaration(decl.parent.parent)) {
    const init = decl.parent.parent.initializer && skipOuter(decl.parent.parent.initializer);
    const isRequire = !!init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require' &&
      init.arguments.length === 1 && ts.isStringLiteral(init.arguments[0]) && WORKER_THREADS.has(init.arguments[0].text);
    const name = decl.propertyName ?? decl.name;
    return isRequire && ts.isIdentifier(name) && name.text === exported;
  }
  return false;
}

/**
 * The first parameter of a message listener on the worker side: `parentPort.on('message', (msg) => …)`
 * receives the payload itself; `self.onmessage = (event) => …` and `addEventListener('message', …)`
 * receive an event whose `data` is the payload.
 */
function messageParameter(param: ts.ParameterDeclaration, checker: ts.TypeChecker): CrossPath | undefined {
  const fn = param.parent;
  if (fn.parameters[0] !== param) return undefined;
  if (isPoolTask(fn)) return { channel: 'task', path: [] };
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return undefined;
  const p = outerParent(fn);
  if (ts.isCallExpression(p) && p.arguments[1] === fn && isMessageEvent(p.arguments[0])) {
    const callee = skipOuter(p.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const receiver = skipOuter(callee.expression);
    if (LISTENERS.has(callee.name.text) && isParentPort(receiver, checker)) return { channel: 'message', path: [] };
    if (callee.name.text === 'addEventListener' && isSelf(receiver)) return { channel: 'message-event', path: [] };
    return undefined;
  }
  // self.onmessage = (event) => …
  if (ts.isBinaryExpression(p) && p.right === fn && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const target = skipOuter(p.left);
    if (ts.isIdentifier(target) && target.text === 'onmessage') return { channel: 'message-event', path: [] };
    if (ts.isPropertyAccessExpression(target) && target.name.text === 'onmessage' && isSelf(skipOuter(target.expression))) {
      return { channel: 'message-event', path: [] };
    }
  }
  return undefined;
}

/**
 * A pool's task function: what the module exports as default (`export default function (task)`,
 * `export default (task) => …`, `module.exports = (task) => …`); Piscina and Tinypool call it with
 * the argument of `pool.run(x)`.
 */
function isPoolTask(fn: ts.SignatureDeclaration): boolean {
  if (ts.isFunctionDeclaration(fn)) {
    const flags = ts.getCombinedModifierFlags(fn);
    return (flags & ts.ModifierFlags.Export) !== 0 && (flags & ts.ModifierFlags.Default) !== 0;
  }
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return false;
  const p = outerParent(fn);
  if (ts.isExportAssignment(p)) return true; // `export default …` and `export = …`
  if (ts.isBinaryExpression(p) && p.right === fn && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const target = skipOuter(p.left);
    return ts.isPropertyAccessExpression(target) && target.name.text === 'exports' && ts.isIdentifier(target.expression) &&
      target.expression.text === 'module';
  }
  return false;
}

function isMessageEvent(e: ts.Expression | undefined): boolean {
  const x = e && skipOuter(e);
  return !!x && ts.isStringLiteralLike(x) && x.text === 'message';
}

function isParentPort(e: ts.Expression, checker: ts.TypeChecker): boolean {
  const x = skipOuter(e);
  if (ts.isPropertyAccessExpression(x)) return x.name.text === 'parentPort';
  if (!ts.isIdentifier(x)) return false;
  const sym = checker.getSymbolAtLocation(x);
  return !!sym && isWorkerThreadsImport(sym, 'parentPort');
}

function isSelf(e: ts.Expression): boolean {
  return (ts.isIdentifier(e) && (e.text === 'self' || e.text === 'globalThis'));
}

/** The spawn expression a spawn reference points at, in the spawner's current text. */
function spawnAt(file: ts.SourceFile, site: SpawnRef): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const visit = (n: ts.Node): void => {
    if (found || n.end < site.start || n.pos > site.end) return;
    if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && n.getStart(file) === site.start && n.end === site.end) found = n;
    else ts.forEachChild(n, visit);
  };
  visit(file);
  return found;
}

function propertyOfLiteral(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
  }
  return undefined;
}

/** The expression at `path` inside `e`: object literals, and `const` variables holding them. */
function propertyAt(e: ts.Expression, path: readonly string[], refs: References, steps = 0): ts.Expression | undefined {
  if (path.length === 0) return e;
  if (steps > MAX_PATH_STEPS) return undefined;
  const x = skipOuter(e);
  if (ts.isObjectLiteralExpression(x)) {
    const direct = propertyOfLiteral(x, path[0]);
    if (direct) return propertyAt(direct, path.slice(1), refs, steps + 1);
    // `{ ...buffers }`: the key may come from a spread object
    for (const p of x.properties) {
      if (!ts.isSpreadAssignment(p)) continue;
      const inner = propertyAt(p.expression, path, refs, steps + 1);
      if (inner) return inner;
    }
    return undefined;
  }
  if (ts.isIdentifier(x)) {
    const decl = refs.symbolAt(x)?.valueDeclaration;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && (ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const)) {
      return propertyAt(decl.initializer, path, refs, steps + 1);
    }
  }
  // A property of something we cannot open (a function's result, a parameter): its own provenance
  // decides, through the property access the spawner could have written.
  return undefined;
}

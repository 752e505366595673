/**
 * The thread facts behind a point of the code, for an editor to show (hover, lens): how a shared
 * buffer is touched and by which thread, what a spawn site starts and whether it is joined, who
 * spawns a worker module and what it sends. Structured data only: wording belongs to the adapter.
 */
import { ts } from '../analysis/ts';
import type { Span } from '../core/finding';
import type { FileFacts } from '../analysis/file-facts';
import type { JoinStatus } from '../analysis/threads/joins';
import { OriginKind, originKind, sharesRoot } from '../analysis/memory/provenance';
import { SpawnSite, spawnSites } from '../analysis/threads/spawns';
import type { ModuleFiles } from '../analysis/threads/module-files';
import { outerParent, skipOuter } from '../analysis/syntax/syntax';
import type { SpawnRef } from '../analysis/threads/thread-graph';
import type { Thread } from '../analysis/threads/threads';

export type Touch = 'atomic' | 'locked' | 'plain read' | 'plain write';

export interface MemoryUse {
  span: Span;
  thread: Thread;
  how: Touch;
  /** The lock held, for `locked`. */
  lock?: string;
}

export interface SharedMemoryFacts {
  kind: 'shared-memory';
  name: string;
  /** Where the buffer was allocated, or where it entered this file, and how. */
  origins: { span: Span; kind: OriginKind }[];
  uses: MemoryUse[];
  /** The module's spawners, when this file is a worker: the other side of the memory. */
  spawners: readonly SpawnRef[];
}

export interface SpawnFacts {
  kind: 'spawn';
  span: Span;
  target?: string;
  join: { kind: JoinStatus['kind']; span?: Span };
  /** Top-level property names of the `workerData` object literal, when there is one. */
  sends: string[];
}

export interface WorkerModuleFacts {
  kind: 'worker-module';
  /** What the hover is on (`workerData`, `parentPort`…). */
  name: string;
  spawners: readonly SpawnRef[];
}

export interface LockFacts {
  kind: 'lock';
  key: string;
  /** Where this file takes the lock. */
  acquired: Span[];
  /** Shared-memory accesses made with it held. */
  guarded: MemoryUse[];
}

/** A `'message'` listener: who is on the other end. */
export interface MessageHandlerFacts {
  kind: 'message-handler';
  /** `spawner`: a worker listening to whoever spawned it; `worker`: a spawner listening to its worker. */
  from: 'spawner' | 'worker';
  spawners: readonly SpawnRef[];
  target?: string;
}

export type Explanation = SharedMemoryFacts | SpawnFacts | WorkerModuleFacts | LockFacts | MessageHandlerFacts;

const WORKER_SIDE = new Set(['workerData', 'parentPort']);
const LISTENERS = new Set(['on', 'once', 'addListener', 'addEventListener']);

/** What to tell about the token at `offset`, if anything. */
export function explainAt(facts: FileFacts, offset: number, files: ModuleFiles): Explanation | undefined {
  const token = tokenAt(facts.file, offset);
  if (!token) return undefined;
  const spawn = spawnAround(token);
  if (spawn) {
    const site = spawnSites(facts.file, files).find(s => s.node === spawn);
    if (site) return spawnFacts(facts, site);
  }
  if (!ts.isIdentifier(token)) return undefined;
  const handler = messageHandlerFacts(facts, token, files);
  if (handler) return handler;
  if (WORKER_SIDE.has(token.text) && facts.role.module === 'worker') {
    return { kind: 'worker-module', name: token.text, spawners: facts.spawners };
  }
  return lockFacts(facts, token) ?? sharedMemoryFacts(facts, token);
}

/** On the lock's name (`mutex`, `this.lock`): where it is taken and what it guards here. */
function lockFacts(facts: FileFacts, id: ts.Identifier): LockFacts | undefined {
  const p = outerParent(id);
  const expr = ts.isPropertyAccessExpression(p) && p.name === id ? p : id;
  if (!facts.locks.recognition.isLock(expr)) return undefined;
  const key = facts.locks.keys.lockKeyOf(expr);
  const acquired: Span[] = [];
  const guarded: MemoryUse[] = [];
  for (const access of facts.accesses) {
    if (facts.locks.held.heldAt(access.node).has(key)) {
      guarded.push({ span: spanOf(access.node), thread: facts.threadAt(access.node), how: 'locked', lock: key });
    }
  }
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && facts.locks.calls.acquires(n, key)) acquired.push(spanOf(n));
    ts.forEachChild(n, visit);
  };
  visit(facts.file);
  return { kind: 'lock', key, acquired, guarded };
}

/** On `on` / `addEventListener` of a `'message'` listener, or on `onmessage`. */
function messageHandlerFacts(facts: FileFacts, id: ts.Identifier, files: ModuleFiles): MessageHandlerFacts | undefined {
  const access = id.parent;
  if (!ts.isPropertyAccessExpression(access) || access.name !== id) return undefined;
  const call = access.parent;
  const isListener = LISTENERS.has(id.text) && ts.isCallExpression(call) && call.expression === access &&
    call.arguments[0] !== undefined && ts.isStringLiteralLike(call.arguments[0]) && call.arguments[0].text === 'message';
  if (!isListener && id.text !== 'onmessage') return undefined;
  const receiver = skipOuter(access.expression);
  if (ts.isIdentifier(receiver) && (receiver.text === 'parentPort' || receiver.text === 'self') && facts.role.module === 'worker') {
    return { kind: 'message-handler', from: 'spawner', spawners: facts.spawners };
  }
  const sym = ts.isIdentifier(receiver) ? facts.refs.symbolAt(receiver) : undefined;
  const decl = sym?.valueDeclaration;
  const init = decl && ts.isVariableDeclaration(decl) && decl.initializer ? skipOuter(decl.initializer) : undefined;
  const site = init && ts.isNewExpression(init) ? spawnSites(facts.file, files).find(s => s.node === init) : undefined;
  return site ? { kind: 'message-handler', from: 'worker', spawners: [], target: site.target } : undefined;
}

/** Every spawn site of the file with what becomes of it (for code lenses). */
export function spawnsOf(facts: FileFacts, files: ModuleFiles): SpawnFacts[] {
  return spawnSites(facts.file, files).map(site => spawnFacts(facts, site));
}

function spawnFacts(facts: FileFacts, { node, target, sends }: SpawnSite): SpawnFacts {
  const join = facts.fateOf(node).join;
  return {
    kind: 'spawn',
    span: spanOf(node),
    target,
    join: { kind: join.kind, span: 'at' in join ? spanOf(join.at) : undefined },
    sends,
  };
}

function sharedMemoryFacts(facts: FileFacts, id: ts.Identifier): SharedMemoryFacts | undefined {
  const parent = outerParent(id);
  // The hovered name must be a value (a declaration's name or a read), not a property key.
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return undefined;
  const prov = facts.provenance.of(id);
  if (prov.state !== 'shared') return undefined;
  const sameMemory = (target: ts.Expression): boolean => sharesRoot(facts.provenance.of(target), prov);
  const uses: MemoryUse[] = [];
  for (const access of facts.accesses) {
    if (!sameMemory(access.target)) continue;
    const lock = [...facts.locks.held.heldAt(access.node)][0];
    uses.push({
      span: spanOf(access.node),
      thread: facts.threadAt(access.node),
      how: lock ? 'locked' : access.kind === 'write' ? 'plain write' : 'plain read',
      ...(lock ? { lock } : {}),
    });
  }
  for (const { call } of facts.atomicsCalls) {
    const array = call.arguments[0];
    if (array && sameMemory(array)) uses.push({ span: spanOf(call), thread: facts.threadAt(call), how: 'atomic' });
  }
  uses.sort((a, b) => a.span.start - b.span.start);
  return {
    kind: 'shared-memory',
    name: id.text,
    origins: [...prov.roots].map(r => ({ span: spanOf(r), kind: originKind(r) })),
    uses,
    spawners: facts.role.module === 'worker' ? facts.spawners : [],
  };
}

function tokenAt(file: ts.SourceFile, offset: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    if (offset < n.getStart(file) || offset > n.end) return;
    found = n;
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(file, visit);
  return found;
}

/** The `new Worker(…)` whose callee or `new` keyword the token is on. */
function spawnAround(token: ts.Node): ts.NewExpression | undefined {
  for (let n: ts.Node | undefined = token; n; n = n.parent) {
    if (ts.isNewExpression(n)) return token === n || isInsideCallee(token, n) ? n : undefined;
    if (ts.isStatement(n)) return undefined;
  }
  return undefined;
}

function isInsideCallee(token: ts.Node, spawn: ts.NewExpression): boolean {
  return token.pos >= spawn.expression.pos && token.end <= spawn.expression.end;
}

function spanOf(node: ts.Node): Span {
  return { file: node.getSourceFile().fileName, start: node.getStart(), end: node.end };
}

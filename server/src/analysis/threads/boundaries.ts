/**
 * Thread boundaries: the places where this file hands a value to another thread (RULES.md, "Crosses a
 * thread boundary"). Which API a call is, is decided by resolving what it calls, never by its name:
 * - `postMessage` on a `Worker`, a `MessagePort` (`parentPort` too) or a `BroadcastChannel`, from
 *   Node's `worker_threads` or from the web's libraries, and on a web worker's own global scope
 *   (`self.postMessage(…)`, a bare `postMessage(…)`);
 * - the `workerData` option of `worker_threads`' `new Worker`;
 * - the task of a pool: `run(task)` of piscina and tinypool, the `args` of workerpool's `exec` (its
 *   function argument is sent as source text, legally, so it is no payload).
 * A call whose receiver has no known type (`any`, or a library we do not know) is not a crossing:
 * unknown is silence.
 *
 * Each crossing names the value that is structured-cloned to the other side (its payload), the transfer
 * list it gives, and where a transfer list goes for that API, so that rules can judge what is sent and
 * fixes can add to or remove from the list. No rule logic and no wording here: the Send rules read it,
 * and so can anything that follows values from thread to thread.
 */
import { ts } from '../ts';
import { propertyName, skipOuter } from '../syntax/syntax';
import { declarationOrigin } from '../syntax/types';
import type { Thread } from './threads';

/** How the value crosses: a message, a new worker's `workerData`, or a task handed to a pool. */
export type CrossingKind = 'message' | 'worker-data' | 'pool-task';

/**
 * Who receives it: a `Worker` (posting to it, or creating it with `workerData`), a `MessagePort`, a
 * `BroadcastChannel`, the worker's own global scope (posting to whoever created the worker), a pool.
 */
export type ReceiverKind = 'worker' | 'port' | 'broadcast-channel' | 'worker-scope' | 'pool';

/** Whose API it is: Node's `worker_threads`, the web platform's, or a pool library's. */
export type ReceiverApi = 'node' | 'web' | 'piscina' | 'tinypool' | 'workerpool';

export interface Receiver {
  readonly kind: ReceiverKind;
  readonly api: ReceiverApi;
  /**
   * The receiving object as written: `worker` in `worker.postMessage(…)`, `pool` in `pool.run(…)`,
   * the `new Worker(…)` expression itself for `workerData`; undefined for a bare `postMessage(…)`.
   */
  readonly expression: ts.Expression | undefined;
}

/** Where an API takes its transfer list. */
export interface TransferSlot {
  /** The argument that carries it. */
  readonly index: number;
  /** Its property name in an options object at that argument (`transfer`, `transferList`). */
  readonly option: string;
  /** Whether the argument may also be the bare list (`port.postMessage(value, [buffer])`). */
  readonly bare: boolean;
}

export interface TransferList {
  /** The list as written: an array literal, or any expression yielding one (or yielding the options). */
  readonly expression: ts.Expression;
  /** The array literal, when the list is one. */
  readonly literal: ts.ArrayLiteralExpression | undefined;
  /** The items this call is seen to list (the array literal's elements other than spreads). */
  readonly items: readonly ts.Expression[];
  /** Whether `items` is everything listed: a literal without spreads. */
  readonly complete: boolean;
  /** What to delete to drop the list altogether: the argument, or the option property holding it. */
  readonly holder: ts.Node;
}

export interface Crossing {
  readonly kind: CrossingKind;
  /** The `postMessage(…)` / `run(…)` / `exec(…)` call, or the `new Worker(…)`. */
  readonly node: ts.CallExpression | ts.NewExpression;
  readonly receiver: Receiver;
  /** The value structured-cloned to the other thread. */
  readonly payload: ts.Expression;
  /** The transfer list given; undefined when the call gives none. */
  readonly transfer: TransferList | undefined;
  /** Where this API takes a transfer list; undefined when it takes none (`BroadcastChannel`). */
  readonly slot: TransferSlot | undefined;
}

/** The classes and interfaces whose `postMessage` crosses, by the name they are declared with. */
const POSTING_TYPES: ReadonlyMap<string, ReceiverKind> = new Map([
  ['Worker', 'worker'],
  ['MessagePort', 'port'],
  ['BroadcastChannel', 'broadcast-channel'],
  ['DedicatedWorkerGlobalScope', 'worker-scope'],
]);
const WORKER_THREADS = 'worker_threads';
/** The web worker library declares the worker scope's members as globals too (`postMessage(…)`). */
const WEB_WORKER_LIB = 'lib.webworker.d.ts';
/** Pool methods that send a task, by package: the argument holding the task and where the transfer list goes. */
const POOL_METHODS: ReadonlyMap<string, { method: string; payload: number; slot: TransferSlot }> = new Map([
  ['piscina', { method: 'run', payload: 0, slot: { index: 1, option: 'transferList', bare: false } }],
  ['tinypool', { method: 'run', payload: 0, slot: { index: 1, option: 'transferList', bare: false } }],
  ['workerpool', { method: 'exec', payload: 1, slot: { index: 2, option: 'transfer', bare: false } }],
]);
const CALLED_NAMES = new Set(['postMessage', ...[...POOL_METHODS.values()].map(p => p.method)]);
const POST_SLOT: TransferSlot = { index: 1, option: 'transfer', bare: true };
/** A `Window`'s `postMessage` takes a target origin second: only the options object carries a list. */
const WINDOW_POST_SLOT: TransferSlot = { index: 1, option: 'transfer', bare: false };
const WORKER_DATA_SLOT: TransferSlot = { index: 1, option: 'transferList', bare: false };

/**
 * Every crossing point of `file`, in document order. `threadAt` tells worker code from the rest: a
 * worker type-checked against the DOM library sees its global `postMessage` typed as a `Window`'s.
 */
export function crossingPoints(file: ts.SourceFile, program: ts.Program, threadAt: (node: ts.Node) => Thread): Crossing[] {
  const out: Crossing[] = [];
  const visit = (n: ts.Node): void => {
    const crossing = ts.isCallExpression(n) ? callCrossing(n, program, threadAt)
      : ts.isNewExpression(n) ? workerDataCrossing(n, program) : undefined;
    if (crossing) out.push(crossing);
    ts.forEachChild(n, visit);
  };
  visit(file);
  return out;
}

function callCrossing(call: ts.CallExpression, program: ts.Program, threadAt: (node: ts.Node) => Thread): Crossing | undefined {
  const callee = skipOuter(call.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  if (!name || !CALLED_NAMES.has(name)) return undefined;
  const decls = calledDeclarations(callee, program.getTypeChecker());
  const expression = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
  if (name !== 'postMessage') {
    const module = decls[0] && declarationOrigin(decls[0], program).module;
    const pool = module !== undefined ? POOL_METHODS.get(module) : undefined;
    const payload = pool?.method === name ? call.arguments[pool.payload] : undefined;
    if (!pool || !payload || !expression) return undefined;
    const receiver: Receiver = { kind: 'pool', api: module as ReceiverApi, expression };
    return { kind: 'pool-task', node: call, receiver, payload, transfer: transferListAt(call, pool.slot), slot: pool.slot };
  }
  const payload = call.arguments[0];
  const poster = payload && postingApi(decls, program, () => threadAt(call) === 'worker');
  if (!poster) return undefined;
  const { kind, api, slot } = poster;
  return { kind: 'message', node: call, receiver: { kind, api, expression }, payload, transfer: slot && transferListAt(call, slot), slot };
}

/**
 * Whose `postMessage` the declarations are (a method's overloads, or the members of a union or of
 * `Window & typeof globalThis` merged under one name), and where it takes its transfer list.
 */
function postingApi(decls: readonly ts.Declaration[], program: ts.Program, inWorker: () => boolean):
    { kind: ReceiverKind; api: ReceiverApi; slot: TransferSlot | undefined } | undefined {
  let window = false;
  for (const decl of decls) {
    const origin = declarationOrigin(decl, program);
    const owner = ownerName(decl);
    const kind = owner ? POSTING_TYPES.get(owner) : origin.lib === WEB_WORKER_LIB ? 'worker-scope' : undefined;
    const api = origin.module === WORKER_THREADS ? 'node' : origin.lib ? 'web' : undefined;
    if (kind && api) return { kind, api, slot: kind === 'broadcast-channel' ? undefined : POST_SLOT };
    window ||= origin.lib !== undefined && (owner === 'Window' || owner === undefined);
  }
  // Typed by the DOM library as the window's `postMessage`: in worker code it is the worker's own.
  return window && inWorker() ? { kind: 'worker-scope', api: 'web', slot: WINDOW_POST_SLOT } : undefined;
}

/** What a callee names, by symbol: cheaper than resolving the call, which type-checks every argument. */
function calledDeclarations(callee: ts.Expression, checker: ts.TypeChecker): readonly ts.Declaration[] {
  let sym = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
  if (sym && (sym.flags & ts.SymbolFlags.Alias)) sym = checker.getAliasedSymbol(sym);
  return sym?.declarations ?? [];
}

/** `new Worker(file, { workerData, transferList })` of `worker_threads`. */
function workerDataCrossing(spawn: ts.NewExpression, program: ts.Program): Crossing | undefined {
  const options = spawn.arguments?.[WORKER_DATA_SLOT.index];
  const literal = options && skipOuter(options);
  if (!literal || !ts.isObjectLiteralExpression(literal)) return undefined;
  const payload = propertyValue(literal, 'workerData');
  if (!payload) return undefined;
  const decls = calledDeclarations(skipOuter(spawn.expression), program.getTypeChecker());
  const isWorker = decls.some(d => ts.isClassDeclaration(d) && d.name?.text === 'Worker' && declarationOrigin(d, program).module === WORKER_THREADS);
  if (!isWorker) return undefined;
  return {
    kind: 'worker-data',
    node: spawn,
    receiver: { kind: 'worker', api: 'node', expression: spawn },
    payload,
    transfer: transferListAt(spawn, WORKER_DATA_SLOT),
    slot: WORKER_DATA_SLOT,
  };
}

/** The name of the class or interface declaring a member; undefined for a function declared on its own. */
function ownerName(decl: ts.Declaration): string | undefined {
  const owner = decl.parent;
  return (ts.isClassLike(owner) || ts.isInterfaceDeclaration(owner)) ? owner.name?.text : undefined;
}

/** The transfer list a call gives at `slot`: the bare list, or the option property of an options object. */
function transferListAt(call: ts.CallExpression | ts.NewExpression, slot: TransferSlot): TransferList | undefined {
  const arg = call.arguments?.[slot.index];
  if (!arg) return undefined;
  const e = skipOuter(arg);
  if (ts.isIdentifier(e) && e.text === 'undefined') return undefined;
  if (ts.isObjectLiteralExpression(e)) {
    const prop = e.properties.find(p => p.name !== undefined && propertyName(p.name) === slot.option);
    if (prop && ts.isPropertyAssignment(prop)) return list(prop.initializer, prop);
    if (prop && ts.isShorthandPropertyAssignment(prop)) return list(prop.name, prop);
    // Options spread from elsewhere may carry a list we cannot see.
    return e.properties.some(ts.isSpreadAssignment) ? list(arg, arg) : undefined;
  }
  return list(arg, arg);
}

function list(expression: ts.Expression, holder: ts.Node): TransferList {
  const e = skipOuter(expression);
  if (!ts.isArrayLiteralExpression(e)) return { expression, literal: undefined, items: [], complete: false, holder };
  const items = e.elements.filter(el => !ts.isSpreadElement(el) && !ts.isOmittedExpression(el));
  return { expression, literal: e, items, complete: items.length === e.elements.length, holder };
}

/** The value of property `name` of an object literal (`{ name: v }` or `{ name }`). */
function propertyValue(literal: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of literal.properties) {
    if (!p.name || propertyName(p.name) !== name) continue;
    if (ts.isPropertyAssignment(p)) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p)) return p.name;
  }
  return undefined;
}

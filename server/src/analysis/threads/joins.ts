/**
 * What becomes of a worker a file spawns (value-flow.ts follows its value): whether its end is
 * observed (joined: an `'exit'` listener, `once(w, 'exit')`, an awaited `terminate()`, or its result
 * settling a promise), it is let go on purpose (`unref()`), or it goes where we do not follow (handed
 * off: returned, stored, passed on, or given a `MessagePort`, whose channel then carries its life);
 * and whether its `'error'` event is handled. One join or handler anywhere counts; a listener whose
 * event we cannot read counts as a hand-off. A worker kept by a wrapper class local to the file is
 * judged where the class's users listen or terminate; one kept in a field of any other class, by the
 * class's own code, when nothing else reaches the field (members.ts). Keeping a worker in a field, a
 * module's variable or a Map is no hand-off: what the code that reads it there does decides. The Join
 * rules, the hover and the thread map build on this.
 */
import { ts } from '../ts';
import type { FileFacts } from '../file-facts';
import { classMemberOf, fieldAccesses, instanceClassAt, instanceField, memberAccesses } from '../memory/members';
import { enclosingFunction, isValueUnused, outerParent, skipOuter } from '../syntax/syntax';
import { builtinName } from '../syntax/types';
import { ADDERS, type Flow, type MemberUse, followValue, isAssigned } from '../memory/value-flow';

export type JoinStatus =
  | { kind: 'joined'; at: ts.Node }
  | { kind: 'detached'; at: ts.Node }
  | { kind: 'never' }
  | { kind: 'handed-off'; at: ts.Node };

export type ErrorStatus =
  | { kind: 'handled'; at: ts.Node }
  | { kind: 'handed-off'; at: ts.Node }
  | { kind: 'unhandled' };

export interface WorkerFate {
  join: JoinStatus;
  errors: ErrorStatus;
  /** Every expression that stands for the worker, the spawn first. */
  uses: readonly ts.Expression[];
  /** The variable the spawn is put in straight away (`w` of `const w = new Worker(…)`). */
  holder?: ts.Identifier;
  /** The field of `this` it is put in straight away, as code names it (`this.worker`, `this.#worker`). */
  field?: string;
  /** The collection it is put in straight away (`cache` of `cache.set(key, new Worker(…))`), and whether by a key. */
  collection?: { name: string; keyed: boolean };
}

/** Ending a worker or a pool: `worker.terminate()`, `pool.destroy()` (Piscina, Tinypool), `pool.close()`. */
const TERMINATORS = new Set(['terminate', 'destroy', 'close']);
/** EventEmitter registrations; each returns the emitter, so a chain goes on. */
const LISTENERS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
/** `w = spawn`, `w ||= spawn`, `w ??= spawn`: afterwards `w` holds a worker (after `&&=` it may hold nothing). */
const HOLDING = new Set([ts.SyntaxKind.EqualsToken, ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.QuestionQuestionEqualsToken]);
/** Uses of a worker that neither join it nor let it go anywhere. */
const NEUTRAL_METHODS = new Set(['postMessage', 'off', 'removeListener', 'removeAllListeners', 'removeEventListener',
  'ref', 'getHeapSnapshot', 'threadId', 'resourceLimits', 'stdout', 'stderr', 'stdin', 'performance', 'emit',
  'setMaxListeners', 'listenerCount', 'listeners', 'onmessageerror']);

export function workerFate(facts: FileFacts, spawn: ts.NewExpression | ts.CallExpression): WorkerFate {
  const flow = followWorker(facts, spawn);
  const joins: JoinStatus[] = [];
  const errors: ErrorStatus[] = [];
  const transfer = spawn.arguments?.[1] && transferListOf(spawn.arguments[1], 'transferList');
  const port = transfer && portIn(facts, transfer);
  // The port tells its peer when the worker is gone (it closes), so the end can be watched there; but an
  // exception in the worker is emitted on the Worker object alone, so errors stay this code's to handle.
  if (port) joins.push({ kind: 'handed-off', at: port });
  for (const m of flow.members) judgeMember(facts, m, joins, errors);
  for (const { call, index } of flow.args) {
    const event = index === 0 && isOnceCall(call) ? eventName(call.arguments?.[1]) : undefined;
    if (event === undefined) {
      handOff(joins, errors, call);
      continue;
    }
    if ((event === 'exit' || event === 'message') && !isValueUnused(call)) joins.push({ kind: 'joined', at: call });
    if (rejectionIsHandled(call)) errors.push({ kind: 'handled', at: call });
  }
  for (const at of flow.escapes) handOff(joins, errors, at);
  return {
    join: strongest(joins) ?? { kind: 'never' }, errors: strongestError(errors), uses: flow.uses, holder: holderOf(spawn, flow),
    ...keptIn(facts, spawn),
  };
}

/**
 * The worker's flow, on through the fields it is kept in: where value-flow.ts loses it in a field
 * of a class it cannot see whole (exported, or its instances handed out), the field's own accesses
 * take over when no other code reaches it (members.ts), so that a library class's worker is judged
 * by what the class does with it.
 */
function followWorker(facts: FileFacts, spawn: ts.Expression): Flow {
  const options = { chaining: LISTENERS };
  const flow = followValue(facts.refs, { expressions: [spawn] }, options);
  const followed = new Set<ts.Node>();
  const escapes: ts.Node[] = [];
  for (let i = 0; i < flow.escapes.length; i++) {
    const at = flow.escapes[i];
    const field = storedField(facts, at);
    const accesses = field && fieldAccesses(facts.refs, field.cls, field.name);
    if (!accesses) {
      escapes.push(at);
      continue;
    }
    const fresh = accesses.filter(a => !isAssigned(a) && !followed.has(a));
    for (const a of fresh) followed.add(a);
    const more = followValue(facts.refs, { expressions: fresh }, options);
    flow.uses.push(...more.uses);
    flow.members.push(...more.members);
    flow.args.push(...more.args);
    flow.escapes.push(...more.escapes);
  }
  return { ...flow, escapes };
}

/** The instance field an escape stores the worker in: `this.name = w` (or `||=`, `??=`), a field's initializer. */
function storedField(facts: FileFacts, at: ts.Node): { cls: ts.ClassLikeDeclaration; name: ts.PropertyName } | undefined {
  if (ts.isPropertyDeclaration(at) && at.initializer) {
    const cls = instanceClassAt(at.initializer);
    return cls && { cls, name: at.name };
  }
  if (!ts.isBinaryExpression(at) || !HOLDING.has(at.operatorToken.kind)) return undefined;
  const target = skipOuter(at.left);
  return ts.isPropertyAccessExpression(target) ? instanceField(facts.refs, target) : undefined;
}

/** Where the spawn is put straight away, for messages: a field (`this.worker`), a collection (`cache.set(key, new Worker(…))`). */
function keptIn(facts: FileFacts, spawn: ts.Expression): Pick<WorkerFate, 'field' | 'collection'> {
  let worker = spawn;
  for (;;) { // on through `new Worker(…).on('error', …)`, which is the worker too
    const access = outerParent(worker);
    const call = outerParent(access);
    if (!ts.isPropertyAccessExpression(access) || !LISTENERS.has(access.name.text) || !ts.isCallExpression(call)) break;
    worker = call;
  }
  const p = outerParent(worker);
  if (ts.isPropertyDeclaration(p) && p.initializer && skipOuter(p.initializer) === worker && instanceClassAt(p.initializer)) {
    return { field: `this.${p.name.getText()}` };
  }
  if (ts.isBinaryExpression(p) && HOLDING.has(p.operatorToken.kind) && skipOuter(p.right) === worker) {
    const target = skipOuter(p.left);
    return ts.isPropertyAccessExpression(target) && instanceField(facts.refs, target) ? { field: target.getText() } : {};
  }
  const callee = ts.isCallExpression(p) ? skipOuter(p.expression) : undefined;
  if (callee && ts.isPropertyAccessExpression(callee) && ADDERS.has(callee.name.text) &&
      skipOuter((p as ts.CallExpression).arguments.at(-1)!) === worker) {
    return { collection: { name: callee.expression.getText(), keyed: callee.name.text === 'set' } };
  }
  return {};
}

/**
 * How a message names the worker: `Worker 'w'`, `Worker 'this.worker'`, `The worker cached in 'cache'`;
 * and the name its code snippets use.
 */
export function workerName(fate: WorkerFate): { subject: string; code?: string } {
  const code = fate.holder?.text ?? fate.field;
  if (code) return { subject: `Worker '${code}'`, code };
  const { collection } = fate;
  return { subject: collection ? `The worker ${collection.keyed ? 'cached' : 'kept'} in '${collection.name}'` : 'This worker' };
}

/**
 * The name a line right after the spawn's statement may give the worker: its variable, or the field
 * a statement of its own sets (`this.worker = new Worker(…);`; not `this.worker ||= …`, which may keep
 * the worker it had, and run again).
 */
/** `w ??= new Worker(…)` / `w ||= …`: the spawn runs the first time its statement does, not every time. */
export function isSpawnedLazily(spawn: ts.Expression): boolean {
  const p = outerParent(spawn);
  return ts.isBinaryExpression(p) && skipOuter(p.right) === spawn &&
    (p.operatorToken.kind === ts.SyntaxKind.QuestionQuestionEqualsToken || p.operatorToken.kind === ts.SyntaxKind.BarBarEqualsToken);
}

export function nameAfterSpawn(site: ts.Expression, fate: WorkerFate): string | undefined {
  // A line after `w ??= new Worker(…)` runs every time, the spawn only the first.
  if (isSpawnedLazily(site)) return undefined;
  const p = outerParent(site);
  if (fate.holder) return fate.holder.text;
  const statement = ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isExpressionStatement(outerParent(p));
  return statement ? fate.field : undefined;
}

function judgeMember(facts: FileFacts, m: MemberUse, joins: JoinStatus[], errors: ErrorStatus[]): void {
  const { name, call, assigned } = m;
  if (call && (LISTENERS.has(name) || name === 'addEventListener')) {
    for (const { event, listener, at } of registrations(facts, call)) {
      if (event === undefined) handOff(joins, errors, at); // it may be 'exit' or 'error': unknown is silence
      if (event === 'exit') joins.push({ kind: 'joined', at });
      if (event === 'error') errors.push({ kind: 'handled', at });
      if (event === 'message' && settlesPromise(facts, listener)) joins.push({ kind: 'joined', at });
    }
  } else if (call && TERMINATORS.has(name)) {
    if (!isValueUnused(call)) joins.push({ kind: 'joined', at: call });
  } else if (call && name === 'unref') {
    joins.push({ kind: 'detached', at: call });
  } else if (call && name === 'postMessage') {
    const transfer = call.arguments[1] && transferListOf(call.arguments[1], 'transfer');
    const port = transfer && portIn(facts, transfer);
    if (port) joins.push({ kind: 'handed-off', at: port });
  } else if (assigned && name === 'onerror') {
    errors.push({ kind: 'handled', at: m.access });
  } else if (assigned && name === 'onmessage') {
    if (settlesPromise(facts, assigned)) joins.push({ kind: 'joined', at: m.access });
  } else if (call && !NEUTRAL_METHODS.has(name)) {
    handOff(joins, errors, call); // a method we do not know may keep it anywhere
  }
}

interface Registration {
  /** The event's name; undefined when it cannot be read. */
  event: string | undefined;
  listener?: ts.Expression;
  at: ts.Node;
}

/**
 * What a listener registration registers: its own event and listener, or, where a method of a local
 * class forwards its parameters (`on(event, fn) { this.worker.on(event, fn) }`), those of each call
 * of that method, where the class's users listen (members.ts finds them all, or we claim nothing).
 */
function registrations(facts: FileFacts, call: ts.CallExpression): Registration[] {
  const [event, listener] = call.arguments;
  const fn = enclosingFunction(call);
  const eventIndex = eventName(event) === undefined ? parameterIndex(facts, fn, event) : undefined;
  const method = eventIndex === undefined ? undefined : classMemberOf(fn);
  const accesses = method && memberAccesses(facts.refs, method.cls, method.name);
  if (eventIndex === undefined || !accesses) return [{ event: eventName(event), listener, at: call }];
  const listenerIndex = parameterIndex(facts, fn, listener);
  return accesses.map(access => {
    const caller = outerParent(access);
    if (!ts.isCallExpression(caller) || skipOuter(caller.expression) !== access) return { event: undefined, at: access };
    const forwarded = listenerIndex === undefined ? listener : caller.arguments[listenerIndex];
    return { event: eventName(caller.arguments[eventIndex]), listener: forwarded, at: caller };
  });
}

/** Which parameter of `fn` the expression `e` is, when it is one. */
function parameterIndex(facts: FileFacts, fn: ts.Node, e: ts.Expression | undefined): number | undefined {
  const x = e && skipOuter(e);
  const decl = x && ts.isIdentifier(x) ? facts.refs.symbolAt(x)?.valueDeclaration : undefined;
  return decl && ts.isParameter(decl) && decl.parent === fn ? decl.parent.parameters.indexOf(decl) : undefined;
}

function handOff(joins: JoinStatus[], errors: ErrorStatus[], at: ts.Node): void {
  joins.push({ kind: 'handed-off', at });
  errors.push({ kind: 'handed-off', at });
}

const JOIN_ORDER: JoinStatus['kind'][] = ['joined', 'detached', 'handed-off'];

function strongest(verdicts: JoinStatus[]): JoinStatus | undefined {
  for (const kind of JOIN_ORDER) {
    const hit = verdicts.find(v => v.kind === kind);
    if (hit) return hit;
  }
  return undefined;
}

function strongestError(verdicts: ErrorStatus[]): ErrorStatus {
  return verdicts.find(v => v.kind === 'handled') ?? verdicts.find(v => v.kind === 'handed-off') ?? { kind: 'unhandled' };
}

function holderOf(spawn: ts.Expression, flow: Flow): ts.Identifier | undefined {
  const p = outerParent(spawn);
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name;
  if (ts.isBinaryExpression(p) && HOLDING.has(p.operatorToken.kind) && ts.isIdentifier(skipOuter(p.left)) &&
      flow.uses.length > 1) {
    return skipOuter(p.left) as ts.Identifier;
  }
  return undefined;
}

/** `once(worker, …)` / `events.once(worker, …)`: a promise of the event that rejects on `'error'`. */
function isOnceCall(call: ts.CallExpression | ts.NewExpression): call is ts.CallExpression {
  if (!ts.isCallExpression(call)) return false;
  const callee = skipOuter(call.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return name === 'once';
}

function eventName(e: ts.Expression | undefined): string | undefined {
  const x = e && skipOuter(e);
  return x && ts.isStringLiteralLike(x) ? x.text : undefined;
}

/**
 * Whether a promise's rejection reaches code that deals with it: awaited, returned, passed on
 * (`Promise.all`, `exits.push`), held in a variable or a list for later, or given a rejection handler.
 * Not when it is dropped, or only given `.then(onFulfilled)` whose own promise is dropped.
 */
function rejectionIsHandled(promise: ts.Expression): boolean {
  const p = outerParent(promise);
  if (ts.isAwaitExpression(p) || ts.isReturnStatement(p) || ts.isYieldExpression(p) || ts.isArrowFunction(p) ||
      ts.isVariableDeclaration(p) || ts.isArrayLiteralExpression(p) || ts.isPropertyAssignment(p)) {
    return true;
  }
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.arguments?.some(a => skipOuter(a) === promise)) return true;
  if (ts.isPropertyAccessExpression(p) && skipOuter(p.expression) === promise && ts.isCallExpression(p.parent)) {
    const method = p.name.text;
    if (method === 'catch' || (method === 'then' && p.parent.arguments.length >= 2)) return true;
    if (method === 'then' || method === 'finally') return rejectionIsHandled(p.parent);
  }
  return false;
}

/**
 * Whether a listener settles a promise the worker is wrapped in: it is (or calls) the `resolve` of an
 * enclosing `new Promise((resolve, reject) => …)` executor. The worker's result is then its join handle.
 */
function settlesPromise(facts: FileFacts, listener: ts.Expression | undefined): boolean {
  if (!listener) return false;
  const resolvers = new Set<ts.Symbol>();
  for (let n: ts.Node = listener; n.parent; n = n.parent) {
    const resolve = executorParameter(n, 0);
    const sym = resolve && facts.refs.symbolAt(resolve);
    if (sym) resolvers.add(sym);
  }
  if (resolvers.size === 0) return false;
  const isResolver = (e: ts.Expression): boolean => {
    const x = skipOuter(e);
    const sym = ts.isIdentifier(x) ? facts.refs.symbolAt(x) : undefined;
    return !!sym && resolvers.has(sym);
  };
  const fn = skipOuter(listener);
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return isResolver(fn);
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && isResolver(n.expression)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(fn.body);
  return found;
}

/** The `index`th parameter's name of `fn` when it is the executor of a `new Promise(…)`. */
export function executorParameter(fn: ts.Node, index: number): ts.Identifier | undefined {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  const call = outerParent(fn);
  if (!ts.isNewExpression(call) || skipOuter(call.arguments?.[0] ?? call) !== fn) return undefined;
  const callee = skipOuter(call.expression);
  if (!ts.isIdentifier(callee) || callee.text !== 'Promise') return undefined;
  const name = fn.parameters[index]?.name;
  return name && ts.isIdentifier(name) ? name : undefined;
}

/** The transfer list of a `postMessage` (`[…]` or `{ transfer: […] }`) or a Worker's options (`{ transferList: […] }`). */
function transferListOf(arg: ts.Expression, key: 'transfer' | 'transferList'): ts.ArrayLiteralExpression | undefined {
  const e = skipOuter(arg);
  if (ts.isArrayLiteralExpression(e)) return key === 'transfer' ? e : undefined;
  if (!ts.isObjectLiteralExpression(e)) return undefined;
  for (const p of e.properties) {
    if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === key) {
      const list = skipOuter(p.initializer);
      return ts.isArrayLiteralExpression(list) ? list : undefined;
    }
  }
  return undefined;
}

/** An item of a transfer list that is, or may be (typed `any`), a port. */
function portIn(facts: FileFacts, list: ts.ArrayLiteralExpression): ts.Expression | undefined {
  return list.elements.find(item => {
    const type = facts.typeOf(item);
    return builtinName(type) === 'MessagePort' || (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
  });
}

/**
 * What becomes of message ports (value-flow.ts follows each one). For the channels a file opens
 * (`new MessageChannel()`, of `worker_threads` or the global), each end's `'message'` listeners (which
 * keep a Node process alive), and whether the end is closed (closing either end closes both), unref'd,
 * or goes where we do not follow: transferred to another thread, returned, stored, passed to code we
 * cannot read. A port passed to a function of this file stays in this thread, and that function's uses
 * of its parameter are the port's (followed through nested calls). And, on
 * any port, `addEventListener('message', …)` registrations that nothing starts (`port.start()`, or
 * setting `onmessage`, which starts the port).
 */
import { ts } from '../ts';
import type { FileFacts } from '../file-facts';
import { enclosingFunction, isAsyncFunction, outerParent, propertyName, skipOuter } from '../syntax/syntax';
import { builtinName, declarationOrigin } from '../syntax/types';
import { followValue, isAssigned } from '../memory/value-flow';

export interface PortEnd {
  /** How the port is written where it is used (`port1`, `channel.port2`); absent when it is never named. */
  text?: string;
  /** Expressions that stand for this port. */
  uses: readonly ts.Expression[];
  /**
   * Registrations of a `'message'` listener that keeps the port alive: the `port.on` / `port.addEventListener`
   * callee, the `port.onmessage` target, or the call that hands the port to a function of this file that registers one.
   */
  listeners: readonly ts.Node[];
  closed?: ts.Node;
  unref?: ts.Node;
  /**
   * Where it goes out of our sight: transferred, returned, stored, passed to code we cannot read. Passed to a
   * function of this file, it stays in this thread: what that function does with it counts, at the call.
   */
  escapes?: ts.Node;
}

export interface Channel {
  node: ts.NewExpression;
  ends: readonly [PortEnd, PortEnd];
}

export interface UnstartedListener {
  port: ts.Expression;
  /** The `port.addEventListener` callee. */
  registration: ts.PropertyAccessExpression;
}

/** `once` and `prependOnceListener` let go of the port after one message. */
const KEEPING_LISTENERS = new Set(['on', 'addListener', 'prependListener', 'addEventListener']);
const CHAINING = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'off', 'removeListener']);
const NEUTRAL_METHODS = new Set(['postMessage', 'start', 'ref', 'hasRef', 'once', 'prependOnceListener', 'off',
  'removeListener', 'removeAllListeners', 'removeEventListener', 'emit', 'setMaxListeners', 'listenerCount']);
const PORT_NAMES = ['port1', 'port2'];

export function messageChannels(facts: FileFacts): Channel[] {
  const channels: Channel[] = [];
  for (const id of facts.refs.named('MessageChannel')) {
    const access = ts.isPropertyAccessExpression(id.parent) && id.parent.name === id ? id.parent : undefined;
    const made = outerParent(access ?? id);
    if (!ts.isNewExpression(made) || skipOuter(made.expression) !== (access ?? id) || !isPlatformClass(facts, id)) continue;
    const starts = portStarts(facts, made);
    if (starts) channels.push({ node: made, ends: [portEnd(facts, starts[0]), portEnd(facts, starts[1])] });
  }
  return channels;
}

/** Where each end of a channel is first named: destructured (`{ port1, port2 }`), or read off the channel (`channel.port1`). */
type PortStart = { names: ts.Identifier[]; expressions: ts.Expression[] };

function portStarts(facts: FileFacts, made: ts.NewExpression): [PortStart, PortStart] | undefined {
  const starts: [PortStart, PortStart] = [{ names: [], expressions: [] }, { names: [], expressions: [] }];
  const holder = outerParent(made);
  if (!ts.isVariableDeclaration(holder)) return undefined;
  if (ts.isObjectBindingPattern(holder.name)) return destructure(holder.name, starts) ? starts : undefined;
  if (!ts.isIdentifier(holder.name)) return undefined;
  const symbol = facts.refs.symbolAt(holder.name);
  if (!symbol) return undefined;
  for (const ref of facts.refs.of(symbol)) {
    if (ref === holder.name) continue;
    const p = outerParent(ref);
    const index = ts.isPropertyAccessExpression(p) ? PORT_NAMES.indexOf(p.name.text) : -1;
    if (index >= 0) starts[index].expressions.push(p as ts.PropertyAccessExpression);
    else if (!(ts.isVariableDeclaration(p) && ts.isObjectBindingPattern(p.name) && destructure(p.name, starts))) return undefined;
  }
  return starts;
}

function destructure(pattern: ts.ObjectBindingPattern, starts: [PortStart, PortStart]): boolean {
  for (const el of pattern.elements) {
    const key = el.propertyName ? propertyName(el.propertyName) : ts.isIdentifier(el.name) ? el.name.text : undefined;
    const index = key === undefined || el.dotDotDotToken ? -1 : PORT_NAMES.indexOf(key);
    if (index < 0 || !ts.isIdentifier(el.name)) return false;
    starts[index].names.push(el.name);
  }
  return true;
}

function portEnd(facts: FileFacts, start: PortStart): PortEnd {
  const text = start.names[0]?.text ?? start.expressions[0]?.getText();
  return { text, ...portFate(facts, start, new Set()) };
}

type PortFate = Omit<PortEnd, 'text'>;

/** Nested calls of this file's functions followed before the port counts as handed off. */
const MAX_CALL_DEPTH = 8;

function portFate(facts: FileFacts, start: { names?: readonly ts.Identifier[]; expressions?: readonly ts.Expression[] }, within: Set<ts.ParameterDeclaration>): PortFate {
  const flow = followValue(facts.refs, start, { chaining: CHAINING });
  const uses = [...flow.uses];
  const listeners: ts.Node[] = [];
  let closed: ts.Node | undefined;
  let unref: ts.Node | undefined;
  let escapes: ts.Node | undefined;
  for (const { name, call, assigned, access } of flow.members) {
    const event = call?.arguments[0] && skipOuter(call.arguments[0]);
    const forMessages = !!event && ts.isStringLiteralLike(event) && event.text === 'message';
    if ((call && KEEPING_LISTENERS.has(name) && forMessages) || (assigned && name === 'onmessage')) listeners.push(access);
    else if (call && name === 'close') closed ??= call;
    else if (call && name === 'unref') unref ??= call;
    else if (call && !NEUTRAL_METHODS.has(name) && !KEEPING_LISTENERS.has(name)) escapes ??= call;
  }
  for (const { call, index } of flow.args) {
    const param = ownParameter(facts, call, index);
    if (!param || within.size >= MAX_CALL_DEPTH) {
      escapes ??= call;
      continue;
    }
    if (within.has(param)) continue; // a recursive call: the same parameter, already being followed
    within.add(param);
    const inner = portFate(facts, { names: [param.name as ts.Identifier] }, within);
    within.delete(param);
    // What the callee does, it does during this call: each of its acts is this call, seen from here.
    if (inner.listeners.length > 0) listeners.push(call);
    if (inner.closed) closed ??= call;
    if (inner.unref) unref ??= call;
    if (inner.escapes) escapes ??= call;
    uses.push(call, ...inner.uses.filter(u => !runsDuringCall(u, param.parent)));
  }
  escapes ??= flow.escapes[0];
  return { uses, listeners, closed, unref, escapes };
}

/**
 * The parameter that receives argument `index` of a call of a function (or of a class's constructor) of
 * this file with a body: the port stays in this thread, and that function's uses of it are the port's.
 * Undefined for what we cannot read (a library's or another module's function, a method of an interface,
 * `postMessage`), for a rest or destructured parameter, or a constructor's parameter property: the port
 * may go anywhere from there.
 */
function ownParameter(facts: FileFacts, call: ts.CallExpression | ts.NewExpression, index: number): ts.ParameterDeclaration | undefined {
  const callee = skipOuter(call.expression);
  const id = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
  let symbol = id && facts.checker.getSymbolAtLocation(id);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = facts.checker.getAliasedSymbol(symbol);
  let decl: ts.Node | undefined = symbol?.valueDeclaration;
  if (decl && ts.isVariableDeclaration(decl) && decl.initializer) decl = skipOuter(decl.initializer);
  if (decl && ts.isClassDeclaration(decl) && ts.isNewExpression(call)) decl = decl.members.find(ts.isConstructorDeclaration);
  if (!decl || decl.getSourceFile() !== facts.file || !ts.isFunctionLike(decl) || !('body' in decl) || !decl.body) return undefined;
  const param = decl.parameters[index];
  if (!param || param.dotDotDotToken || !ts.isIdentifier(param.name) || ts.isParameterPropertyDeclaration(param, param.parent)) return undefined;
  return param;
}

/** A use in the callee's own body, not in a function it makes, happens before a synchronous callee returns. */
function runsDuringCall(use: ts.Node, callee: ts.SignatureDeclaration): boolean {
  return enclosingFunction(use) === callee && !isAsyncFunction(callee);
}

/** Whether `MessageChannel` here is the platform's (Node's or the DOM's), not a class of the program's own. */
function isPlatformClass(facts: FileFacts, id: ts.Identifier): boolean {
  const decls = facts.refs.symbolAt(id)?.declarations ?? [];
  return decls.length > 0 && decls.every(d => declarationOrigin(d, facts.program).builtin);
}

/** `port.addEventListener('message', …)` on a port that is never started here and not handed to code that might start it. */
export function unstartedPortListeners(facts: FileFacts): UnstartedListener[] {
  const out: UnstartedListener[] = [];
  const starts = receiversOf(facts, 'start', true);
  const onmessage = receiversOf(facts, 'onmessage', false);
  for (const access of memberAccesses(facts, 'addEventListener')) {
    const call = outerParent(access);
    const event = ts.isCallExpression(call) && call.arguments[0] && skipOuter(call.arguments[0]);
    if (!event || !ts.isStringLiteralLike(event) || event.text !== 'message') continue;
    const port = skipOuter(access.expression);
    if (!isReference(port) || builtinName(facts.typeOf(port)) !== 'MessagePort') continue;
    if ([...starts, ...onmessage].some(r => sameReference(facts, r, port)) || isHandedOff(facts, port)) continue;
    out.push({ port, registration: access });
  }
  return out;
}

/** `x.<name>` expressions of the file; with `called`, only `x.<name>(…)`, else only `x.<name> = …`; gives each `x`. */
function receiversOf(facts: FileFacts, name: string, called: boolean): ts.Expression[] {
  return memberAccesses(facts, name).filter(access => {
    const p = outerParent(access);
    return called ? ts.isCallExpression(p) && skipOuter(p.expression) === access : isAssigned(access);
  }).map(access => skipOuter(access.expression));
}

function memberAccesses(facts: FileFacts, name: string): ts.PropertyAccessExpression[] {
  return facts.refs.named(name).flatMap(id => ts.isPropertyAccessExpression(id.parent) && id.parent.name === id ? [id.parent] : []);
}

/** A name or a chain of property names on one (`port`, `worker.port`, `this.port`): something that can be met again. */
function isReference(e: ts.Expression): boolean {
  const x = skipOuter(e);
  if (ts.isIdentifier(x) || x.kind === ts.SyntaxKind.ThisKeyword) return true;
  return ts.isPropertyAccessExpression(x) && isReference(x.expression);
}

function sameReference(facts: FileFacts, a: ts.Expression, b: ts.Expression): boolean {
  const x = skipOuter(a);
  const y = skipOuter(b);
  if (ts.isIdentifier(x) && ts.isIdentifier(y)) {
    const sym = facts.refs.symbolAt(x);
    return sym !== undefined && sym === facts.refs.symbolAt(y);
  }
  if (x.kind === ts.SyntaxKind.ThisKeyword && y.kind === ts.SyntaxKind.ThisKeyword) return true;
  return ts.isPropertyAccessExpression(x) && ts.isPropertyAccessExpression(y) && x.name.text === y.name.text &&
    sameReference(facts, x.expression, y.expression);
}

/** Whether the port named by a variable of this file is passed, returned or stored: its new holder may start it. */
function isHandedOff(facts: FileFacts, port: ts.Expression): boolean {
  const x = skipOuter(port);
  if (!ts.isIdentifier(x)) return false;
  const decl = facts.refs.symbolAt(x)?.valueDeclaration;
  if (!decl || decl.getSourceFile() !== facts.file) return true;
  const name = (ts.isVariableDeclaration(decl) || ts.isParameter(decl) || ts.isBindingElement(decl)) ? decl.name : undefined;
  if (!name || !ts.isIdentifier(name)) return true;
  const flow = followValue(facts.refs, { names: [name] }, { chaining: CHAINING });
  return flow.args.length > 0 || flow.escapes.length > 0;
}

/**
 * What becomes of a spawned worker in the spawning file: joined (its exit is awaited or listened
 * to, or it is terminated), detached (`unref()`), never joined, or handed to code we do not follow
 * (stored, passed, returned), in which case we do not claim anything. The Join rules build on this.
 */
import { ts } from './ts';
import type { FileFacts } from './file-facts';
import { outerParent, skipOuter } from './syntax';

export type JoinStatus =
  | { kind: 'joined'; at: ts.Node }
  | { kind: 'detached'; at: ts.Node }
  | { kind: 'never' }
  | { kind: 'handed-off'; at: ts.Node };

/** Ending a worker or a pool: `worker.terminate()`, `pool.destroy()` (Piscina, Tinypool), `pool.terminate()` (workerpool). */
const TERMINATORS = new Set(['terminate', 'destroy', 'close']);
const EXIT_LISTENERS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
/** Uses of a worker that neither join it nor let it go anywhere. */
const NEUTRAL_METHODS = new Set(['postMessage', 'on', 'once', 'addListener', 'addEventListener', 'off',
  'removeListener', 'removeEventListener', 'ref', 'getHeapSnapshot', 'threadId', 'resourceLimits', 'stdout', 'stderr',
  'stdin', 'performance', 'emit', 'onmessage', 'onerror', 'onmessageerror']);

export function joinOf(facts: FileFacts, spawn: ts.Expression): JoinStatus {
  const uses = usesOf(facts, spawn);
  let handedOff: ts.Node | undefined;
  for (const use of uses) {
    const verdict = classify(use);
    if (verdict.kind === 'joined' || verdict.kind === 'detached') return verdict;
    if (verdict.kind === 'handed-off') handedOff ??= verdict.at;
  }
  return handedOff ? { kind: 'handed-off', at: handedOff } : { kind: 'never' };
}

/** The expressions that stand for the worker: the `new` itself, then every read of the variable holding it. */
function usesOf(facts: FileFacts, spawn: ts.Expression): ts.Expression[] {
  const holder = outerParent(spawn);
  if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) {
    const sym = facts.refs.symbolAt(holder.name);
    return sym ? facts.refs.of(sym).filter(ref => ref !== holder.name) : [];
  }
  return [spawn];
}

function classify(use: ts.Expression): JoinStatus | { kind: 'neutral' } {
  const p = outerParent(use);
  if (ts.isPropertyAccessExpression(p) && skipOuter(p.expression) === use) {
    const method = p.name.text;
    const call = p.parent;
    const isCall = ts.isCallExpression(call) && call.expression === p;
    if (isCall && TERMINATORS.has(method)) return { kind: 'joined', at: call };
    if (isCall && method === 'unref') return { kind: 'detached', at: call };
    if (isCall && EXIT_LISTENERS.has(method) && isExitEvent(call.arguments[0])) return { kind: 'joined', at: call };
    if (NEUTRAL_METHODS.has(method)) return { kind: 'neutral' };
    return { kind: 'handed-off', at: p };
  }
  // once(worker, 'exit') / events.once(worker, 'exit')
  if (ts.isCallExpression(p) && skipOuter(p.arguments[0] ?? p) === use && isOnceCall(p) && isExitEvent(p.arguments[1])) {
    return { kind: 'joined', at: p };
  }
  if (ts.isExpressionStatement(p)) return { kind: 'neutral' };
  if (ts.isBinaryExpression(p) && p.left !== use && isComparison(p.operatorToken.kind)) return { kind: 'neutral' };
  return { kind: 'handed-off', at: use };
}

function isOnceCall(call: ts.CallExpression): boolean {
  const callee = skipOuter(call.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return name === 'once';
}

function isExitEvent(e: ts.Expression | undefined): boolean {
  const x = e && skipOuter(e);
  return !!x && ts.isStringLiteralLike(x) && x.text === 'exit';
}

function isComparison(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsEqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    kind === ts.SyntaxKind.EqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsToken;
}

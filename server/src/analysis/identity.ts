/**
 * The parallel-output idiom: a worker writes only at indices derived from its own identity (a start,
 * index or range from its `workerData`, its task message, or `threadId`), so writers never overlap.
 */
import { ts } from './ts';
import type { FileFacts } from './file-facts';
import { calleeName, isFunctionBoundary, skipOuter } from './syntax';

const IDENTITY_SOURCES = new Set(['workerData', 'threadId']);
const MESSAGE_EVENTS = new Set(['message']);
const MAX_DEPTH = 6;

export function dependsOnThreadIdentity(expr: ts.Expression, facts: FileFacts, depth = 0, seen = new Set<ts.Symbol>()): boolean {
  if (depth > MAX_DEPTH) return false;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || isFunctionBoundary(n)) return;
    if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
      if (IDENTITY_SOURCES.has(n.text)) { found = true; return; }
      const sym = facts.refs.symbolAt(n);
      if (sym && !seen.has(sym)) {
        seen.add(sym);
        const decl = sym.valueDeclaration;
        if (decl && sourceIsIdentity(decl, facts, depth, seen)) { found = true; return; }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(expr);
  return found;
}

function sourceIsIdentity(decl: ts.Declaration, facts: FileFacts, depth: number, seen: Set<ts.Symbol>): boolean {
  let d: ts.Node = decl;
  while (ts.isBindingElement(d)) d = d.parent.parent; // up to the declaration the pattern belongs to
  if (ts.isVariableDeclaration(d) && d.initializer) return dependsOnThreadIdentity(d.initializer, facts, depth + 1, seen);
  if (ts.isParameter(d)) return isMessageHandler(d.parent);
  return false;
}

/** `port.on('message', fn)`, `onmessage = fn`, `addEventListener('message', fn)`: `fn` gets a task. */
function isMessageHandler(fn: ts.SignatureDeclaration): boolean {
  const p = fn.parent;
  if (ts.isCallExpression(p) && p.arguments.includes(fn as ts.Expression)) {
    const event = p.arguments[0];
    const name = calleeName(p) ?? '';
    return /^(on|once|addListener|addEventListener)$/.test(name) && !!event && ts.isStringLiteral(event) && MESSAGE_EVENTS.has(event.text);
  }
  if (ts.isBinaryExpression(p) && p.right === fn) {
    const left = skipOuter(p.left);
    const name = ts.isPropertyAccessExpression(left) ? left.name.text : ts.isIdentifier(left) ? left.text : '';
    return name === 'onmessage';
  }
  return false;
}

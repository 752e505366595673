import { ts } from '../analysis/ts';
import type { Crossing } from '../analysis/threads/boundaries';
import { successors, walk } from '../analysis/cfg/paths';
import type { Fix, Related } from '../core/finding';
import type { FileFacts } from '../analysis/file-facts';
import { TYPED_ARRAYS, builtinName } from '../analysis/syntax/types';
import { enclosingFunction, isFunctionBoundary, isInside, lineIndent, newlineOf, outerParent, skipOuter } from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';
import { insertAt, replaceNode } from './support/edits';
import { removeFromTransferList, sendName } from './support/crossing';
import { cfgOf } from '../analysis/cfg/build';

/** What a transfer list item moves away: a buffer, the buffer under a view (`view.buffer`), or a port. */
interface Moved {
  readonly symbol: ts.Symbol;
  readonly name: string;
  readonly kind: 'buffer' | 'typed-array' | 'dataview' | 'port';
}

const EFFECT: Record<Moved['kind'], string> = {
  buffer: 'the buffer is detached here, so its byteLength is 0, reads give undefined and writes are silently dropped',
  'typed-array': 'the view is detached here, so its length is 0, reads give undefined and writes are silently dropped',
  dataview: 'the view is detached here, so reading or writing it throws a TypeError',
  port: 'the port belongs to the other thread now and is closed here: nothing posted on it arrives anywhere',
};
/** Uses named in the related information, besides the one reported. */
const MAX_RELATED_USES = 3;

export const useAfterTransfer: Rule = {
  meta: {
    id: 'use-after-transfer',
    family: 'send',
    defaultSeverity: 'error',
    description: 'A buffer, view or MessagePort used after a postMessage transferred it: it is detached (empty) or dead on this side.',
    typedApis: ['threads', 'pools'],
  },
  check(ctx) {
    const { facts } = ctx;
    for (const crossing of facts.boundaries) {
      for (const item of crossing.transfer?.items ?? []) {
        const moved = movedBy(facts, item);
        const uses = moved ? usesAfter(facts, crossing.node, moved.symbol) : [];
        if (!moved || uses.length === 0) continue;
        const [use, ...others] = uses;
        const file = facts.file;
        const line = file.getLineAndCharacterOfPosition(crossing.node.getStart(file)).line + 1;
        const when = use.getStart(file) < crossing.node.end ? ' on the next iteration of the loop' : '';
        const what = moved.kind === 'typed-array' || moved.kind === 'dataview' ? 'its buffer' : 'it';
        const related: Related[] = [
          { span: spanOf(crossing.node), message: `'${moved.name}' is transferred here` },
          ...others.slice(0, MAX_RELATED_USES).map(u => ({ span: spanOf(u), message: `'${moved.name}' is also used here` })),
        ];
        ctx.report({
          at: use,
          message: `'${moved.name}' is used${when} after the ${sendName(crossing)} on line ${line} transferred ${what}: ${EFFECT[moved.kind]}.`,
          related,
          fixes: fixesFor(facts, crossing, item, moved),
        });
      }
    }
  },
};

function spanOf(node: ts.Node): Related['span'] {
  const file = node.getSourceFile();
  return { file: file.fileName, start: node.getStart(file), end: node.end };
}

/**
 * The variable a listed item moves: `buf` (an ArrayBuffer), `view.buffer` (the view goes dead with its
 * buffer), `port`. A view listed itself is not transferable at all (the post throws), and shared memory is never moved
 * (`transfer-shared-buffer`).
 */
function movedBy(facts: FileFacts, item: ts.Expression): Moved | undefined {
  const e = skipOuter(item);
  if (facts.provenance.of(e).state === 'shared') return undefined;
  let id = e;
  let kind: Moved['kind'] | undefined;
  if (ts.isPropertyAccessExpression(e) && e.name.text === 'buffer') {
    id = skipOuter(e.expression);
    const view = builtinName(facts.typeOf(id));
    kind = view === 'DataView' ? 'dataview' : view && TYPED_ARRAYS.has(view) ? 'typed-array' : undefined;
  } else {
    const type = builtinName(facts.typeOf(e));
    kind = type === 'ArrayBuffer' ? 'buffer' : type === 'MessagePort' ? 'port' : undefined;
  }
  const symbol = kind && ts.isIdentifier(id) ? facts.refs.symbolAt(id) : undefined;
  return kind && symbol && ts.isIdentifier(id) ? { symbol, name: id.text, kind } : undefined;
}

/**
 * References to `symbol` that run after `call` on some path of its function's control flow, before
 * the variable is given a new value: later statements, and a later iteration of an enclosing loop
 * (the call itself included). Code in closures created after the transfer counts: it runs later still.
 * The `catch` the call itself may throw into does not: a post that throws has transferred nothing.
 */
function usesAfter(facts: FileFacts, call: ts.Node, symbol: ts.Symbol): ts.Identifier[] {
  const cfg = cfgOf(enclosingFunction(call));
  const from = cfg.nodeOf(call);
  if (!from) return [];
  const uses = new Set<ts.Identifier>();
  walk(from.succ.filter(n => !n.ast || !catchesFrom(n.ast, call)), successors, n => {
    let rebound = false;
    if (n.ast && n.kind !== 'loop-exit') {
      rebound = rebindsLoopVariable(facts, n.ast, symbol);
      for (const ref of facts.refs.within(symbol, n.ast)) {
        if (inDeclaredFunction(ref, n.ast)) continue;
        if (isRebinding(ref)) rebound = true;
        else if (!isDetachedCheck(ref)) uses.add(ref);
      }
    }
    return rebound ? 'stop' : 'past';
  });
  return [...uses].sort((a, b) => a.pos - b.pos);
}

/** Whether `node` is in the `catch` of a `try` block that holds `call`. */
function catchesFrom(node: ts.Node, call: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n && !isFunctionBoundary(n); n = n.parent) {
    if (ts.isCatchClause(n)) return isInside(call, n.parent.tryBlock);
  }
  return false;
}

/** `x = …`, `const x = …`, `let x;` (a loop body's declaration makes a new variable each time round). */
function isRebinding(ref: ts.Identifier): boolean {
  const p = ref.parent;
  if ((ts.isVariableDeclaration(p) || ts.isBindingElement(p)) && p.name === ref) return true;
  const assignment = outerParent(ref);
  return ts.isBinaryExpression(assignment) && assignment.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    skipOuter(assignment.left) === ref;
}

/** The head of `for (const x of …)` binds its variable afresh on every iteration. */
function rebindsLoopVariable(facts: FileFacts, ast: ts.Node, symbol: ts.Symbol): boolean {
  const loop = ast.parent;
  if (!loop || !(ts.isForOfStatement(loop) || ts.isForInStatement(loop)) || loop.expression !== ast) return false;
  return facts.refs.within(symbol, loop.initializer).some(isRebinding);
}

/** A function or class declared in a statement runs when called, not where it is written. */
function inDeclaredFunction(ref: ts.Node, stop: ts.Node): boolean {
  for (let n = ref.parent; n && n !== stop; n = n.parent) {
    if (ts.isClassLike(n) || (isFunctionBoundary(n) && !ts.isArrowFunction(n) && !ts.isFunctionExpression(n))) return true;
  }
  return false;
}

/** `buf.detached` asks whether the transfer happened: that is the one read that makes sense. */
function isDetachedCheck(ref: ts.Identifier): boolean {
  const p = ref.parent;
  return ts.isPropertyAccessExpression(p) && p.expression === ref && p.name.text === 'detached';
}

function fixesFor(facts: FileFacts, crossing: Crossing, item: ts.Expression, moved: Moved): Fix[] {
  // A port cannot be copied, and a port in the message must be in the list: no edit keeps it here.
  if (moved.kind === 'port') return [];
  const fixes: Fix[] = [];
  const copy = transferCopy(facts, crossing, item, moved);
  if (copy) fixes.push(copy);
  const drop = removeFromTransferList(crossing, item);
  if (drop) fixes.push({ title: 'Copy instead of transferring', kind: 'safe', edits: [drop] });
  return fixes;
}

/**
 * "Transfer a copy": `const bufCopy = buf.slice();` before the statement that posts, and the copy in
 * the message and the list in place of the original, which stays usable here. Not for a view whose
 * message sends its whole `.buffer`: a copy of the view holds only the view's bytes.
 */
function transferCopy(facts: FileFacts, crossing: Crossing, item: ts.Expression, moved: Moved): Fix | undefined {
  // `slice()` copies a buffer or a typed array; a DataView has none.
  const stmt = postingStatement(crossing.node);
  if (!stmt || (moved.kind !== 'buffer' && moved.kind !== 'typed-array')) return undefined;
  const inMessage = facts.refs.within(moved.symbol, crossing.payload);
  if (moved.kind === 'typed-array' && inMessage.some(ref => ts.isPropertyAccessExpression(ref.parent) && ref.parent.name.text === 'buffer')) {
    return undefined;
  }
  const name = freshName(facts, `${moved.name}Copy`, stmt);
  const text = facts.text;
  const declaration = `const ${name} = ${moved.name}.slice();${newlineOf(text)}${lineIndent(text, stmt.getStart())}`;
  const renames = [...inMessage, ...facts.refs.within(moved.symbol, item)].map(ref =>
    ts.isShorthandPropertyAssignment(ref.parent) ? replaceNode(ref, `${ref.text}: ${name}`) : replaceNode(ref, name));
  return { title: 'Transfer a copy', kind: 'safe', edits: [insertAt(facts.file, stmt.getStart(), declaration), ...renames] };
}

/** The statement, directly in a block, whose expression or initializer is the posting call. */
function postingStatement(call: ts.Node): ts.Statement | undefined {
  let stmt = outerParent(call);
  if (ts.isVariableDeclaration(stmt) && stmt.initializer && skipOuter(stmt.initializer) === call) stmt = stmt.parent.parent;
  else if (!ts.isExpressionStatement(stmt)) return undefined;
  const holder = stmt.parent;
  const inList = ts.isBlock(holder) || ts.isSourceFile(holder) || ts.isCaseClause(holder) || ts.isDefaultClause(holder) || ts.isModuleBlock(holder);
  return inList && (ts.isExpressionStatement(stmt) || ts.isVariableStatement(stmt)) ? stmt : undefined;
}

/** `base`, or `base2`, `base3`… when the name is taken where it would be declared. */
function freshName(facts: FileFacts, base: string, at: ts.Node): string {
  let name = base;
  for (let i = 2; facts.checker.resolveName(name, at, ts.SymbolFlags.Value, false); i++) name = `${base}${i}`;
  return name;
}

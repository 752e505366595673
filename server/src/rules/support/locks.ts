/** What the lock rules share: the events they judge, how a lock is named to the reader, where it was taken, region shapes. */
import { ts } from '../../analysis/ts';
import type { CfgNode } from '../../analysis/cfg/graph';
import type { FileFacts } from '../../analysis/file-facts';
import type { Related, Span } from '../../core/finding';
import { FunctionLocks, LockEvent, LockKey, READ_SUFFIX, UNKNOWN_LOCK } from '../../analysis/locks/events';
import { atomicsCallName, skipOuter } from '../../analysis/syntax/syntax';

export interface LocatedEvent {
  fl: FunctionLocks;
  n: CfgNode;
  event: LockEvent;
}

/**
 * Every lock event of the file's functions that use locks (not those that implement one), once per
 * syntax node: a `finally` block built for several exits holds each of its events once per copy.
 */
export function lockEvents(facts: FileFacts, kind: LockEvent['kind']): LocatedEvent[] {
  const out: LocatedEvent[] = [];
  for (const fl of facts.locks.held.functionsWithLocks(facts.file)) {
    if (facts.locks.summaries.isImplementation(fl.fn)) continue;
    for (const [n, events] of fl.events) {
      for (const event of events) {
        if (event.kind === kind && !event.transient && event.key !== UNKNOWN_LOCK && event.flavor !== 'unknown') out.push({ fl, n, event });
      }
    }
  }
  return out;
}

/** Groups located events by their syntax node and key, keeping each copy. */
export function byNode(events: readonly LocatedEvent[]): LocatedEvent[][] {
  const groups = new Map<string, LocatedEvent[]>();
  for (const e of events) {
    const id = `${e.event.node.pos}:${e.event.node.end}:${e.event.key}`;
    const list = groups.get(id);
    if (list) list.push(e);
    else groups.set(id, [e]);
  }
  return [...groups.values()];
}

/** The lock as the reader wrote it at an event: `this.mutex`, `cells[LOCK]`, or the key. */
export function lockName(event: LockEvent): string {
  const node = event.node;
  if (ts.isCallExpression(node)) {
    const callee = skipOuter(node.expression);
    const atomic = atomicsCallName(node);
    if (atomic && node.arguments.length >= 2) return `${node.arguments[0].getText()}[${node.arguments[1].getText()}]`;
    if (!event.viaCall && ts.isPropertyAccessExpression(callee)) return callee.expression.getText();
  }
  const raw = ts.isExpression(node) ? rawCellText(node) : undefined;
  return raw ?? event.key.replace(READ_SUFFIX, '');
}

/** `a[i]` of the `Atomics` call a spin lock's condition takes the lock with. */
function rawCellText(cond: ts.Expression): string | undefined {
  let found: string | undefined;
  const visit = (n: ts.Node): void => {
    const name = atomicsCallName(n);
    if (!found && (name === 'compareExchange' || name === 'exchange') && ts.isCallExpression(n) && n.arguments.length >= 2) {
      found = `${n.arguments[0].getText()}[${n.arguments[1].getText()}]`;
    }
    ts.forEachChild(n, visit);
  };
  visit(cond);
  return found;
}

export function spanOf(node: ts.Node): Span {
  return { file: node.getSourceFile().fileName, start: node.getStart(), end: node.end };
}

/** Related information at every place `key`, held at `pos` of `n`, was taken. */
export function whereTaken(facts: FileFacts, fl: FunctionLocks, n: CfgNode, pos: number, key: LockKey, name: string): Related[] {
  return facts.locks.held.whereTaken(fl, n, pos, key).map(at => ({
    span: spanOf(at),
    message: at === fl.initialSite && !ts.isCallExpression(at) ? `'${name}' is held on entry (@requires)` : `'${name}' is taken here`,
  }));
}

/** The line of a node, 1-based, for messages. */
export function lineOf(node: ts.Node): number {
  return node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1;
}

/** The statement an event stands as: `m.lock();`, `const release = await m.acquire();`, a spin loop. */
export function statementOf(event: LockEvent): ts.Statement | undefined {
  let n: ts.Node = event.node;
  if (!ts.isCallExpression(n)) {
    // A spin lock's condition: the loop (or the loop around its `if (…) break;`).
    const p = n.parent;
    if (ts.isIfStatement(p)) {
      const loop = ts.isBlock(p.parent) ? p.parent.parent : p.parent;
      return ts.isIterationStatement(loop, false) ? loop : undefined;
    }
    return ts.isIterationStatement(p, false) ? p : undefined;
  }
  for (;;) {
    const p: ts.Node = n.parent;
    if (ts.isAwaitExpression(p) || ts.isParenthesizedExpression(p)) n = p;
    else if (ts.isVariableDeclaration(p) && p.initializer === n) n = p;
    else if (ts.isVariableDeclarationList(p) && p.declarations.length === 1) n = p;
    else break;
  }
  const stmt = n.parent;
  return ts.isExpressionStatement(stmt) || ts.isVariableStatement(stmt) ? stmt : undefined;
}

/** The statements of the list a statement sits in (a block, a case clause, the file). */
export function siblingsOf(stmt: ts.Statement): readonly ts.Statement[] | undefined {
  const p = stmt.parent;
  return ts.isBlock(p) || ts.isSourceFile(p) || ts.isCaseClause(p) || ts.isDefaultClause(p) || ts.isModuleBlock(p) ? p.statements : undefined;
}

/** Whether a statement is only a release of `key` (`m.unlock();`, `release();`, `Atomics.store(a, i, 0);`). */
export function isReleaseStatement(facts: FileFacts, stmt: ts.Statement, key: LockKey): boolean {
  if (!ts.isExpressionStatement(stmt)) return false;
  const e = skipOuter(stmt.expression);
  return ts.isCallExpression(e) && facts.locks.calls.of(e).some(x => x.kind === 'release' && x.key === key && !x.transient);
}

/** `Atomics.notify(a, …)` right after a raw lock's release: part of it. */
export function isNotifyOf(stmt: ts.Statement | undefined, release: ts.Statement): boolean {
  if (!stmt || !ts.isExpressionStatement(stmt) || !ts.isExpressionStatement(release)) return false;
  const notify = skipOuter(stmt.expression);
  const store = skipOuter(release.expression);
  return atomicsCallName(notify) === 'notify' && ts.isCallExpression(notify) && ts.isCallExpression(store) && atomicsCallName(store) !== undefined &&
    notify.arguments[0]?.getText() === store.arguments[0]?.getText();
}

/**
 * A critical section written as one straight piece: the acquisition statement, then either the body
 * and the release statements, or `try { body } finally { release }`; or a `withLock` callback.
 * Undefined for any other shape (branches, several releases): those are not "only this".
 */
export interface SimpleRegion {
  /** The statement that takes the lock (the `withLock(…)` call's statement for a callback). */
  acquire: ts.Statement;
  /** Statements, or the expression of an arrow callback's concise body. */
  body: readonly (ts.Statement | ts.Expression)[];
  /** The release statement(s); none for a callback. */
  release: readonly ts.Statement[];
  /** The last statement of the region as written (the `try`, the release, or the `withLock` statement). */
  last: ts.Statement;
}

export function simpleRegion(facts: FileFacts, event: LockEvent): SimpleRegion | undefined {
  const acquire = statementOf(event);
  const list = acquire && siblingsOf(acquire);
  if (!acquire || !list || ts.isIterationStatement(acquire, false) && !isSpinOnly(acquire)) return undefined;
  const i = list.indexOf(acquire);
  const next = list[i + 1];
  if (!next) return undefined;
  const releaseAt = (j: number): ts.Statement[] | undefined => {
    const s = list[j];
    if (!s || !isReleaseStatement(facts, s, event.key)) return undefined;
    return isNotifyOf(list[j + 1], s) ? [s, list[j + 1]] : [s];
  };
  if (ts.isTryStatement(next) && next.finallyBlock && !next.catchClause) {
    const fin = next.finallyBlock.statements;
    const rel = fin[0] && isReleaseStatement(facts, fin[0], event.key) ? (isNotifyOf(fin[1], fin[0]) ? [fin[0], fin[1]] : [fin[0]]) : undefined;
    if (!rel || rel.length !== fin.length) return undefined;
    return { acquire, body: next.tryBlock.statements, release: rel, last: next };
  }
  for (let j = i + 1; j < list.length; j++) {
    const rel = releaseAt(j);
    if (rel) return { acquire, body: list.slice(i + 1, j), release: rel, last: rel[rel.length - 1] };
    if (containsLockEvent(facts, list[j], event.key)) return undefined;
  }
  return undefined;
}

/** The callback body of `m.withLock(() => …)` whose statement is the whole call, as a region. */
export function callbackRegion(fl: FunctionLocks): SimpleRegion | undefined {
  const fn = fl.fn;
  const call = fl.initialSite;
  if (!call || !ts.isCallExpression(call) || (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn))) return undefined;
  const stmt = call.parent;
  if (!ts.isExpressionStatement(stmt)) return undefined;
  return { acquire: stmt, body: ts.isBlock(fn.body) ? fn.body.statements : [fn.body], release: [], last: stmt };
}

function isSpinOnly(loop: ts.IterationStatement): boolean {
  const body = loop.statement;
  const stmts = ts.isBlock(body) ? body.statements : [body];
  return stmts.every(s => ts.isExpressionStatement(s) && atomicsCallName(skipOuter(s.expression)) !== undefined || ts.isIfStatement(s) || ts.isBreakStatement(s));
}

function containsLockEvent(facts: FileFacts, stmt: ts.Statement, key: LockKey): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && facts.locks.calls.of(n).some(e => e.key === key)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(stmt);
  return found;
}

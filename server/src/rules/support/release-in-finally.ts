/**
 * "Release in `finally`": `m.lock(); … m.unlock();` becomes `m.lock(); try { … } finally { m.unlock(); }`,
 * so that no return, throw or jump can leave with the lock held. The region runs from the acquisition
 * to its last release in the same block (to the end of the block when there is none); releases inside
 * it that the `finally` now makes redundant are removed. Comments stay where they were, the region is
 * indented one step. No fix when the region is not one block's run of statements, re-takes the lock,
 * or declares names used after it (they would fall out of scope), except before a lone `return`,
 * which then moves into the `try` (the lock is released as the value is returned, as before).
 */
import { ts } from '../../analysis/ts';
import type { Fix, FixKind } from '../../core/finding';
import type { FileFacts } from '../../analysis/file-facts';
import { LockEvent } from '../../analysis/locks/events';
import { atomicsCallName, indentUnit, isFunctionBoundary, lineIndent, newlineOf, skipOuter } from '../../analysis/syntax/syntax';
import { isNotifyOf, isReleaseStatement, siblingsOf, statementOf } from './locks';

export const RELEASE_IN_FINALLY = 'Release in finally';

export function releaseInFinallyFix(facts: FileFacts, event: LockEvent, kind: FixKind): Fix | undefined {
  const acquire = statementOf(event);
  const list = acquire && siblingsOf(acquire);
  if (!acquire || !list) return undefined;
  const after = list.slice(list.indexOf(acquire) + 1);
  let last = -1;
  after.forEach((s, i) => {
    if (isReleaseStatement(facts, s, event.key)) last = i;
  });
  let release: ts.Statement[] = [];
  let region: ts.Statement[];
  if (last >= 0) {
    release = isNotifyOf(after[last + 1], after[last]) ? [after[last], after[last + 1]] : [after[last]];
    region = after.slice(0, last);
    const rest = after.slice(last + release.length);
    if (declaresNamesUsedIn(facts, region, rest)) {
      if (rest.length !== 1 || !ts.isReturnStatement(rest[0])) return undefined;
      // The release moves into `finally` with the rest: the region now ends with the `return`.
      region = after.slice(0, last + release.length + 1);
    }
  } else {
    region = after;
  }
  if (region.length === 0 || region.some(s => retakes(facts, s, event))) return undefined;
  const releaseText = release.length > 0 ? release.map(s => s.getText()) : constructedRelease(facts, event);
  if (!releaseText) return undefined;
  const removals = innerReleases(facts, region, event);
  if (!removals) return undefined;

  const text = facts.text;
  const nl = newlineOf(text);
  const indent = lineIndent(text, acquire.getStart());
  const unit = indentUnit(text);
  const regionEnd = region[region.length - 1].end;
  const editEnd = release.length > 0 && release[release.length - 1].end > regionEnd ? release[release.length - 1].end : regionEnd;
  const bodyEnd = release.length > 0 && release[0].getStart() > regionEnd ? release[0].getStart() : regionEnd;
  if (hasMultilineTemplate(region)) return undefined;
  // A comment on the acquisition's line stays on it.
  const start = ts.getTrailingCommentRanges(text, acquire.end)?.reduce((end, c) => Math.max(end, c.end), acquire.end) ?? acquire.end;
  let body = text.slice(start, bodyEnd);
  for (const r of [...removals].sort((a, b) => b.start - a.start)) {
    body = body.slice(0, r.start - start) + body.slice(r.end - start);
  }
  body = body.replace(/\s+$/, '').replace(/(\r?\n)([^\r\n]*)/g, (_, br: string, line: string) => (line.trim() === '' ? br : `${br}${unit}${line}`));
  const finallyBody = releaseText.map(t => `${nl}${indent}${unit}${t}`).join('');
  const newText = `${nl}${indent}try {${body}${nl}${indent}} finally {${finallyBody}${nl}${indent}}`;
  return { title: RELEASE_IN_FINALLY, kind, edits: [{ file: facts.file.fileName, start, end: editEnd, newText }] };
}

/** The release to write when the block has none: the lock's pair method, the `release` it returned, or a raw store and notify. */
function constructedRelease(facts: FileFacts, event: LockEvent): string[] | undefined {
  const node = event.node;
  if (ts.isCallExpression(node) && !event.viaCall) {
    const callee = skipOuter(node.expression);
    const holder = statementOf(event);
    if (holder && ts.isVariableStatement(holder)) {
      const name = holder.declarationList.declarations[0].name;
      return ts.isIdentifier(name) && event.flavor === 'in-thread' ? [`${name.text}();`] : undefined;
    }
    const methods = facts.locks.methodsOf.get(event.key);
    if (ts.isPropertyAccessExpression(callee) && methods) return [`${callee.expression.getText()}.${methods.release}();`];
    return undefined;
  }
  if (!ts.isCallExpression(node)) {
    let cell: ts.CallExpression | undefined;
    const visit = (n: ts.Node): void => {
      const name = atomicsCallName(n);
      if (!cell && (name === 'compareExchange' || name === 'exchange') && ts.isCallExpression(n)) cell = n;
      ts.forEachChild(n, visit);
    };
    visit(node);
    if (!cell) return undefined;
    const [arr, index] = cell.arguments.map(a => a.getText());
    return [`Atomics.store(${arr}, ${index}, 0);`, `Atomics.notify(${arr}, ${index}, 1);`];
  }
  return undefined;
}

/** Release statements inside the region (with a raw lock's notify), as ranges to delete; undefined when one cannot go. */
function innerReleases(facts: FileFacts, region: readonly ts.Statement[], event: LockEvent): { start: number; end: number }[] | undefined {
  const out: { start: number; end: number }[] = [];
  let blocked = false;
  const text = facts.text;
  const wholeLines = (start: number, end: number): { start: number; end: number } => {
    let s = start;
    while (s > 0 && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
    let e = end;
    while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
    if ((s === 0 || text[s - 1] === '\n') && (text[e] === '\n' || text.startsWith('\r\n', e))) {
      return { start: s, end: e + (text[e] === '\n' ? 1 : 2) };
    }
    return { start, end };
  };
  const visit = (n: ts.Node): void => {
    if (blocked || isFunctionBoundary(n)) return;
    if (ts.isStatement(n) && isReleaseStatement(facts, n, event.key)) {
      const list = siblingsOf(n);
      if (!list) {
        blocked = true;
        return;
      }
      const next = list[list.indexOf(n) + 1];
      const end = isNotifyOf(next, n) ? next!.end : n.end;
      out.push(wholeLines(n.getStart(), end));
      return;
    }
    ts.forEachChild(n, visit);
  };
  for (const s of region) visit(s);
  return blocked ? undefined : out;
}

function retakes(facts: FileFacts, stmt: ts.Statement, event: LockEvent): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || isFunctionBoundary(n)) return;
    if (ts.isCallExpression(n) && facts.locks.calls.of(n).some(e => e.kind === 'acquire' && e.key === event.key)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(stmt);
  return found;
}

function declaresNamesUsedIn(facts: FileFacts, region: readonly ts.Statement[], rest: readonly ts.Statement[]): boolean {
  const declared: ts.Symbol[] = [];
  const collect = (name: ts.BindingName | ts.Identifier | undefined): void => {
    if (!name) return;
    if (ts.isIdentifier(name)) {
      const sym = facts.checker.getSymbolAtLocation(name);
      if (sym) declared.push(sym);
    } else {
      for (const el of name.elements) if (!ts.isOmittedExpression(el)) collect(el.name);
    }
  };
  for (const s of region) {
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) collect(d.name);
    else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) collect(s.name);
  }
  return declared.some(sym => rest.some(r => facts.refs.within(sym, r).length > 0));
}

function hasMultilineTemplate(region: readonly ts.Statement[]): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if ((ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) && n.getText().includes('\n')) found = true;
    else ts.forEachChild(n, visit);
  };
  for (const s of region) visit(s);
  return found;
}

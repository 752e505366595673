import { ts } from '../analysis/ts';
import type { FileFacts } from '../analysis/file-facts';
import type { Fix, Related } from '../core/finding';
import { READ_SUFFIX } from '../analysis/locks/events';
import { memberLockKey } from '../analysis/locks/keys';
import { MUTATING_METHODS } from '../analysis/memory/memory-access';
import { enclosingFunction, isFunctionBoundary, jsDocTagArguments, outerParent, skipOuter } from '../analysis/syntax/syntax';
import { TYPED_ARRAYS, builtinName } from '../analysis/syntax/types';
import { Rule } from '../engine/rule';
import { spanOf } from './support/locks';
import { wrapInLockFix } from './support/wrap-in-lock';

export const guardedByViolation: Rule = {
  meta: {
    id: 'guarded-by-violation',
    family: 'locks',
    defaultSeverity: 'error',
    description: 'A declaration tagged `@guardedBy L` read or written, or a function tagged `@requires L` called, without `L` held.',
  },
  check(ctx) {
    const { facts } = ctx;
    for (const { symbol, decl, lock } of tagged(facts, 'guardedBy')) {
      const isView = isMemoryView(facts, decl);
      for (const ref of facts.refs.of(symbol)) {
        if (isDeclarationName(ref, decl) || isExempt(facts, ref, decl)) continue;
        const access = accessOf(ref, isView);
        if (!access) continue;
        const receiver = ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref ? ref.parent.expression : undefined;
        const key = requiredKey(lock, receiver);
        if (!key || isHeld(facts, access.node, key, access.write)) continue;
        const name = ref.text;
        ctx.report({
          at: access.node,
          message: `'${name}' is guarded by '${key}' (@guardedBy), but this ${access.write ? 'writes' : 'reads'} it without holding '${key}': ` +
            'another thread can change it meanwhile, and the updates race.',
          related: related(facts, decl, key, `'${name}' is declared guarded by '${key}' here`),
          fixes: wrapFix(facts, access.node, key),
        });
      }
    }
    for (const { symbol, decl, lock } of tagged(facts, 'requires')) {
      if (!isFunctionBoundary(decl) && !ts.isVariableDeclaration(decl)) continue;
      const fn = ts.isVariableDeclaration(decl) && decl.initializer ? skipOuter(decl.initializer) : decl;
      const params = isFunctionBoundary(fn) && !ts.isClassStaticBlockDeclaration(fn) ? fn.parameters.map(p => (ts.isIdentifier(p.name) ? p.name.text : '')) : [];
      for (const ref of facts.refs.of(symbol)) {
        const callee = ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref ? ref.parent : ref;
        const call = outerParent(callee);
        if (!ts.isCallExpression(call) || skipOuter(call.expression) !== callee || isExempt(facts, call, decl)) continue;
        const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
        const key = requiredKey(substituteParams(lock, params, call), receiver);
        if (!key || isHeld(facts, call, key, true)) continue;
        ctx.report({
          at: call,
          message: `'${ref.text}' requires '${key}' held (@requires), but it is called here without it: its body touches what '${key}' guards, unprotected.`,
          related: related(facts, decl, key, `'${ref.text}' is declared to require '${key}' here`),
          fixes: wrapFix(facts, call, key),
        });
      }
    }
  },
};

interface Tagged {
  symbol: ts.Symbol;
  decl: ts.Declaration;
  lock: string;
}

/**
 * Declarations tagged `@<tag> L` that this file can reach: its own (variables, class and interface
 * members, functions) and those it imports (with the members of imported classes).
 */
function tagged(facts: FileFacts, tag: string): Tagged[] {
  const out: Tagged[] = [];
  const consider = (decl: ts.Declaration | undefined): void => {
    if (!decl) return;
    const tagged = jsDocTagArguments(decl, tag)?.find(k => k !== '');
    const lock = tagged && memberLockKey(facts.checker, decl, tagged);
    const name = (decl as ts.NamedDeclaration).name;
    const symbol = lock && name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) ? facts.checker.getSymbolAtLocation(name) : undefined;
    if (lock && symbol && !out.some(t => t.symbol === symbol)) out.push({ symbol, decl, lock });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) || ts.isPropertyDeclaration(n) || ts.isPropertySignature(n) || ts.isFunctionDeclaration(n) ||
        ts.isMethodDeclaration(n) || (ts.isParameter(n) && ts.isParameterPropertyDeclaration(n, n.parent))) {
      consider(n);
    }
    ts.forEachChild(n, visit);
  };
  if (facts.text.includes(`@${tag}`)) visit(facts.file);
  for (const stmt of facts.file.statements) {
    if (!ts.isImportDeclaration(stmt) || !stmt.importClause?.namedBindings || !ts.isNamedImports(stmt.importClause.namedBindings)) continue;
    for (const spec of stmt.importClause.namedBindings.elements) {
      let sym = facts.checker.getSymbolAtLocation(spec.name);
      if (sym && (sym.flags & ts.SymbolFlags.Alias)) sym = facts.checker.getAliasedSymbol(sym);
      const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
      if (!decl || !decl.getSourceFile().text.includes(`@${tag}`)) continue;
      consider(decl);
      if (ts.isClassLike(decl) || ts.isInterfaceDeclaration(decl)) for (const m of decl.members) consider(m);
    }
  }
  return out;
}

/** The tag's lock for an access: a member's own lock is `this.L` of the object accessed (`bank.L` for `bank.x`). */
function requiredKey(lock: string, receiver: ts.Expression | undefined): string | undefined {
  if (!lock.startsWith('this.')) return lock;
  if (!receiver) return undefined;
  const r = skipOuter(receiver);
  return r.kind === ts.SyntaxKind.ThisKeyword ? lock : `${r.getText().replace(/\s+/g, '')}${lock.slice(4)}`;
}

function substituteParams(lock: string, params: readonly string[], call: ts.CallExpression): string {
  const root = /^[A-Za-z_$][\w$]*/.exec(lock)?.[0];
  const i = root ? params.indexOf(root) : -1;
  return i >= 0 && call.arguments[i] ? skipOuter(call.arguments[i]).getText() + lock.slice(root!.length) : lock;
}

function isHeld(facts: FileFacts, at: ts.Node, key: string, write: boolean): boolean {
  const held = facts.locks.held.locksHeldAt(at);
  const canonical = canonicalKey(facts, key, at);
  return held.has('?') || held.has(canonical) || (!write && held.has(canonical + READ_SUFFIX));
}

/** A tag names the lock as written; the model keys it with `const` aliases followed. */
function canonicalKey(facts: FileFacts, key: string, at: ts.Node): string {
  const root = /^[A-Za-z_$][\w$]*/.exec(key)?.[0];
  if (!root || root === 'this') return key;
  const sym = facts.checker.resolveName(root, at, ts.SymbolFlags.Value, false);
  const decl = sym?.valueDeclaration;
  const id = decl && (ts.isVariableDeclaration(decl) || ts.isBindingElement(decl)) && ts.isIdentifier(decl.name) ? decl.name : undefined;
  return id ? facts.locks.keys.lockKeyOf(id) + key.slice(root.length) : key;
}

/** The initializer and, for a class member, the constructor run before the object is shared; lock implementations are trusted. */
function isExempt(facts: FileFacts, node: ts.Node, decl: ts.Declaration): boolean {
  if (ts.isVariableDeclaration(decl) && decl.initializer && node.pos >= decl.initializer.pos && node.end <= decl.initializer.end) return true;
  const fn = enclosingFunction(node);
  if (ts.isConstructorDeclaration(fn) && fn.parent === decl.parent) return true;
  if (fn === decl || (ts.isVariableDeclaration(decl) && decl.initializer && skipOuter(decl.initializer) === fn)) return true;
  return facts.locks.summaries.isImplementation(fn);
}

function isDeclarationName(ref: ts.Identifier, decl: ts.Declaration): boolean {
  return (decl as ts.NamedDeclaration).name === ref;
}

/**
 * The access a reference makes: for shared memory (a typed array, `DataView`), reading or writing its
 * contents (`a[i]`, `a.fill(…)`), not handing the view around or reading `.length`; for anything else, any use.
 */
function accessOf(ref: ts.Identifier, isView: boolean): { node: ts.Expression; write: boolean } | undefined {
  const value: ts.Expression = ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref ? ref.parent : ref;
  const p = outerParent(value);
  if (isView) {
    if (ts.isElementAccessExpression(p) && skipOuter(p.expression) === value) return { node: p, write: isWritten(p) };
    if (ts.isPropertyAccessExpression(p) && skipOuter(p.expression) === value && ts.isCallExpression(p.parent) &&
        (MUTATING_METHODS.has(p.name.text) || /^(set|get)(Int|Uint|Float|Big)/.test(p.name.text))) {
      return { node: p.parent, write: !p.name.text.startsWith('get') };
    }
    return undefined;
  }
  if (ts.isPropertyAccessExpression(p) && skipOuter(p.expression) === value && p.name.text === 'length') return undefined;
  return { node: value, write: isWritten(value) };
}

function isWritten(e: ts.Expression): boolean {
  const p = outerParent(e);
  if (ts.isBinaryExpression(p) && skipOuter(p.left) === e) {
    const k = p.operatorToken.kind;
    return k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
  }
  return (ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) &&
    (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken);
}

function isMemoryView(facts: FileFacts, decl: ts.Declaration): boolean {
  const name = builtinName(facts.checker.getTypeAtLocation(decl));
  return name !== undefined && (TYPED_ARRAYS.has(name) || name === 'DataView');
}

/** The tagged declaration, and where this file takes the lock elsewhere. */
function related(facts: FileFacts, decl: ts.Declaration, key: string, message: string): Related[] {
  const out: Related[] = [{ span: spanOf((decl as ts.NamedDeclaration).name ?? decl), message }];
  for (const fl of facts.locks.held.functionsWithLocks(facts.file)) {
    for (const events of fl.events.values()) {
      const taken = events.find(e => e.kind === 'acquire' && e.key === key);
      if (taken && out.length < 2) out.push({ span: spanOf(taken.node), message: `'${key}' is taken here` });
    }
  }
  return out;
}

/** "Wrap in lock `L`" around the statement of the access, when `L` is a typed lock in scope there. */
function wrapFix(facts: FileFacts, at: ts.Node, key: string): Fix[] {
  let stmt: ts.Node = at;
  while (stmt.parent && !ts.isStatement(stmt) && !isFunctionBoundary(stmt)) stmt = stmt.parent;
  if (!ts.isExpressionStatement(stmt)) return [];
  const methods = facts.locks.methodsAt(canonicalKey(facts, key, at), at) ?? facts.locks.methodsAt(key, at);
  const fix = methods && !key.includes('[') ? wrapInLockFix(facts, stmt, key, methods) : undefined;
  return fix ? [fix] : [];
}

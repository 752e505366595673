import { ts } from '../analysis/ts';
import type { Fix } from '../analysis/finding';
import type { FileFacts } from '../analysis/file-facts';
import { dependsOnThreadIdentity } from '../analysis/identity';
import { BIGINT_ARRAYS, INTEGER_ARRAYS } from '../analysis/types';
import { indentUnit, isPure, isValueUnused, lineIndent, newlineOf, outerParent, skipOuter } from '../analysis/syntax';
import { Rule, replaceNode } from './rule';
import { SharedAccess, unlockedSharedAccess, whereShared } from './support/shared-access';

const ATOMIC_OF_COMPOUND: Partial<Record<ts.SyntaxKind, [string, string]>> = {
  [ts.SyntaxKind.PlusEqualsToken]: ['add', '+'],
  [ts.SyntaxKind.MinusEqualsToken]: ['sub', '-'],
  [ts.SyntaxKind.AmpersandEqualsToken]: ['and', '&'],
  [ts.SyntaxKind.BarEqualsToken]: ['or', '|'],
  [ts.SyntaxKind.CaretEqualsToken]: ['xor', '^'],
};
const ATOMIC_OF_BINARY: Partial<Record<ts.SyntaxKind, [string, string]>> = {
  [ts.SyntaxKind.PlusToken]: ['add', '+'],
  [ts.SyntaxKind.MinusToken]: ['sub', '-'],
  [ts.SyntaxKind.AmpersandToken]: ['and', '&'],
  [ts.SyntaxKind.BarToken]: ['or', '|'],
  [ts.SyntaxKind.CaretToken]: ['xor', '^'],
};
const PLAIN_STORE_METHODS = new Set(['set', 'fill']);

export const unsynchronizedSharedWrite: Rule = {
  meta: {
    id: 'unsynchronized-shared-write',
    family: 'sync',
    defaultSeverity: 'warning',
    description: 'A plain write to shared memory outside a lock: concurrent updates are lost or seen torn.',
  },
  check(ctx) {
    const { facts } = ctx;
    for (const access of facts.accesses) {
      if (access.kind !== 'write') continue;
      const shared = unlockedSharedAccess(facts, access);
      if (!shared || isExempt(facts, shared)) continue;
      const fixes = [atomicFix(shared), lockFix(facts, shared)].filter((f): f is Fix => f !== undefined);
      ctx.report({ at: access.node, message: message(shared), fixes, related: whereShared(facts, shared) });
    }
  },
};

function isExempt(facts: FileFacts, { access, provenance }: SharedAccess): boolean {
  if (facts.sharing.isBeforeSharing(access.node, provenance)) return true;
  if (isPlainStore(access.node) && facts.sharing.isPublishedAfter(access.node)) return true;
  const index = access.element?.argumentExpression;
  return index !== undefined && facts.threadAt(access.node) !== 'main' && dependsOnThreadIdentity(index, facts);
}

/** `=`, `set` and `fill` store without reading; a publishing atomic after them orders them. */
function isPlainStore(node: ts.Expression): boolean {
  if (ts.isBinaryExpression(node)) return node.operatorToken.kind === ts.SyntaxKind.EqualsToken;
  if (ts.isCallExpression(node)) {
    const callee = skipOuter(node.expression);
    return ts.isPropertyAccessExpression(callee) && PLAIN_STORE_METHODS.has(callee.name.text);
  }
  return false;
}

function message({ access }: SharedAccess): string {
  const target = skipOuter(access.target).getText();
  switch (access.form) {
    case 'compound':
    case 'update':
      return `'${clip(access.node.getText())}' is a read-modify-write of shared memory without Atomics or a lock: ` +
        `when another thread updates '${target}' at the same time, one of the updates is lost.`;
    case 'assign':
      return `Plain write to shared memory '${clip(access.element!.getText())}' outside a lock: other threads may ` +
        `never see it, or see it out of order with your other writes. Use Atomics.store or hold a lock.`;
    default:
      return `'${clip(access.node.getText())}' writes shared memory without synchronization: other threads ` +
        `reading '${target}' meanwhile see a half-written state.`;
  }
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}

/** `a[i] op= n`, `a[i]++`, `a[i] = a[i] op n`, `a[i] = v` → the matching `Atomics` call. */
function atomicFix({ access, viewType }: SharedAccess): Fix | undefined {
  const el = access.element;
  if (!el || !INTEGER_ARRAYS.has(viewType)) return undefined;
  const arr = el.expression.getText();
  const idx = el.argumentExpression.getText();
  const node = access.node;
  const unused = isValueUnused(node);
  const call = (op: string, operand: string): string => `Atomics.${op}(${arr}, ${idx}, ${operand})`;
  /** The expression's value is the *new* one: rebuild it from the old value Atomics returns. */
  const newValue = (op: string, sign: string, operand: ts.Expression | string): string | undefined => {
    if (unused) return call(op, typeof operand === 'string' ? operand : operand.getText());
    if (typeof operand !== 'string' && !isPure(operand)) return undefined;
    const text = typeof operand === 'string' ? operand : operand.getText();
    const rebuilt = `${call(op, text)} ${sign} ${text}`;
    // Parenthesised already (`(a[i] |= b)`): a second pair would only add noise.
    return ts.isParenthesizedExpression(node.parent) ? rebuilt : `(${rebuilt})`;
  };
  let text: string | undefined;
  let op: string | undefined;
  if (access.form === 'update' && (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node))) {
    const one = BIGINT_ARRAYS.has(viewType) ? '1n' : '1';
    const [name, sign] = node.operator === ts.SyntaxKind.PlusPlusToken ? ['add', '+'] : ['sub', '-'];
    op = name;
    // Atomics returns the old value: exactly a postfix update's value.
    text = ts.isPostfixUnaryExpression(node) ? call(name, one) : newValue(name, sign, one);
  } else if (access.form === 'compound' && ts.isBinaryExpression(node)) {
    const pair = ATOMIC_OF_COMPOUND[node.operatorToken.kind];
    if (!pair) return undefined;
    op = pair[0];
    text = newValue(pair[0], pair[1], node.right);
  } else if (access.form === 'assign' && ts.isBinaryExpression(node)) {
    const rmw = readModifyWrite(node.right, el);
    if (rmw) {
      if (!isPure(el.expression) || !isPure(el.argumentExpression)) return undefined;
      op = rmw.op;
      text = newValue(rmw.op, rmw.sign, rmw.operand);
    } else if (unused) {
      op = 'store';
      text = call('store', node.right.getText());
    }
  }
  if (!text || !op) return undefined;
  return { title: `Use Atomics.${op}`, kind: 'safe', edits: [replaceNode(node, text)] };
}

/** `a[i] + n`, `n + a[i]` (commutative operators only), `a[i] - n`: an update spelled as a store. */
function readModifyWrite(rhs: ts.Expression, el: ts.ElementAccessExpression): { op: string; sign: string; operand: ts.Expression } | undefined {
  const e = skipOuter(rhs);
  if (!ts.isBinaryExpression(e)) return undefined;
  const pair = ATOMIC_OF_BINARY[e.operatorToken.kind];
  if (!pair) return undefined;
  const same = (x: ts.Expression): boolean => skipOuter(x).getText().replace(/\s+/g, '') === el.getText().replace(/\s+/g, '');
  if (same(e.left)) return { op: pair[0], sign: pair[1], operand: e.right };
  if (same(e.right) && pair[0] !== 'sub') return { op: pair[0], sign: pair[1], operand: e.left };
  return undefined;
}

/**
 * "Wrap in lock `m`": when another access to the same buffer in this file is made under a lock
 * object `m` that is also in scope here, take that lock around this statement.
 */
function lockFix(facts: FileFacts, { access, provenance }: SharedAccess): Fix | undefined {
  const stmt = outerParent(access.node);
  if (!ts.isExpressionStatement(stmt)) return undefined;
  const guard = guardAt(facts, provenance.roots, stmt);
  if (!guard) return undefined;
  const { key, methods } = guard;
  const text = facts.text;
  const nl = newlineOf(text);
  const indent = lineIndent(text, stmt.getStart());
  const unit = indentUnit(text);
  const wrapped = `${key}.${methods.acquire}();${nl}${indent}try {${nl}${indent}${unit}${stmt.getText()}${nl}` +
    `${indent}} finally {${nl}${indent}${unit}${key}.${methods.release}();${nl}${indent}}`;
  return { title: `Wrap in lock ${key}`, kind: 'suggestion', edits: [replaceNode(stmt, wrapped)] };
}

/** A typed lock seen held over some access to shared memory, by the text that names it. */
interface Guard {
  key: string;
  methods: { acquire: string; release: string };
}

/** What a lock's text names: its class for `this.…`, else the symbol its first name resolves to. */
type LockOwner = ts.Node | ts.Symbol;

/** Per shared-memory root, per lock text, per what that text names: the locks seen guarding the root. */
type GuardIndex = Map<ts.Node, Map<string, Map<LockOwner, Guard>>>;

const guardIndex = new WeakMap<FileFacts, GuardIndex>();

/** A lock that guards these roots elsewhere and that its text still names at `at`. */
function guardAt(facts: FileFacts, roots: ReadonlySet<ts.Node>, at: ts.Node): Guard | undefined {
  for (const root of roots) {
    for (const [key, byOwner] of guardsOf(facts).get(root) ?? []) {
      const owner = lockOwner(facts, key, at);
      const guard = owner && byOwner.get(owner);
      if (guard) return guard;
    }
  }
  return undefined;
}

/** Built once per file: every access under a typed lock, once, instead of once per finding. */
function guardsOf(facts: FileFacts): GuardIndex {
  let index = guardIndex.get(facts);
  if (index) return index;
  index = new Map();
  guardIndex.set(facts, index);
  for (const access of facts.accesses) {
    const held = facts.locks.heldAt(access.node);
    if (held.size === 0) continue;
    const roots = facts.provenance.of(access.target).roots;
    for (const key of held) {
      const methods = facts.locks.methodsOf.get(key);
      const owner = methods && lockOwner(facts, key, access.node);
      if (!methods || !owner) continue;
      for (const root of roots) {
        let byKey = index.get(root);
        if (!byKey) index.set(root, byKey = new Map());
        let byOwner = byKey.get(key);
        if (!byOwner) byKey.set(key, byOwner = new Map());
        if (!byOwner.has(owner)) byOwner.set(owner, { key, methods });
      }
    }
  }
  return index;
}

/** What the lock expression `key` names at `at`: its class for `this.…`, else its first name's symbol. */
function lockOwner(facts: FileFacts, key: string, at: ts.Node): LockOwner | undefined {
  if (!/^(this\.)?[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(key)) return undefined;
  if (key.startsWith('this.')) {
    for (let p: ts.Node | undefined = at; p; p = p.parent) if (ts.isClassLike(p)) return p;
    return undefined;
  }
  return facts.checker.resolveName(key.split('.')[0], at, ts.SymbolFlags.Value, false);
}

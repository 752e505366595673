import { ts } from '../analysis/ts';
import type { Fix } from '../core/finding';
import type { FileFacts } from '../analysis/file-facts';
import { isOwnSliceIndex } from '../analysis/memory/identity';
import { outerParent, skipOuter } from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';
import { replaceNode } from './support/edits';
import { SharedAccess, unlockedSharedAccess, whereShared } from './support/shared-access';
import { atomicRewrite } from './support/atomic-rewrite';
import { wrapInLockFix } from './support/wrap-in-lock';
import type { LockMethods } from '../analysis/locks/events';

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
  if (facts.sharing.isBeforeSharing(access.node, provenance) || facts.sharing.isAnsweredRequest(access.node, provenance)) return true;
  if (isPlainStore(access.node) && facts.sharing.isPublishedAfter(access.node)) return true;
  const index = access.element?.argumentExpression;
  return index !== undefined && facts.threadAt(access.node) !== 'main' && isOwnSliceIndex(index, facts);
}

/** `=`, `set` and `fill` store without reading; a publishing atomic or message after them orders them. */
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
  const rewrite = atomicRewrite(access, viewType);
  return rewrite && { title: `Use Atomics.${rewrite.op}`, kind: 'safe', edits: [replaceNode(access.node, rewrite.text)] };
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
  return wrapInLockFix(facts, stmt, guard.key, guard.methods);
}

/** A typed lock seen held over some access to shared memory, by the text that names it. */
interface Guard {
  key: string;
  methods: LockMethods;
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
    const held = facts.locks.held.heldAt(access.node);
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

/** The question both shared-memory access rules start from: is this a plain access to shared memory? */
import type { FileFacts } from '../../analysis/file-facts';
import type { MemoryAccess } from '../../analysis/memory/memory-access';
import { type Provenance, originKind } from '../../analysis/memory/provenance';
import type { Related } from '../../core/finding';
import { TYPED_ARRAYS, builtinName } from '../../analysis/syntax/types';
import { hasJsDocTag } from '../../analysis/syntax/syntax';
import { ts } from '../../analysis/ts';
import { READ_SUFFIX } from '../../analysis/locks/events';

export interface SharedAccess {
  access: MemoryAccess;
  provenance: Provenance;
  /** `Int32Array`, `Float64Array`, `DataView`… */
  viewType: string;
}

/** The access, when it touches shared memory outside any held lock; undefined when it does not or we cannot tell. */
export function unlockedSharedAccess(facts: FileFacts, access: MemoryAccess): SharedAccess | undefined {
  const type = facts.typeOf(access.target);
  const localView = builtinName(type);
  // An `any` is judged only in a module other threads send memory to: their code says what it is.
  const untyped = (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0 && facts.spawners.length > 0;
  if (!localView && !untyped) return undefined;
  if (localView && (access.form === 'dataview' ? localView !== 'DataView' : !TYPED_ARRAYS.has(localView))) return undefined;
  const provenance = facts.provenance.of(access.target);
  if (provenance.state !== 'shared') return undefined;
  const viewType = localView ?? provenance.view;
  if (!viewType || (access.form === 'dataview' ? viewType !== 'DataView' : !TYPED_ARRAYS.has(viewType))) return undefined;
  // Declarations tagged @guardedBy are judged by guarded-by-violation, with the lock they name.
  if (isDeclaredGuarded(facts, access.target)) return undefined;
  // A read lock lets other readers in but no writer: it protects reads, not writes.
  const held = [...facts.locks.held.heldAt(access.node)];
  if (held.some(key => access.kind === 'read' || !key.endsWith(READ_SUFFIX))) return undefined;
  if (facts.locks.recognition.mayHoldUnseenLock(access.node)) return undefined;
  return { access, provenance, viewType };
}

/** Whether the memory an expression names is declared `@guardedBy` a lock (its protocol is that lock). */
export function isDeclaredGuarded(facts: FileFacts, target: ts.Expression): boolean {
  const sym = facts.checker.getSymbolAtLocation(target);
  return sym?.valueDeclaration !== undefined && hasJsDocTag(sym.valueDeclaration, 'guardedBy');
}

const ORIGIN_MESSAGE = {
  allocation: 'the shared buffer is created here',
  parameter: 'the shared memory comes in through this parameter',
  type: 'its declared type says this memory is shared',
  annotation: 'declared shared here (@shared)',
  other: 'the shared memory comes from here',
} as const;

/**
 * Why this memory is shared, for the reader: where the buffer was made (or came in), and for a
 * worker module, the spawn sites that start the thread on the other side.
 */
export function whereShared(facts: FileFacts, { provenance }: Pick<SharedAccess, 'provenance'>): Related[] {
  const origins = [...provenance.roots].slice(0, 3).map(root => ({
    span: { file: root.getSourceFile().fileName, start: root.getStart(), end: root.end },
    message: ORIGIN_MESSAGE[originKind(root)],
  }));
  const spawners = facts.role.module === 'worker'
    ? facts.spawners.slice(0, 2).map(s => ({ span: { file: s.file, start: s.start, end: s.end }, message: 'this worker is spawned here' }))
    : [];
  return [...origins, ...spawners];
}

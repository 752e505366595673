/**
 * The raw Atomics spin lock: a `compareExchange` / `exchange` from free (0) to taken, retried in a loop;
 * released by `Atomics.store(a, i, 0)`, `exchange(a, i, 0)` or `sub(a, i, 1)` of a cell some code takes
 * that way. The same operations on a mailbox, slot or counter release nothing.
 */
import { ts } from '../ts';
import { atomicsCallName, outerParent, skipOuter, type FunctionLike } from '../syntax/syntax';
import { rawTakeCandidates } from './lock-relevance';
import type { LockEvent, LockKey } from './events';
import { hasParameter, keyRoot, type LockKeys } from './keys';

const rawCellsOf = new WeakMap<ts.Program, ReadonlySet<string>>();

export class RawLocks {
  constructor(private readonly program: ts.Program, private readonly keys: LockKeys) {}

  /**
   * The cell `Atomics.compareExchange(a, i, FREE, TAKEN)` takes (FREE is 0), or `Atomics.exchange(a, i, TAKEN)`
   * whose result is compared with FREE: an exchange that is not checked stores a value, it takes nothing.
   */
  takeKey(call: ts.Expression, compared: ts.Expression | undefined): LockKey | undefined {
    const c = skipOuter(call);
    const name = atomicsCallName(c);
    if (!name || !ts.isCallExpression(c)) return undefined;
    const [arr, index, a3, a4] = c.arguments;
    if (!arr || !index) return undefined;
    const { keys } = this;
    const taken = name === 'compareExchange' && a3 && a4 && keys.constantOf(a3) === 0 ? keys.constantOf(a4)
      : name === 'exchange' && a3 && compared && keys.constantOf(compared) === 0 ? keys.constantOf(a3) : undefined;
    return taken !== undefined && taken !== 0 ? keys.cellKeyOf(arr, index) : undefined;
  }

  /** The release an `Atomics` call would be if its cell is a lock's: storing or exchanging in free, taking one off. */
  releaseOf(call: ts.CallExpression, atomic: string): LockEvent | undefined {
    const [arr, index, value] = call.arguments;
    const { keys } = this;
    const releases = value && ((atomic === 'store' || atomic === 'exchange') && keys.constantOf(value) === 0 || atomic === 'sub' && keys.constantOf(value) === 1);
    return releases && arr && index ? { kind: 'release', key: keys.cellKeyOf(arr, index), node: call, flavor: 'blocking', raw: true } : undefined;
  }

  /**
   * Whether a raw release (`Atomics.store(a, i, 0)`, `exchange(a, i, 0)`, `sub(a, i, 1)`) is a lock's: the
   * same cell is taken here, or somewhere in the program by a `compareExchange` from free (or a test-and-set
   * `exchange` checked against free), or it is a parameter's cell, which the caller judges with its own
   * name for it. Otherwise the cell is a mailbox, a counter or a slot whose reset is no lock's release
   * (synckit's `Atomics.store(view, 0, 0)` after a wait, a pool's counter reset after a handshake).
   * A release through a lock-named or tagged helper's call is a lock's by that name.
   */
  isLockCell(e: LockEvent, fn: FunctionLike, acquired: ReadonlySet<LockKey>): boolean {
    if (acquired.has(e.key) || (e.viaCall && !e.implicit) || hasParameter(fn, keyRoot(e.key))) return true;
    return this.lockCells().has(this.keys.cellId(e.key, e.node));
  }

  /** The cells the program takes as raw locks, by `cellId`: computed once per program. */
  private lockCells(): ReadonlySet<string> {
    let cells = rawCellsOf.get(this.program);
    if (!cells) {
      const found = new Set<string>();
      for (const call of rawTakeCandidates(this.program)) {
        const key = this.takeKey(call, comparedWith(call));
        if (key) found.add(this.keys.cellId(key, call));
      }
      rawCellsOf.set(this.program, cells = found);
    }
    return cells;
  }
}

/** The other side of an equality comparison a call's result is the operand of. */
function comparedWith(call: ts.CallExpression): ts.Expression | undefined {
  const p = outerParent(call);
  if (!ts.isBinaryExpression(p) || !EQUALITY.has(p.operatorToken.kind)) return undefined;
  return skipOuter(p.left) === call ? p.right : p.left;
}

const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken,
]);

/** Where a raw lock's take is retried: a loop's condition, or an `if` in a loop's body that leaves the loop. */
export function isRetried(cond: ts.Expression): boolean {
  const p = cond.parent;
  if (ts.isWhileStatement(p) || ts.isDoStatement(p) || (ts.isForStatement(p) && p.condition === cond)) return true;
  if (!ts.isIfStatement(p) || !isBreakOut(p.thenStatement)) return false;
  const body = ts.isBlock(p.parent) ? p.parent.parent : p.parent;
  return ts.isIterationStatement(body, false);
}

function isBreakOut(s: ts.Statement): boolean {
  if (ts.isBreakStatement(s) || ts.isReturnStatement(s)) return true;
  return ts.isBlock(s) && s.statements.length > 0 && isBreakOut(s.statements[s.statements.length - 1]);
}

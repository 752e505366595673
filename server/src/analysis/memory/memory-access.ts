/**
 * The places a file reads or writes typed-array memory: element reads and writes, `++`/`--`,
 * compound assignments, the mutating methods of typed arrays and the accessors of `DataView`.
 * Purely syntactic: whether the memory is a typed array, and shared, is for the rules to ask.
 */
import { ts } from '../ts';
import { atomicsCallName, outerParent, skipOuter } from '../syntax/syntax';

export type AccessForm =
  | 'assign'      // a[i] = v
  | 'compound'    // a[i] op= v
  | 'update'      // a[i]++, --a[i]
  | 'method'      // a.set(…), a.fill(…), …
  | 'dataview'    // dv.setInt32(…) / dv.getInt32(…)
  | 'element';    // a[i] read

export interface MemoryAccess {
  kind: 'read' | 'write';
  form: AccessForm;
  /** The whole expression to report and to rewrite (assignment, update, call or element access). */
  node: ts.Expression;
  /** The array or view accessed. */
  target: ts.Expression;
  /** The element access, for element forms. */
  element?: ts.ElementAccessExpression;
}

export const MUTATING_METHODS = new Set(['set', 'fill', 'copyWithin', 'sort', 'reverse']);
const DATAVIEW_SETTER = /^set(Int8|Uint8|Int16|Uint16|Int32|Uint32|Float16|Float32|Float64|BigInt64|BigUint64)$/;
const DATAVIEW_GETTER = /^get(Int8|Uint8|Int16|Uint16|Int32|Uint32|Float16|Float32|Float64|BigInt64|BigUint64)$/;

export function memoryAccesses(file: ts.SourceFile): MemoryAccess[] {
  const out: MemoryAccess[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isElementAccessExpression(n) && !n.questionDotToken) {
      out.push(elementAccess(n));
    } else if (ts.isCallExpression(n)) {
      const callee = skipOuter(n.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        const m = callee.name.text;
        if (MUTATING_METHODS.has(m)) out.push({ kind: 'write', form: 'method', node: n, target: callee.expression });
        else if (DATAVIEW_SETTER.test(m)) out.push({ kind: 'write', form: 'dataview', node: n, target: callee.expression });
        else if (DATAVIEW_GETTER.test(m)) out.push({ kind: 'read', form: 'dataview', node: n, target: callee.expression });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return out;
}

function elementAccess(e: ts.ElementAccessExpression): MemoryAccess {
  const p = outerParent(e);
  const base = { target: e.expression, element: e };
  if (ts.isBinaryExpression(p) && skipOuter(p.left) === e) {
    const k = p.operatorToken.kind;
    if (k === ts.SyntaxKind.EqualsToken) return { kind: 'write', form: 'assign', node: p, ...base };
    if (k >= ts.SyntaxKind.FirstCompoundAssignment && k <= ts.SyntaxKind.LastCompoundAssignment) {
      return { kind: 'write', form: 'compound', node: p, ...base };
    }
  }
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) &&
      (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)) {
    return { kind: 'write', form: 'update', node: p, ...base };
  }
  return { kind: 'read', form: 'element', node: e, ...base };
}

export interface AtomicsCall {
  /** `add`, `wait`, `notify`… */
  name: string;
  call: ts.CallExpression;
}

/** Every `Atomics.<op>(…)` call of the file. */
export function atomicsCalls(file: ts.SourceFile): AtomicsCall[] {
  const out: AtomicsCall[] = [];
  const visit = (n: ts.Node): void => {
    const name = atomicsCallName(n);
    if (name) out.push({ name, call: n as ts.CallExpression });
    ts.forEachChild(n, visit);
  };
  visit(file);
  return out;
}

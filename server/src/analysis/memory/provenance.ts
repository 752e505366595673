/**
 * Shared-memory provenance inside a program: is the memory behind an expression shared, provably not
 * shared, or unknown? Values are followed through views, `subarray`, `.buffer`, assignments,
 * destructuring, parameters of functions called in the same file, and returns. Each shared value
 * carries its *roots*: the `new SharedArrayBuffer(…)` that made it, or the declaration through which it
 * arrived from outside (a parameter, a `workerData` binding, a `@shared` declaration), so that rules can
 * ask whether two views share a buffer and whether a buffer has been handed to another thread yet.
 * Cross-thread provenance (what a spawner put in `workerData` or posted) comes in through `external`.
 */
import { ts } from '../ts';
import { hasJsDocTag, isFunctionBoundary, propertyName, skipOuter } from '../syntax/syntax';
import { BufferState, TYPED_ARRAYS, bufferStateOfType, builtinName, isNumberType } from '../syntax/types';
import type { References } from '../syntax/references';
import type { ExternalValues } from '../threads/cross-thread';

export interface Provenance {
  readonly state: BufferState;
  /**
   * Where the value comes from: `new SharedArrayBuffer` expressions, or the declarations and
   * expressions it entered by from code we cannot follow. A shared value with any root of the
   * second kind may already be in another thread's hands.
   */
  readonly roots: ReadonlySet<ts.Node>;
  /**
   * The view kind (`Int32Array`, `DataView`…) where another thread's code says it and this file's
   * types do not (a value typed `any` that a spawner built as an `Int32Array`).
   */
  readonly view?: string;
}

/** Whether two values come from a common root: they may be views of the same memory. */
export function sharesRoot(a: Provenance, b: Provenance): boolean {
  for (const root of a.roots) if (b.roots.has(root)) return true;
  return false;
}

const UNKNOWN: Provenance = { state: 'unknown', roots: new Set() };
const LOGICAL_ASSIGNMENTS = new Set([ts.SyntaxKind.QuestionQuestionEqualsToken, ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.AmpersandAmpersandEqualsToken]);

/** The expressions a property or binding may hold, and whether they are all of them. */
interface PropertySources {
  values: ts.Expression[];
  complete: boolean;
}
const NOT_FOLLOWED: PropertySources = { values: [], complete: false };
const UNSHARED: Provenance = { state: 'unshared', roots: new Set() };
const MAX_DEPTH = 12;
/** View methods that return a view over a new, ordinary buffer. */
const COPYING_METHODS = new Set(['slice', 'map', 'filter', 'toSorted', 'toReversed', 'with']);

export function isAllocationRoot(root: ts.Node): boolean {
  return ts.isNewExpression(root);
}

export type OriginKind = 'allocation' | 'parameter' | 'type' | 'annotation' | 'other';

/** What kind of place a provenance root is, for telling the user why memory is shared. */
export function originKind(root: ts.Node): OriginKind {
  if (isAllocationRoot(root)) return 'allocation';
  if (hasJsDocTag(root, 'shared')) return 'annotation';
  if (ts.isParameter(root)) return 'parameter';
  if (ts.isPropertySignature(root) || ts.isPropertyDeclaration(root) || ts.isTypeElement(root)) return 'type';
  return 'other';
}

export class ProvenanceAnalysis {
  private readonly symbolCache = new Map<ts.Symbol, Provenance>();
  private readonly inProgress = new Set<ts.Symbol>();

  /** `external`: what arrives from other threads (cross-thread provenance), when the analysis knows them. */
  constructor(private readonly checker: ts.TypeChecker, private readonly refs: References, private readonly external?: ExternalValues) {}

  of(expr: ts.Expression): Provenance {
    return this.value(expr, 0);
  }

  private value(expr: ts.Expression, depth: number): Provenance {
    if (depth > MAX_DEPTH) return UNKNOWN;
    const e = skipOuter(expr);
    if (ts.isNewExpression(e)) return this.construction(e, depth);
    if (ts.isCallExpression(e)) return this.call(e, depth);
    if (ts.isConditionalExpression(e)) return combine([this.value(e.whenTrue, depth + 1), this.value(e.whenFalse, depth + 1)]);
    if (ts.isBinaryExpression(e)) {
      const k = e.operatorToken.kind;
      if (k === ts.SyntaxKind.BarBarToken || k === ts.SyntaxKind.QuestionQuestionToken) {
        return combine([this.value(e.left, depth + 1), this.value(e.right, depth + 1)]);
      }
      if (k === ts.SyntaxKind.EqualsToken) return this.value(e.right, depth + 1);
      if (LOGICAL_ASSIGNMENTS.has(k)) return combine([this.value(e.left, depth + 1), this.value(e.right, depth + 1)]);
    }
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'buffer' && this.isView(e.expression)) {
      return this.value(e.expression, depth + 1);
    }
    if (this.external && (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e))) {
      // What another thread sent: its real origin beats whatever this file's types say.
      const sent = this.external.valueOf(e);
      if (sent) return sent;
    }
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
      const sym = this.symbolOf(ts.isIdentifier(e) ? e : e.name);
      const sources = sym ? [this.symbolValue(sym, depth + 1)] : [];
      // `getCache().view`, `cache.view` where `cache` was given `{ view }`: what the object was built with,
      // beside what the property's declared type says.
      if (ts.isPropertyAccessExpression(e)) {
        for (const v of this.propertySources(e.expression, e.name.text, depth + 1).values) sources.push(this.value(v, depth + 1));
      }
      const p = combine(sources);
      if (p.state !== 'unknown') return p;
    }
    return this.fromType(e, e);
  }

  private construction(e: ts.NewExpression, depth: number): Provenance {
    const ctor = skipOuter(e.expression);
    const name = ts.isIdentifier(ctor) ? ctor.text : undefined;
    if (name === 'SharedArrayBuffer') return { state: 'shared', roots: new Set([e]) };
    if (name === 'ArrayBuffer') return UNSHARED;
    if (!name || !(TYPED_ARRAYS.has(name) || name === 'DataView')) return this.fromType(e, e);
    const arg = e.arguments?.[0];
    if (!arg) return UNSHARED;
    const argType = this.checker.getTypeAtLocation(arg);
    if (isNumberType(argType)) return UNSHARED;
    const argName = builtinName(argType);
    // A view over a buffer shares it; a view built from another view or an array is a copy.
    if (argName && (TYPED_ARRAYS.has(argName) || argName === 'Array')) return UNSHARED;
    if (ts.isArrayLiteralExpression(skipOuter(arg))) return UNSHARED;
    return this.value(arg, depth + 1);
  }

  private call(e: ts.CallExpression, depth: number): Provenance {
    const callee = skipOuter(e.expression);
    if (ts.isPropertyAccessExpression(callee) && this.isView(callee.expression)) {
      const method = callee.name.text;
      if (method === 'subarray') return this.value(callee.expression, depth + 1);
      if (COPYING_METHODS.has(method)) return UNSHARED;
    }
    // `Int32Array.from(view)` / `.of(…)` always allocate a fresh, ordinary ArrayBuffer.
    if (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'from' || callee.name.text === 'of')) {
      const ctor = skipOuter(callee.expression);
      if (ts.isIdentifier(ctor) && TYPED_ARRAYS.has(ctor.text)) return UNSHARED;
    }
    const target = this.localFunction(callee);
    if (target) {
      const returns: Provenance[] = [];
      forEachReturn(target, r => returns.push(this.value(r, depth + 1)));
      if (returns.length > 0) {
        const p = combine(returns);
        if (p.state !== 'unknown') return p;
      }
    }
    return this.fromType(e, e);
  }

  /** The value a symbol holds, from every place in this file that gives it one. */
  private symbolValue(sym: ts.Symbol, depth: number): Provenance {
    const cached = this.symbolCache.get(sym);
    if (cached) return cached;
    if (this.inProgress.has(sym)) return UNKNOWN;
    this.inProgress.add(sym);
    const result = this.computeSymbolValue(sym, depth);
    this.inProgress.delete(sym);
    this.symbolCache.set(sym, result);
    return result;
  }

  private computeSymbolValue(sym: ts.Symbol, depth: number): Provenance {
    const decl = sym.valueDeclaration ?? sym.declarations?.[0];
    if (!decl) return UNKNOWN;
    if (hasJsDocTag(decl, 'shared')) return { state: 'shared', roots: new Set([decl]) };
    const sources: Provenance[] = [];
    if (ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl) || ts.isPropertyAssignment(decl)) {
      if (decl.initializer) sources.push(this.value(decl.initializer, depth));
    } else if (ts.isShorthandPropertyAssignment(decl)) {
      sources.push(this.value(decl.name, depth));
    } else if (ts.isBindingElement(decl)) {
      const { values, complete } = this.bindingSources(decl, depth);
      for (const v of values) sources.push(this.value(v, depth));
      if (!complete || values.length === 0) sources.push(this.declaredType(decl));
    } else if (ts.isParameter(decl)) {
      sources.push(...this.argumentsFor(decl, depth));
    }
    for (const rhs of this.assignmentsTo(sym)) sources.push(this.value(rhs, depth));
    const result = combine(sources);
    return result.state === 'unknown' ? this.declaredType(decl) : result;
  }

  /** What a declaration's type says, the declaration being the value's root. */
  private declaredType(decl: ts.Declaration): Provenance {
    const name = (decl as ts.NamedDeclaration).name ?? decl;
    const state = bufferStateOfType(this.checker.getTypeAtLocation(name), this.checker);
    // A type alone never proves memory is unshared: `any` flows into `Int32Array<ArrayBuffer>` too.
    return { state: state === 'shared' ? state : 'unknown', roots: new Set([decl]) };
  }

  private fromType(e: ts.Expression, root: ts.Node): Provenance {
    const state = bufferStateOfType(this.checker.getTypeAtLocation(e), this.checker);
    return { state: state === 'shared' ? state : 'unknown', roots: new Set([root]) };
  }

  /**
   * The expressions that initialise a binding: `const [a] = [x]`, and `const { a } = h` where `h` is
   * an object literal, or reaches one (see `propertySources`).
   */
  private bindingSources(el: ts.BindingElement, depth: number): PropertySources {
    const pattern = el.parent;
    const holder = pattern.parent;
    if (!ts.isVariableDeclaration(holder) || !holder.initializer) return NOT_FOLLOWED;
    if (ts.isObjectBindingPattern(pattern)) {
      const key = el.propertyName ?? el.name;
      return ts.isIdentifier(key) && !el.dotDotDotToken ? this.propertySources(holder.initializer, key.text, depth) : NOT_FOLLOWED;
    }
    const init = skipOuter(holder.initializer);
    if (ts.isArrayLiteralExpression(init)) {
      const item = init.elements[pattern.elements.indexOf(el)];
      if (item && !ts.isSpreadElement(item) && !ts.isOmittedExpression(item)) return { values: [item], complete: true };
    }
    return NOT_FOLLOWED;
  }

  /**
   * The expressions `holder.key` may hold: the property of an object literal that `holder` is, or
   * reaches through `?:` / `||` / `??`, the initializer and assignments of a variable, and the returns
   * of a function of this file it calls (`const { view } = getCache()`, where `getCache` returns a
   * module's `cache`, set to `{ worker, view }` once). `complete` when every way was followed.
   */
  private propertySources(holder: ts.Expression, key: string, depth: number, seen = new Set<ts.Node>()): PropertySources {
    const e = skipOuter(holder);
    if (depth > MAX_DEPTH || seen.has(e)) return NOT_FOLLOWED;
    seen.add(e);
    const all = (holders: readonly ts.Expression[]): PropertySources => {
      const found = holders.map(h => this.propertySources(h, key, depth + 1, seen));
      return { values: found.flatMap(f => f.values), complete: holders.length > 0 && found.every(f => f.complete) };
    };
    if (ts.isObjectLiteralExpression(e)) {
      // The last property of that name wins, unless a spread after it may bring another.
      const props = e.properties;
      for (let i = props.length - 1; i >= 0; i--) {
        const p = props[i];
        const complete = !props.slice(i + 1).some(ts.isSpreadAssignment);
        if (ts.isPropertyAssignment(p) && propertyName(p.name) === key) return { values: [p.initializer], complete };
        if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) return { values: [p.name], complete };
      }
      return { values: [], complete: !props.some(ts.isSpreadAssignment) };
    }
    if (ts.isConditionalExpression(e)) return all([e.whenTrue, e.whenFalse]);
    if (ts.isBinaryExpression(e)) {
      const k = e.operatorToken.kind;
      if (k === ts.SyntaxKind.EqualsToken) return all([e.right]);
      if (k === ts.SyntaxKind.BarBarToken || k === ts.SyntaxKind.QuestionQuestionToken || LOGICAL_ASSIGNMENTS.has(k)) return all([e.left, e.right]);
    }
    if (ts.isCallExpression(e)) {
      const fn = this.localFunction(skipOuter(e.expression));
      const returns: ts.Expression[] = [];
      if (fn) forEachReturn(fn, r => returns.push(r));
      return all(returns);
    }
    if (ts.isIdentifier(e)) {
      const sym = this.refs.symbolAt(e);
      const decl = sym?.valueDeclaration;
      if (!sym || !decl || !ts.isVariableDeclaration(decl)) return NOT_FOLLOWED;
      return all([...(decl.initializer ? [decl.initializer] : []), ...this.assignmentsTo(sym)]);
    }
    return NOT_FOLLOWED;
  }

  /** Arguments passed for `param` at this file's calls of its function; unknown callers add the type. */
  private argumentsFor(param: ts.ParameterDeclaration, depth: number): Provenance[] {
    const fn = param.parent;
    const index = fn.parameters.indexOf(param);
    const fnSym = functionSymbol(fn, this.checker);
    const declared = this.declaredType(param);
    if (!fnSym || param.dotDotDotToken) return [declared];
    const out: Provenance[] = [];
    let escapes = isExported(fn);
    for (const ref of this.refs.of(fnSym)) {
      if (isDeclarationName(ref)) continue;
      const call = calleeCall(ref);
      if (!call) { escapes = true; continue; }
      const arg = call.arguments[index];
      if (arg) out.push(this.value(arg, depth));
    }
    if (escapes || out.length === 0) out.push(declared);
    return out;
  }

  /** Right-hand sides of `x = …` (and `??=`, `||=`, `&&=`) for this symbol in this file (`this.x = …`, `obj.x = …` too). */
  private assignmentsTo(sym: ts.Symbol): ts.Expression[] {
    const out: ts.Expression[] = [];
    for (const ref of this.refs.of(sym)) {
      let target: ts.Node = ref;
      if (ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref) target = ref.parent;
      const p = target.parent;
      if (p && ts.isBinaryExpression(p) && p.left === target &&
          (p.operatorToken.kind === ts.SyntaxKind.EqualsToken || LOGICAL_ASSIGNMENTS.has(p.operatorToken.kind))) {
        out.push(p.right);
      }
    }
    return out;
  }

  private symbolOf(id: ts.Identifier | ts.MemberName): ts.Symbol | undefined {
    return ts.isIdentifier(id) ? this.refs.symbolAt(id) : this.checker.getSymbolAtLocation(id);
  }

  private isView(e: ts.Expression): boolean {
    const name = builtinName(this.checker.getTypeAtLocation(e));
    return name !== undefined && (TYPED_ARRAYS.has(name) || name === 'DataView');
  }

  /** The declaration of a function called by name in the same program, when it has a body to read. */
  private localFunction(callee: ts.Expression): ts.FunctionLikeDeclaration | undefined {
    const id = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
    if (!id) return undefined;
    const sym = this.symbolOf(id);
    const decl = sym?.valueDeclaration;
    if (!decl) return undefined;
    if (isFunctionBoundary(decl) && decl.body) return decl;
    if (ts.isVariableDeclaration(decl) && decl.initializer) {
      const init = skipOuter(decl.initializer);
      if ((ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return init;
    }
    return undefined;
  }
}

function combine(ps: readonly Provenance[]): Provenance {
  if (ps.some(p => p.state === 'shared')) {
    const roots = new Set<ts.Node>();
    for (const p of ps) if (p.state !== 'unshared') for (const r of p.roots) roots.add(r);
    return { state: 'shared', roots };
  }
  if (ps.length > 0 && ps.every(p => p.state === 'unshared')) return UNSHARED;
  return UNKNOWN;
}

function forEachReturn(fn: ts.FunctionLikeDeclaration, visit: (e: ts.Expression) => void): void {
  const body = fn.body;
  if (!body) return;
  if (!ts.isBlock(body)) { visit(body); return; }
  const walk = (n: ts.Node): void => {
    if (ts.isReturnStatement(n) && n.expression) visit(n.expression);
    if (isFunctionBoundary(n) || ts.isClassLike(n)) return;
    ts.forEachChild(n, walk);
  };
  ts.forEachChild(body, walk);
}

/** The symbol a function is called by: its name, or the variable it initialises. */
export function functionSymbol(fn: ts.SignatureDeclaration, checker: ts.TypeChecker): ts.Symbol | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name) return checker.getSymbolAtLocation(fn.name);
  const holder = fn.parent;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && holder && ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) {
    return checker.getSymbolAtLocation(holder.name);
  }
  return undefined;
}

function isExported(fn: ts.SignatureDeclaration): boolean {
  let n: ts.Node = fn;
  if (!ts.isFunctionDeclaration(fn) && !ts.isMethodDeclaration(fn)) n = fn.parent?.parent?.parent ?? fn; // the variable statement
  if (ts.isMethodDeclaration(fn)) {
    const mods = ts.getCombinedModifierFlags(fn);
    return (mods & (ts.ModifierFlags.Private)) === 0; // a public method has callers we cannot see
  }
  return (ts.getCombinedModifierFlags(n as ts.Declaration) & ts.ModifierFlags.Export) !== 0 ||
    (ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some(m => m.kind === ts.SyntaxKind.ExportKeyword));
}

function isDeclarationName(id: ts.Identifier): boolean {
  const p = id.parent;
  return (ts.isFunctionDeclaration(p) || ts.isVariableDeclaration(p) || ts.isMethodDeclaration(p)) && p.name === id;
}

/** The call in which `ref` (or `x.ref`) is the callee. */
function calleeCall(ref: ts.Identifier): ts.CallExpression | undefined {
  let callee: ts.Node = ref;
  if (ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref) callee = ref.parent;
  const p = callee.parent;
  return p && ts.isCallExpression(p) && p.expression === callee ? p : undefined;
}

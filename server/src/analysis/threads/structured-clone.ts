/**
 * What structured cloning, the copy that `postMessage`, `workerData` and pool tasks make, does to a
 * value, read from its TypeScript type: it throws a DataCloneError on a function, a symbol, a Promise,
 * a weak collection or a DOM node; it copies a class instance's own data fields into a plain object,
 * dropping the prototype (methods, accessors) and the `#private` fields; and it can only move a
 * `MessagePort`, which must then be in the transfer list.
 *
 * Object and array literals are followed by their syntax, so each problem is placed at the property
 * or element that holds it; below that, the type is followed through own properties, arrays, tuples,
 * unions, index signatures and `Map` / `Set` contents, to a bounded depth and never into a type it is
 * already inside, so recursive types end. `any`, `unknown` and type parameters say nothing: unknown is silence.
 *
 * A send certainly throws only when every value its type allows does. A union some of whose members
 * clone (`string | symbol`, a Proxy trap's key; `RegExp | (e) => boolean`) says nothing: the code may
 * well send only those. One whose only cloneable members are `undefined` / `null` (an optional or
 * nullable slot) throws whenever it is set: such problems are marked `whenSet`.
 */
import { ts } from '../ts';
import { propertyName, skipOuter } from '../syntax/syntax';
import { declarationOrigin } from '../syntax/types';

export type NotCloneable = 'function' | 'symbol' | 'Promise' | 'WeakMap' | 'WeakSet' | 'WeakRef' | 'FinalizationRegistry' | 'DOM node';

/** What a class instance loses on the way: its prototype's members and its `#private` fields. */
export interface LostMembers {
  readonly methods: readonly string[];
  readonly accessors: readonly string[];
  readonly privateFields: readonly string[];
  /**
   * Whether its data is public fields of its own classes, at least one, and nothing else: then `{ ...x }`
   * copies exactly what the clone carries.
   */
  readonly publicDataOnly: boolean;
}

export type CloneIssue =
  | { readonly kind: 'not-cloneable'; readonly what: NotCloneable }
  | { readonly kind: 'loses-prototype'; readonly className: string; readonly lost: LostMembers }
  | { readonly kind: 'port' };

/** One step from a value to a part of it. */
export type CloneStep =
  | { readonly kind: 'property'; readonly name: string }
  /** An array or tuple element; `index` when it is known (a tuple, an array literal). */
  | { readonly kind: 'element'; readonly index?: number }
  /** A value under an index signature (`Record<string, T>`). */
  | { readonly kind: 'index' }
  | { readonly kind: 'map-key' }
  | { readonly kind: 'map-value' }
  | { readonly kind: 'set-element' };

export interface CloneFinding {
  readonly issue: CloneIssue;
  /** Where the reader sees it: the payload, or the property / element of a literal in it that holds the problem. */
  readonly at: ts.Node;
  /** The expression whose type holds the problem; undefined for a method or getter written in a literal. */
  readonly value: ts.Expression | undefined;
  /** From the payload to the problem: through the literals, then through `value`'s type. */
  readonly steps: readonly CloneStep[];
  /** How many of the last `steps` lead from `value` to the problem (0: `value` is the problem itself). */
  readonly depthInValue: number;
  /** Whether an optional or nullable part on the way may leave the problem out: it is there only when that part is set. */
  readonly whenSet: boolean;
}

/** Type steps followed below a literal's leaf, and types visited per leaf, at most. */
const MAX_DEPTH = 6;
const MAX_TYPES = 256;
const FUNCTION_TYPES = new Set(['Function', 'CallableFunction', 'NewableFunction']);
const NOT_CLONEABLE = new Set<NotCloneable>(['Promise', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry']);
const MAPS = new Set(['Map', 'ReadonlyMap']);
const SETS = new Set(['Set', 'ReadonlySet']);
/** How the compiler keys members that structured clone never copies: `#private` ones and symbol-keyed ones. */
const PRIVATE_KEY = '__#';
const SYMBOL_KEY = '__@';

/** The problems structured clone meets in `payload`, each with where it sits (FileFacts.cloneIssues keeps them per payload). */
export function structuredCloneIssues(payload: ts.Expression, program: ts.Program): readonly CloneFinding[] {
  return new PayloadWalk(program).run(payload);
}

/** How a value is copied: as itself, as the own properties of an object spread, as the elements of an array spread. */
type CopiedAs = 'value' | 'own-properties' | 'elements';

/** The problems of one leaf expression's type: the types the walk is inside, and the budget left. */
interface Leaf {
  readonly at: ts.Node;
  readonly value: ts.Expression | undefined;
  readonly steps: readonly CloneStep[];
  readonly seen: Set<ts.Type>;
  budget: number;
}

class PayloadWalk {
  private readonly out: CloneFinding[] = [];
  private readonly checker: ts.TypeChecker;

  constructor(private readonly program: ts.Program) {
    this.checker = program.getTypeChecker();
  }

  run(payload: ts.Expression): CloneFinding[] {
    this.expression(payload, [], payload);
    return this.out;
  }

  /** A value as written: literals by their parts, anything else by its type. */
  private expression(expr: ts.Expression, steps: readonly CloneStep[], at: ts.Node): void {
    const e = skipOuter(expr);
    if (ts.isObjectLiteralExpression(e)) {
      for (const p of e.properties) this.property(p, steps);
    } else if (ts.isArrayLiteralExpression(e)) {
      e.elements.forEach((el, index) => {
        if (ts.isSpreadElement(el)) {
          const iterated = this.checker.getTypeAtLocation(el.expression);
          this.type(iterated, [], this.leaf(el, el.expression, steps), 'elements');
        } else if (!ts.isOmittedExpression(el)) {
          this.expression(el, [...steps, { kind: 'element', index }], el);
        }
      });
    } else {
      this.value(e, this.leaf(at, expr, steps));
    }
  }

  /**
   * A leaf value by its type; an untyped parameter (a JavaScript function's) by what every call in the
   * file passes it, when those calls are all the function's uses: `runTask(items, onProgress)` called
   * with an arrow sends a function whatever its parameter's type says.
   */
  private value(e: ts.Expression, leaf: Leaf): void {
    const type = this.checker.getTypeAtLocation(e);
    const passed = type.flags & ts.TypeFlags.Any && ts.isIdentifier(e) ? this.passedTo(e) : undefined;
    if (passed) this.alternatives(passed, [], leaf, 'value');
    else this.type(type, [], leaf, 'value');
  }

  /** The types of the arguments every call passes to the parameter `id` names; undefined when they cannot all be seen. */
  private passedTo(id: ts.Identifier): ts.Type[] | undefined {
    // `{ onProgress }` names the property; the value is the variable of the same name.
    const symbol = ts.isShorthandPropertyAssignment(id.parent) && id.parent.name === id
      ? this.checker.getShorthandAssignmentValueSymbol(id.parent) : this.checker.getSymbolAtLocation(id);
    const param = symbol?.valueDeclaration;
    if (!param || !ts.isParameter(param) || param.dotDotDotToken || param.initializer) return undefined;
    const fn = param.parent;
    const named = ts.isFunctionDeclaration(fn) ? fn.name
      : (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent) ? fn.parent.name : undefined;
    const holder = named && ts.isIdentifier(named) ? named : undefined;
    const fnSymbol = holder && this.checker.getSymbolAtLocation(holder);
    if (!holder || !fnSymbol || isExportedDeclaration(fn)) return undefined;
    const index = fn.parameters.indexOf(param);
    const passed: ts.Type[] = [];
    let seenOnly = true;
    const visit = (n: ts.Node): void => {
      if (!seenOnly) return;
      if (ts.isIdentifier(n) && n !== holder && n.text === holder.text && this.checker.getSymbolAtLocation(n) === fnSymbol) {
        const call = n.parent;
        const arg = ts.isCallExpression(call) && call.expression === n && !call.arguments.some(ts.isSpreadElement)
          ? call.arguments[index] : undefined;
        if (!arg) seenOnly = false;
        else passed.push(this.checker.getTypeAtLocation(arg));
      }
      ts.forEachChild(n, visit);
    };
    visit(fn.getSourceFile());
    return seenOnly && passed.length > 0 ? passed : undefined;
  }

  private property(p: ts.ObjectLiteralElementLike, steps: readonly CloneStep[]): void {
    if (ts.isSpreadAssignment(p)) {
      // A spread copies own properties only: the spread value's class does not travel, its fields do.
      this.type(this.checker.getTypeAtLocation(p.expression), [], this.leaf(p, p.expression, steps), 'own-properties');
      return;
    }
    // A computed key is a symbol (never cloned) or a string we cannot read.
    const name = p.name && propertyName(p.name);
    if (name === undefined) return;
    const inner: CloneStep[] = [...steps, { kind: 'property', name }];
    if (ts.isPropertyAssignment(p)) {
      this.expression(p.initializer, inner, p);
    } else if (ts.isShorthandPropertyAssignment(p)) {
      this.value(p.name, this.leaf(p, p.name, inner));
    } else if (ts.isMethodDeclaration(p)) {
      this.out.push({ issue: { kind: 'not-cloneable', what: 'function' }, at: p, value: undefined, steps: inner, depthInValue: 0, whenSet: false });
    } else if (ts.isGetAccessorDeclaration(p)) {
      // The clone reads a getter written in the literal: its value is what travels.
      const sym = this.checker.getSymbolAtLocation(p.name);
      if (sym) this.type(this.checker.getTypeOfSymbol(sym), [], this.leaf(p, undefined, inner), 'value');
    }
  }

  private leaf(at: ts.Node, value: ts.Expression | undefined, steps: readonly CloneStep[]): Leaf {
    return { at, value, steps, seen: new Set(), budget: MAX_TYPES };
  }

  private report(leaf: Leaf, rel: readonly CloneStep[], issue: CloneIssue): void {
    this.out.push({ issue, at: leaf.at, value: leaf.value, steps: [...leaf.steps, ...rel], depthInValue: rel.length, whenSet: false });
  }

  /**
   * The members of a union, each walked: their throwing problems are kept only when every member
   * that is a value throws, and marked `whenSet` when the union may also be `undefined` / `null`.
   */
  private union(type: ts.UnionType, rel: readonly CloneStep[], leaf: Leaf, as: CopiedAs): void {
    const start = this.out.length;
    const everyValueThrows = this.alternatives(type.types.filter(t => !(t.flags & NULLISH)), rel, leaf, as);
    if (everyValueThrows && type.types.some(t => t.flags & NULLISH)) this.markWhenSet(start);
  }

  /** A value of any one of `types`: their throwing problems are kept only when every one throws (and then it says so). */
  private alternatives(types: readonly ts.Type[], rel: readonly CloneStep[], leaf: Leaf, as: CopiedAs): boolean {
    const start = this.out.length;
    let everyValueThrows = true;
    for (const t of types) {
      const before = this.out.length;
      this.type(t, rel, leaf, as);
      if (!this.out.slice(before).some(throws)) everyValueThrows = false;
    }
    // Kept: only what every value meets (when some clone, the throwing problems go), each problem once.
    const found = this.out.slice(start).filter(f => everyValueThrows || !throws(f));
    const seen = new Set<string>();
    this.out.splice(start, Infinity, ...found.filter(f => {
      const key = JSON.stringify([f.at.pos, f.steps, f.issue]);
      return !seen.has(key) && seen.add(key);
    }));
    return everyValueThrows;
  }

  /** The throwing problems found since `start` are there only when an optional part is set. */
  private markWhenSet(start: number): void {
    for (let i = start; i < this.out.length; i++) if (throws(this.out[i])) this.out[i] = { ...this.out[i], whenSet: true };
  }

  /** What `type` holds, `rel` steps below the leaf, copied `as` a value or spread. */
  private type(type: ts.Type, rel: readonly CloneStep[], leaf: Leaf, as: CopiedAs): void {
    if (rel.length > MAX_DEPTH || leaf.budget <= 0) return;
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never | ts.TypeFlags.Instantiable)) return;
    if (type.isUnion()) {
      this.union(type, rel, leaf, as);
      return;
    }
    if (type.flags & ts.TypeFlags.ESSymbolLike) {
      if (as === 'value') this.report(leaf, rel, { kind: 'not-cloneable', what: 'symbol' });
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object) && !type.isIntersection()) return;
    // Only the types the walk is inside are skipped: one met again on another path may be judged
    // differently there (one member of a union among others), and the budget bounds the work.
    if (leaf.seen.has(type)) return;
    leaf.seen.add(type);
    leaf.budget--;
    this.object(type, rel, leaf, as);
    leaf.seen.delete(type);
  }

  private object(type: ts.Type, rel: readonly CloneStep[], leaf: Leaf, as: CopiedAs): void {
    if (as === 'elements') {
      const element = this.iteratedType(type);
      if (element) this.type(element, [...rel, { kind: 'element' }], leaf, 'value');
      return;
    }
    if (as === 'value' && (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0)) {
      this.report(leaf, rel, { kind: 'not-cloneable', what: 'function' });
      return;
    }
    // Before its members: an interface extending the DOM's element types is still a DOM node.
    if (as === 'value' && isDomNode(type, this.program)) {
      this.report(leaf, rel, { kind: 'not-cloneable', what: 'DOM node' });
      return;
    }
    const args = typeArguments(type, this.checker);
    if (this.checker.isTupleType(type)) {
      args.forEach((t, index) => this.type(t, [...rel, { kind: 'element', index }], leaf, 'value'));
      return;
    }
    if (this.checker.isArrayType(type)) {
      if (args[0]) this.type(args[0], [...rel, { kind: 'element' }], leaf, 'value');
      return;
    }
    const sym = type.getSymbol();
    const decl = sym?.declarations?.find(d => ts.isInterfaceDeclaration(d) || ts.isClassLike(d));
    if (sym && decl && declarationOrigin(decl, this.program).builtin) {
      this.builtin(sym.getName(), args, rel, leaf, as);
      return;
    }
    if (as === 'value' && sym && decl && ts.isClassLike(decl)) {
      const lost = lostMembers(type, this.program);
      if (lost) this.report(leaf, rel, { kind: 'loses-prototype', className: sym.getName(), lost });
    }
    this.members(type, rel, leaf);
  }

  /** A platform type, judged by name: what throws, what holds values to follow, what must be moved. */
  private builtin(name: string, args: readonly ts.Type[], rel: readonly CloneStep[], leaf: Leaf, as: CopiedAs): void {
    if (as !== 'value') return;
    if (FUNCTION_TYPES.has(name)) this.report(leaf, rel, { kind: 'not-cloneable', what: 'function' });
    else if (NOT_CLONEABLE.has(name as NotCloneable)) this.report(leaf, rel, { kind: 'not-cloneable', what: name as NotCloneable });
    else if (name === 'MessagePort') this.report(leaf, rel, { kind: 'port' });
    else if (MAPS.has(name) && args.length === 2) {
      this.type(args[0], [...rel, { kind: 'map-key' }], leaf, 'value');
      this.type(args[1], [...rel, { kind: 'map-value' }], leaf, 'value');
    } else if (SETS.has(name) && args.length === 1) {
      this.type(args[0], [...rel, { kind: 'set-element' }], leaf, 'value');
    }
  }

  /** The own properties the clone copies, and the values under index signatures. */
  private members(type: ts.Type, rel: readonly CloneStep[], leaf: Leaf): void {
    for (const prop of this.checker.getPropertiesOfType(type)) {
      const key = String(prop.escapedName);
      if (key.startsWith(PRIVATE_KEY) || key.startsWith(SYMBOL_KEY)) continue;
      const name = prop.getName();
      const inner: CloneStep[] = [...rel, { kind: 'property', name }];
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (decl && isPrototypeShaped(decl)) {
        // Written in an object literal, a method is an own property; in a class it is the prototype's
        // (send-loses-prototype); in an interface it may be either, so it says nothing.
        if (!ts.isObjectLiteralExpression(decl.parent)) continue;
        if (ts.isMethodDeclaration(decl)) {
          this.report(leaf, inner, { kind: 'not-cloneable', what: 'function' });
          continue;
        }
        if (!ts.isGetAccessorDeclaration(decl)) continue;
      }
      const start = this.out.length;
      this.type(this.checker.getTypeOfSymbol(prop), inner, leaf, 'value');
      // Without strictNullChecks an optional property's type does not say it may be absent.
      if (prop.flags & ts.SymbolFlags.Optional) this.markWhenSet(start);
    }
    for (const info of this.checker.getIndexInfosOfType(type)) this.type(info.type, [...rel, { kind: 'index' }], leaf, 'value');
  }

  /** The element type of an array or tuple that a spread iterates; undefined for other iterables. */
  private iteratedType(type: ts.Type): ts.Type | undefined {
    if (!this.checker.isArrayType(type) && !this.checker.isTupleType(type)) return undefined;
    return this.checker.getIndexTypeOfType(type, ts.IndexKind.Number);
  }
}

const NULLISH = ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void;

/** A function other modules can call: `export function f`, `export const f = …`. */
function isExportedDeclaration(fn: ts.SignatureDeclaration): boolean {
  const statement = ts.isFunctionDeclaration(fn) ? fn : fn.parent?.parent?.parent;
  return !!statement && ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some(m => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** A problem that makes the send throw, rather than lose something silently. */
function throws(f: CloneFinding): boolean {
  return f.issue.kind !== 'loses-prototype';
}

function isPrototypeShaped(decl: ts.Declaration): boolean {
  return ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl) || ts.isGetAccessorDeclaration(decl) || ts.isSetAccessorDeclaration(decl);
}

function typeArguments(type: ts.Type, checker: ts.TypeChecker): readonly ts.Type[] {
  return (type.flags & ts.TypeFlags.Object) && ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)
    ? checker.getTypeArguments(type as ts.TypeReference) : [];
}

/** A DOM `Node` (an element, a document, a text node…): it has the DOM's `nodeType`. */
function isDomNode(type: ts.Type, program: ts.Program): boolean {
  const decl = program.getTypeChecker().getPropertyOfType(type, 'nodeType')?.valueDeclaration;
  const owner = decl?.parent;
  return owner !== undefined && ts.isInterfaceDeclaration(owner) && owner.name.text === 'Node' && declarationOrigin(owner, program).lib !== undefined;
}

/**
 * What an instance of a class of the program (or of a library, not the platform) loses when cloned:
 * undefined when it loses nothing, having only data fields.
 */
function lostMembers(type: ts.Type, program: ts.Program): LostMembers | undefined {
  const checker = program.getTypeChecker();
  const methods: string[] = [];
  const accessors: string[] = [];
  const privateFields: string[] = [];
  let dataFields = 0;
  // Fields a spread would not copy as the clone does: TS-private ones, and a built-in base's (an Error's message).
  let otherFields = false;
  for (const prop of checker.getPropertiesOfType(type)) {
    const decl = prop.valueDeclaration ?? prop.declarations?.[0];
    if (!decl) continue;
    if (declarationOrigin(decl, program).builtin) {
      otherFields = true;
      continue;
    }
    const name = prop.getName();
    if (String(prop.escapedName).startsWith(PRIVATE_KEY)) privateFields.push(name);
    else if (ts.isMethodDeclaration(decl)) methods.push(name);
    else if (ts.isGetAccessorDeclaration(decl) || ts.isSetAccessorDeclaration(decl)) {
      if (!accessors.includes(name)) accessors.push(name);
    } else {
      dataFields++;
      if (ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) otherFields = true;
    }
  }
  if (methods.length + accessors.length + privateFields.length === 0) return undefined;
  const publicDataOnly = dataFields > 0 && !otherFields && accessors.length === 0 && privateFields.length === 0;
  return { methods, accessors, privateFields, publicDataOnly };
}

/**
 * Where the members of a class are reached. Every place is in sight when the class is local to its
 * file (not exported, not extended, named only by `new C(…)` and types, not extending another class
 * whose code could reach its members), and neither its instances nor its `this` go anywhere
 * value-flow.ts loses them. Then `this.worker` inside it and `wrapper.on(…)` outside are all the
 * accesses there are, and an object kept in a field can be followed through them (value-flow.ts), and a
 * listener the class forwards (`on(event, fn) { this.worker.on(event, fn) }`) judged at the calls of
 * its method (joins.ts). Of any other class, only a field that no code but the class's own reads is
 * in sight (fieldAccesses): the users of a library's class do not reach into what it keeps, unless the
 * class lets them (a protected field, `this` handed out) or code is known to (a base class or a
 * subclass, a read of the field elsewhere in the file).
 */
import { builtinModules } from 'node:module';
import { ts } from '../ts';
import type { References } from '../syntax/references';
import { importedNames } from '../threads/spawns';
import { enclosingFunction, isInside, outerParent, propertyName, skipOuter } from '../syntax/syntax';
import { followValue } from './value-flow';

const NODE_BUILTINS = new Set(builtinModules);

/** Per file, each class asked about: the accesses of its instances' members by name, or null when it is not local. */
const reach = new WeakMap<References, Map<ts.ClassLikeDeclaration, ReadonlyMap<string, ts.PropertyAccessExpression[]> | null>>();

/**
 * The accesses (`this.name`, `instance.name`) of member `name` of the local class `cls`, the
 * assignments to it included; undefined when the class is not local.
 */
export function memberAccesses(refs: References, cls: ts.ClassLikeDeclaration, name: string): readonly ts.PropertyAccessExpression[] | undefined {
  let classes = reach.get(refs);
  if (!classes) reach.set(refs, classes = new Map());
  if (!classes.has(cls)) {
    classes.set(cls, null); // a class reached again while its own instances are followed is not claimed
    classes.set(cls, accessesByName(refs, cls) ?? null);
  }
  const byName = classes.get(cls);
  return byName ? byName.get(name) ?? [] : undefined;
}

/**
 * The accesses of the instance field `name` of `cls` (the assignments to it included), when every
 * code that reads it is in sight: all its accesses when the class is local; else those of the
 * class's own code (`this.name`, through `const self = this`), when no other code can reach the field.
 * A private field (`#name`, `private`) is read by the class alone. Other code may read a public one
 * when it is protected, the class extends a class that is not Node's own (its code may read it) or is
 * extended in the file, `this` goes where we do not follow, or the file reads a member of that name of
 * something else. Undefined when the field is reached from code we do not see.
 */
export function fieldAccesses(refs: References, cls: ts.ClassLikeDeclaration, name: ts.PropertyName): readonly ts.PropertyAccessExpression[] | undefined {
  const text = memberName(name);
  if (text === undefined) return undefined;
  const local = memberAccesses(refs, cls, text);
  if (local) return local;
  const code = ownCode(refs, cls);
  const accesses = code.accesses.get(text) ?? [];
  const declared = fieldDeclaration(cls, name);
  const modifiers = declared && ts.canHaveModifiers(declared) ? ts.getModifiers(declared) ?? [] : [];
  if (ts.isPrivateIdentifier(name) || modifiers.some(m => m.kind === ts.SyntaxKind.PrivateKeyword)) return accesses;
  if (modifiers.some(m => m.kind === ts.SyntaxKind.ProtectedKeyword) || code.thisLeaks || !extendsOnlyBuiltins(refs, cls) ||
      isExtendedInFile(refs, cls)) {
    return undefined;
  }
  const own = new Set<ts.Node>(accesses);
  return refs.named(text).some(id => !own.has(id.parent) && readsMember(refs, cls, id)) ? undefined : accesses;
}

/**
 * The instance field a member access reaches through `this` or an alias of it (`const self = this`),
 * in the instance code of a class.
 */
export function instanceField(refs: References, access: ts.PropertyAccessExpression): { cls: ts.ClassLikeDeclaration; name: ts.MemberName } | undefined {
  let object = skipOuter(access.expression);
  if (ts.isIdentifier(object)) {
    const decl = refs.symbolAt(object)?.valueDeclaration;
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
    object = skipOuter(decl.initializer);
  }
  const cls = object.kind === ts.SyntaxKind.ThisKeyword ? instanceClassAt(object) : undefined;
  return cls && { cls, name: access.name };
}

/** The declaration of the instance or static field `name` in the class body, if it is declared there. */
export function fieldDeclaration(cls: ts.ClassLikeDeclaration, name: ts.PropertyName): ts.PropertyDeclaration | undefined {
  const text = memberName(name);
  return text === undefined ? undefined
    : cls.members.find((m): m is ts.PropertyDeclaration => ts.isPropertyDeclaration(m) && memberName(m.name) === text);
}

/** A member's name as written: a plain one, or a private `#name`. */
function memberName(name: ts.PropertyName): string | undefined {
  return ts.isPrivateIdentifier(name) ? name.text : propertyName(name);
}

/**
 * `x.name` or `const { name } = x` of an object that may be an instance of `cls`: not `x.name` of a
 * type whose member of that name is declared elsewhere (another class's field); of an untyped object, any.
 */
function readsMember(refs: References, cls: ts.ClassLikeDeclaration, id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isBindingElement(p)) return ts.isObjectBindingPattern(p.parent) && (p.propertyName ?? p.name) === id;
  if (!ts.isPropertyAccessExpression(p) || p.name !== id) return false;
  const declarations = refs.symbolAt(id)?.declarations;
  return !declarations || declarations.some(d => isInside(d, cls));
}

/** The class whose instance `this` is at `node`: in a (non-static) method, accessor, constructor or field initializer, through arrow functions. */
export function instanceClassAt(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isArrowFunction(n)) continue;
    const member = ts.isClassElement(n) && !ts.isClassStaticBlockDeclaration(n) ? n : undefined;
    if (member) return isStatic(member) || !ts.isClassLike(member.parent) ? undefined : member.parent;
    if (ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isSourceFile(n)) return undefined;
  }
  return undefined;
}

/** The method or accessor of a class that `fn` is, for a local class; the class and the member's name. */
export function classMemberOf(fn: ts.Node): { cls: ts.ClassLikeDeclaration; name: string } | undefined {
  if (!(ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn)) || isStatic(fn) || !ts.isClassLike(fn.parent)) return undefined;
  const name = fn.name;
  return ts.isIdentifier(name) || ts.isPrivateIdentifier(name) ? { cls: fn.parent, name: name.text } : undefined;
}

function accessesByName(refs: References, cls: ts.ClassLikeDeclaration): Map<string, ts.PropertyAccessExpression[]> | undefined {
  const file = cls.getSourceFile();
  if (!ts.isClassDeclaration(cls) || !cls.name || !ts.isExternalModule(file) || cls.heritageClauses?.some(h => h.token === ts.SyntaxKind.ExtendsKeyword) ||
      (ts.getCombinedModifierFlags(cls) & (ts.ModifierFlags.Export | ts.ModifierFlags.Default)) !== 0) {
    return undefined;
  }
  const symbol = refs.symbolAt(cls.name);
  if (!symbol) return undefined;
  const instances: ts.NewExpression[] = [];
  for (const ref of refs.of(symbol)) {
    if (ref === cls.name || isInType(ref)) continue;
    const made = outerParent(ref);
    if (!ts.isNewExpression(made) || skipOuter(made.expression) !== ref) return undefined; // exported, passed on, subclassed
    instances.push(made);
  }
  const accesses = new Map<string, ts.PropertyAccessExpression[]>();
  const add = (access: ts.PropertyAccessExpression): void => {
    const list = accesses.get(access.name.text);
    if (list) list.push(access);
    else accesses.set(access.name.text, [access]);
  };
  const chaining = new Set<string>();
  let lost = false;
  const visit = (n: ts.Node): void => {
    if (lost) return;
    if (n.kind === ts.SyntaxKind.ThisKeyword && instanceClassAt(n) === cls) {
      const p = outerParent(n);
      const method = ts.isReturnStatement(p) ? classMemberOf(enclosingFunction(p)) : undefined;
      if (ts.isPropertyAccessExpression(p) && skipOuter(p.expression) === n) add(p);
      else if (method?.cls === cls) chaining.add(method.name); // `return this`: the call hands back the instance
      else lost = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(cls);
  if (lost) return undefined;
  const flow = followValue(refs, { expressions: instances }, { chaining });
  if (flow.escapes.length > 0 || flow.args.length > 0) return undefined;
  for (const m of flow.members) add(m.access);
  return accesses;
}

interface OwnCode {
  /** By name, the member accesses of the instance code of the class (on `this`, or an alias of it). */
  accesses: Map<string, ts.PropertyAccessExpression[]>;
  /** Whether `this` goes anywhere else, where code we do not see may read its members. */
  thisLeaks: boolean;
}

const ownCodes = new WeakMap<ts.ClassLikeDeclaration, OwnCode>();

function ownCode(refs: References, cls: ts.ClassLikeDeclaration): OwnCode {
  let code = ownCodes.get(cls);
  if (code) return code;
  const accesses = new Map<string, ts.PropertyAccessExpression[]>();
  let thisLeaks = false;
  const instance = (e: ts.Expression): void => {
    const p = outerParent(e);
    if (ts.isPropertyAccessExpression(p) && skipOuter(p.expression) === e) {
      const list = accesses.get(p.name.text);
      if (list) list.push(p);
      else accesses.set(p.name.text, [p]);
    } else if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) && e.kind === ts.SyntaxKind.ThisKeyword) {
      const alias = refs.symbolAt(p.name); // const self = this
      if (!alias) thisLeaks = true;
      else for (const ref of refs.of(alias)) if (ref !== p.name) instance(ref);
    } else if (!ts.isReturnStatement(p) && !bindsMethod(e, p) && !isComparison(p)) {
      thisLeaks = true; // passed on, stored, spread: its members are read elsewhere
    }
  };
  const visit = (n: ts.Node): void => {
    if (n.kind === ts.SyntaxKind.ThisKeyword && instanceClassAt(n) === cls) instance(n as ts.Expression);
    ts.forEachChild(n, visit);
  };
  visit(cls);
  ownCodes.set(cls, code = { accesses, thisLeaks });
  return code;
}

/** `this.method.bind(this)`, `.call(this, …)`, `.apply(this, …)`: a method of the class given its own instance. */
function bindsMethod(e: ts.Expression, p: ts.Node): boolean {
  if (!ts.isCallExpression(p) || skipOuter(p.arguments[0] ?? p) !== e) return false;
  const callee = skipOuter(p.expression);
  if (!ts.isPropertyAccessExpression(callee) || !['bind', 'call', 'apply'].includes(callee.name.text)) return false;
  const method = skipOuter(callee.expression);
  return ts.isPropertyAccessExpression(method) && skipOuter(method.expression).kind === ts.SyntaxKind.ThisKeyword;
}

function isComparison(p: ts.Node): boolean {
  if (!ts.isBinaryExpression(p)) return false;
  const op = p.operatorToken.kind;
  return op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
}

/** Whether the class extends nothing, or a class of Node or the browser (EventEmitter, a stream, EventTarget), whose code reads none of its fields. */
function extendsOnlyBuiltins(refs: References, cls: ts.ClassLikeDeclaration): boolean {
  const base = cls.heritageClauses?.find(h => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  if (!base) return true;
  let root = skipOuter(base);
  while (ts.isPropertyAccessExpression(root)) root = skipOuter(root.expression);
  if (!ts.isIdentifier(root)) return false;
  const module = importedNames(cls.getSourceFile()).get(root.text)?.module;
  if (module !== undefined) return module.startsWith('node:') || NODE_BUILTINS.has(module);
  const declaration = refs.symbolAt(root)?.declarations?.[0];
  return !!declaration && declaration.getSourceFile().hasNoDefaultLib; // a global of the default library: EventTarget
}

function isExtendedInFile(refs: References, cls: ts.ClassLikeDeclaration): boolean {
  const symbol = cls.name && refs.symbolAt(cls.name);
  return !!symbol && refs.of(symbol).some(ref => ts.isExpressionWithTypeArguments(ref.parent) && ts.isHeritageClause(ref.parent.parent) &&
    ref.parent.parent.token === ts.SyntaxKind.ExtendsKeyword);
}

function isStatic(member: ts.Node): boolean {
  return ts.canHaveModifiers(member) && (ts.getModifiers(member)?.some(m => m.kind === ts.SyntaxKind.StaticKeyword) ?? false);
}

function isInType(id: ts.Identifier): boolean {
  for (let n: ts.Node = id.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return true;
    if (ts.isExpression(n) || ts.isStatement(n)) return false;
  }
  return false;
}

/**
 * Where the members of a wrapper class are reached, when every place is in sight: the class is local
 * to its file (not exported, not extended, named only by `new C(…)` and types, not extending another
 * class whose code could reach its members), and neither its instances nor its `this` go anywhere
 * value-flow.ts loses them. Then `this.worker` inside it and `wrapper.on(…)` outside are all the
 * accesses there are, and an object kept in a field can be followed through them (value-flow.ts), and a
 * listener the class forwards (`on(event, fn) { this.worker.on(event, fn) }`) judged at the calls of
 * its method (joins.ts). Of any other class nothing can be claimed: its members are reached from code
 * we do not see.
 */
import { ts } from './ts';
import type { References } from './references';
import { enclosingFunction, outerParent, skipOuter } from './syntax';
import { followValue } from './value-flow';

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

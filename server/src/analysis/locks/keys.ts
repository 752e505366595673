/**
 * Lock keys: the text that names a lock once `const` aliases are followed (`const m = this.mutex` makes
 * `m` and `this.mutex` one key), `array[index]` for raw locks (a constant index by its value). Within a
 * function a key names one lock. Across functions and files, `lockClass` names what a key resolves to by
 * symbol: the variable, or the field of a class or interface (every instance's lock of one field is one
 * class, as a lock-order checker needs).
 */
import { ts } from '../ts';
import { isFunctionBoundary, skipOuter } from '../syntax/syntax';
import type { LockKey } from './events';

export class LockKeys {
  constructor(private readonly checker: ts.TypeChecker) {}

  /** The key of a lock expression, `const` aliases followed. */
  lockKeyOf(e: ts.Expression, depth = 0): LockKey {
    const x = skipOuter(e);
    // `super.release()` in a lock's subclass releases the object's own lock.
    if (x.kind === ts.SyntaxKind.SuperKeyword) return 'this';
    if (depth < 8 && ts.isIdentifier(x)) {
      const alias = this.aliasOf(x);
      if (alias) return typeof alias === 'string' ? alias : this.lockKeyOf(alias, depth + 1);
    }
    if (depth < 8 && ts.isPropertyAccessExpression(x)) return `${this.lockKeyOf(x.expression, depth + 1)}.${x.name.text}`;
    return keyOf(x);
  }

  /** `array[index]` of a raw lock cell, a constant index by its value. */
  cellKeyOf(arr: ts.Expression, index: ts.Expression): LockKey {
    const value = this.constantOf(index);
    return `${this.lockKeyOf(arr)}[${value ?? keyOf(index)}]`;
  }

  /**
   * What `key` resolves to at `at`, the same in every function and file: the declaration of its variable
   * or of the field it ends in (`Bank.lock`), then a raw cell's index. Undefined when it cannot be resolved.
   */
  lockClass(key: LockKey, at: ts.Node): string | undefined {
    const resolved = this.resolveKey(key, at);
    // A cell picked by a variable is a different lock on each call: no class to order.
    if (!resolved || (resolved.cell && !/^\[-?\d+\]$/.test(resolved.cell))) return undefined;
    return declarationId(resolved.decl) + (resolved.cell ?? '');
  }

  /** A cell's identity across functions and files: its array's declaration and index, else its text in its file. */
  cellId(key: LockKey, at: ts.Node): string {
    const resolved = this.resolveKey(key, at);
    return resolved ? declarationId(resolved.decl) + (resolved.cell ?? '') : `${at.getSourceFile().fileName}:${key}`;
  }

  /** The declaration and type a key's text names at `at`, following its property path. */
  resolveKey(key: LockKey, at: ts.Node): { decl: ts.Node; type: ts.Type | undefined; cell?: string } | undefined {
    const parsed = /^(this|[A-Za-z_$][\w$]*)((?:\.[A-Za-z_$#][\w$]*)*)(\[[^\]]*\])?(?::read)?$/.exec(key);
    if (!parsed) return undefined;
    const [, root, path, cell] = parsed;
    let decl: ts.Node | undefined;
    let type: ts.Type | undefined;
    if (root === 'this') {
      let cls: ts.Node | undefined = at;
      while (cls && !ts.isClassLike(cls)) cls = cls.parent;
      const sym = cls && ts.isClassLike(cls) && cls.name ? this.checker.getSymbolAtLocation(cls.name) : undefined;
      if (!sym || !cls) return undefined;
      decl = cls;
      type = this.checker.getDeclaredTypeOfSymbol(sym);
    } else {
      let sym = this.checker.resolveName(root, at, ts.SymbolFlags.Value | ts.SymbolFlags.Alias, false);
      if (sym && (sym.flags & ts.SymbolFlags.Alias)) sym = this.checker.getAliasedSymbol(sym);
      decl = sym?.valueDeclaration;
      if (!sym || !decl) return undefined;
      type = this.checker.getTypeOfSymbolAtLocation(sym, at);
    }
    for (const name of path.split('.').filter(Boolean)) {
      const prop = type && this.checker.getPropertyOfType(this.checker.getNonNullableType(type), name);
      if (!prop?.valueDeclaration) return undefined;
      decl = prop.valueDeclaration;
      type = this.checker.getTypeOfSymbolAtLocation(prop, at);
    }
    return { decl, type, ...(cell ? { cell } : {}) };
  }

  /** A key of the callee rewritten for a call: its parameters become the arguments, `this` the receiver. */
  substitute(key: LockKey, params: readonly string[], call: ts.CallExpression): LockKey {
    const callee = skipOuter(call.expression);
    const receiver = ts.isPropertyAccessExpression(callee) ? this.lockKeyOf(callee.expression) : undefined;
    return key.replace(/[A-Za-z_$][\w$]*/g, (word, offset: number) => {
      if (offset > 0 && key[offset - 1] === '.') return word;
      if (word === 'this') return receiver ?? word;
      const i = params.indexOf(word);
      return i >= 0 && call.arguments[i] ? this.lockKeyOf(call.arguments[i]) : word;
    });
  }

  /** The number an expression always is: a literal, `-1`, or a `const` initialized with one. */
  constantOf(e: ts.Expression, depth = 0): number | undefined {
    const x = skipOuter(e);
    if (ts.isNumericLiteral(x) || ts.isBigIntLiteral(x)) return Number(x.text.replace(/n$/, ''));
    if (ts.isPrefixUnaryExpression(x) && x.operator === ts.SyntaxKind.MinusToken) {
      const v = this.constantOf(x.operand, depth);
      return v === undefined ? undefined : -v;
    }
    if (ts.isIdentifier(x) && depth < 4) {
      const decl = this.checker.getSymbolAtLocation(x)?.valueDeclaration;
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.isVariableDeclarationList(decl.parent) &&
          (decl.parent.flags & ts.NodeFlags.Const)) {
        return this.constantOf(decl.initializer, depth + 1);
      }
    }
    return undefined;
  }

  /** What a `const` name stands for: its initializer (a name or property path), or a destructured property's path. */
  private aliasOf(id: ts.Identifier): ts.Expression | LockKey | undefined {
    const sym = this.checker.getSymbolAtLocation(id);
    const decl = sym?.valueDeclaration;
    if (!decl) return undefined;
    const list = ts.isVariableDeclaration(decl) ? decl.parent
      : ts.isBindingElement(decl) && ts.isObjectBindingPattern(decl.parent) ? decl.parent.parent.parent : undefined;
    if (!list || !ts.isVariableDeclarationList(list) || !(list.flags & ts.NodeFlags.Const)) return undefined;
    if (ts.isVariableDeclaration(decl)) {
      const init = decl.initializer && skipOuter(decl.initializer);
      return init && (ts.isPropertyAccessExpression(init) || (ts.isIdentifier(init) && init !== id)) ? init : undefined;
    }
    const binding = decl as ts.BindingElement;
    const holder = binding.parent.parent;
    const prop = binding.propertyName ?? binding.name;
    if (!ts.isVariableDeclaration(holder) || !holder.initializer || !ts.isIdentifier(prop) || binding.dotDotDotToken) return undefined;
    const source = skipOuter(holder.initializer);
    return ts.isIdentifier(source) || ts.isPropertyAccessExpression(source) || source.kind === ts.SyntaxKind.ThisKeyword
      ? `${this.lockKeyOf(source)}.${prop.text}` : undefined;
  }
}

/** The text of an expression without whitespace: how two mentions of one cell are compared (`a[i]`). */
export function keyOf(e: ts.Expression): LockKey {
  return skipOuter(e).getText().replace(/\s+/g, '');
}

/**
 * The lock a tag on a declaration names. On a class member, a bare name that is another member of the
 * class is that member of the same object (`@requires mutex` on a method means `this.mutex`), unless the
 * tagged function has a parameter of that name.
 */
export function memberLockKey(checker: ts.TypeChecker, decl: ts.Node, lock: string): LockKey {
  const root = keyRoot(lock);
  if (!root || root === 'this' || hasParameter(decl, root)) return lock;
  const owner = ts.isParameter(decl) ? decl.parent.parent : decl.parent;
  if (!owner || !ts.isClassLike(owner)) return lock;
  return checker.getPropertyOfType(checker.getTypeAtLocation(owner), root) ? `this.${lock}` : lock;
}

/** The name a key starts with: `cells` of `cells[0]`, `this` of `this.mutex`. */
export function keyRoot(key: LockKey): string | undefined {
  return /^[A-Za-z_$][\w$]*/.exec(key)?.[0];
}

export function hasParameter(fn: ts.Node, name: string | undefined): boolean {
  return name !== undefined && isFunctionBoundary(fn) && !ts.isClassStaticBlockDeclaration(fn) &&
    fn.parameters.some(p => ts.isIdentifier(p.name) && p.name.text === name);
}

/**
 * A declaration's identity that survives edits elsewhere in its file: module-level names and class or
 * interface members by their qualified name, anything else (a parameter, a local) by position.
 */
function declarationId(decl: ts.Node): string {
  const file = decl.getSourceFile().fileName;
  const name = (decl as ts.NamedDeclaration).name;
  const text = name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) ? name.text : undefined;
  const owner = decl.parent;
  if (text && (ts.isClassLike(owner) || ts.isInterfaceDeclaration(owner)) && owner.name) return `${file}#${owner.name.text}.${text}`;
  if (text && ts.isVariableDeclaration(decl) && ts.isSourceFile(decl.parent.parent.parent)) return `${file}#${text}`;
  if (ts.isClassLike(decl) && decl.name) return `${file}#${decl.name.text}`;
  return `${file}@${decl.getStart()}`;
}

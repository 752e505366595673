/**
 * Where one object goes within a file, for the lifecycle models (a worker in joins.ts, a port in
 * ports.ts): the expressions that stand for it, followed through the variables that hold it (`=`,
 * `||=`, `??=`, `&&=`), the fields, getters and methods of a class local to the file (members.ts),
 * methods that return it (`worker.on(…)` returns the worker), conditionals, and the local arrays, Maps and
 * Sets it is put in (an element comes back out through `for…of`, a `map` / `forEach` callback's
 * parameter, indexing, `get`, `pop`); its member uses and the calls it is passed to, for the model
 * to judge; and where it escapes what we follow (returned, stored in another object, exported), where nothing can be
 * claimed. Flow-insensitive: every use anywhere in the file counts.
 */
import { ts } from '../ts';
import type { References } from '../syntax/references';
import { classMemberOf, fieldAccesses, fieldDeclaration, instanceClassAt, instanceField, memberAccesses } from './members';
import { enclosingFunction, isAsyncFunction, outerParent, skipOuter } from '../syntax/syntax';

export interface MemberUse {
  /** `w.on` of `w.on('exit', f)`. */
  access: ts.PropertyAccessExpression;
  name: string;
  /** The call, when the member is called. */
  call?: ts.CallExpression;
  /** The value assigned, for `w.onerror = f`. */
  assigned?: ts.Expression;
}

export interface ArgumentUse {
  call: ts.CallExpression | ts.NewExpression;
  /** Which argument the object is. */
  index: number;
}

export interface Flow {
  /** Expressions that evaluate to the object, the starting ones first. */
  uses: ts.Expression[];
  members: MemberUse[];
  /** Calls the object is passed to (other than adding it to a local collection). */
  args: ArgumentUse[];
  /** Where it goes out of sight: returned, stored, exported, or used in a way not modelled. */
  escapes: ts.Node[];
}

export interface FlowOptions {
  /** Methods that return the object itself, so that a chain goes on (`on`, `once` of an EventEmitter). */
  chaining: ReadonlySet<string>;
}

/** Array callbacks whose first parameter is an element. */
const ELEMENT_CALLBACKS = new Set(['map', 'forEach', 'filter', 'some', 'every', 'flatMap', 'find', 'findLast', 'findIndex', 'findLastIndex']);
/** Collection methods whose result is an element. */
const ELEMENT_RESULTS = new Set(['pop', 'shift', 'at', 'get', 'find', 'findLast']);
/** Collection methods that put an element in. */
export const ADDERS = new Set(['push', 'unshift', 'add', 'set']);
/** Collection members that neither hand elements out nor let the collection go. */
const QUERIES = new Set(['length', 'size', 'has', 'delete', 'clear', 'includes', 'indexOf', 'lastIndexOf', 'keys']);
const COLLECTION_CLASSES = new Set(['Array', 'Map', 'Set']);
/** Operators that put their right side in their left, as `=` does (`a ||= w`), and evaluate to either side. */
const LOGICAL_ASSIGNMENTS = new Set([ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.QuestionQuestionEqualsToken, ts.SyntaxKind.AmpersandAmpersandEqualsToken]);

/** Follows the object that the `expressions` evaluate to, or that the variables declared by `names` hold. */
export function followValue(refs: References, start: { expressions?: readonly ts.Expression[]; names?: readonly ts.Identifier[] }, options: FlowOptions): Flow {
  const flow: Flow = { uses: [], members: [], args: [], escapes: [] };
  const seen = new Set<ts.Node>();
  const escape = (at: ts.Node): void => void flow.escapes.push(at);

  const follow = (e: ts.Expression): void => {
    if (seen.has(e)) return;
    seen.add(e);
    flow.uses.push(e);
    const p = outerParent(e);
    const is = (x: ts.Node | undefined): boolean => !!x && ts.isExpression(x) && skipOuter(x) === e;
    if (ts.isVariableDeclaration(p) && is(p.initializer)) {
      if (ts.isIdentifier(p.name)) followVariable(p.name);
      else escape(p);
    } else if (ts.isPropertyDeclaration(p) && is(p.initializer)) {
      field(instanceClassAt(p.initializer!), p.name, p);
    } else if (ts.isBinaryExpression(p)) {
      binary(e, p);
    } else if (ts.isPropertyAccessExpression(p) && is(p.expression)) {
      member(p);
    } else if (ts.isElementAccessExpression(p) && is(p.expression)) {
      // Indexing the object itself (`w['threadId']`) reads it, and lets nothing go.
    } else if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.arguments?.some(is)) {
      argument(e, p);
    } else if (ts.isReturnStatement(p) || ts.isYieldExpression(p) || (ts.isArrowFunction(p) && is(p.body))) {
      const fn = ts.isArrowFunction(p) ? p : enclosingFunction(p);
      if (!dropsResult(fn) && !(ts.isReturnStatement(p) && returnedToCallers(fn))) escape(p);
    } else if (ts.isArrayLiteralExpression(p)) {
      const holder = outerParent(p);
      if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) && isLocalCollection(holder.name)) collection(holder.name);
      else escape(p);
    } else if (ts.isConditionalExpression(p) && skipOuter(p.condition) !== e) {
      follow(p);
    } else if (!isNeutral(e, p)) {
      escape(p); // stored in an object or a field, exported, spread, or a use we do not model
    }
  };

  const binary = (e: ts.Expression, p: ts.BinaryExpression): void => {
    const op = p.operatorToken.kind;
    const isLeft = skipOuter(p.left) === e;
    if (op === ts.SyntaxKind.EqualsToken) {
      if (!isLeft) store(p); // on the left it is overwritten, not read
    } else if (LOGICAL_ASSIGNMENTS.has(op)) {
      if (!isLeft) store(p); // `a ||= w` stores w where `a = w` would
      follow(p); // and either side may be the result
    } else if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken ||
               (op === ts.SyntaxKind.AmpersandAmpersandToken && !isLeft)) {
      follow(p); // the result may be the object
    } else if (op === ts.SyntaxKind.CommaToken) {
      if (!isLeft) follow(p);
    }
    // Comparisons, `instanceof`, the left of `&&`: read, not kept.
  };

  const store = (assignment: ts.BinaryExpression): void => {
    const target = skipOuter(assignment.left);
    if (ts.isIdentifier(target)) {
      followVariable(target);
    } else if (ts.isElementAccessExpression(target) && ts.isIdentifier(skipOuter(target.expression)) &&
               isLocalCollection(skipOuter(target.expression) as ts.Identifier)) {
      collection(skipOuter(target.expression) as ts.Identifier);
    } else if (ts.isPropertyAccessExpression(target) && skipOuter(target.expression).kind === ts.SyntaxKind.ThisKeyword) {
      field(instanceClassAt(target.expression), target.name, assignment);
    } else {
      escape(assignment);
    }
  };

  /** Kept in a field: followed through every access of it when its class is local (members.ts), else out of sight. */
  const field = (cls: ts.ClassLikeDeclaration | undefined, name: ts.PropertyName, at: ts.Node): void => {
    const accesses = cls && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) ? memberAccesses(refs, cls, name.text) : undefined;
    if (!accesses) return escape(at);
    for (const access of accesses) if (!isAssigned(access)) follow(access);
  };

  /** Returned by a getter or method of a local class: its value is whatever reads the getter or calls the method. */
  const returnedToCallers = (fn: ts.Node): boolean => {
    const member = isAsyncFunction(fn) || (ts.isMethodDeclaration(fn) && fn.asteriskToken) ? undefined : classMemberOf(fn);
    const accesses = member && memberAccesses(refs, member.cls, member.name);
    if (!accesses) return false;
    for (const access of accesses) {
      const call = outerParent(access);
      if (ts.isGetAccessorDeclaration(fn)) {
        if (!isAssigned(access)) follow(access);
      } else if (ts.isCallExpression(call) && skipOuter(call.expression) === access) {
        follow(call);
      } else {
        escape(access); // the method itself taken as a value
      }
    }
    return true;
  };

  const member = (access: ts.PropertyAccessExpression): void => {
    const name = access.name.text;
    const call = outerParent(access);
    if (ts.isCallExpression(call) && skipOuter(call.expression) === access) {
      flow.members.push({ access, name, call });
      if (options.chaining.has(name)) follow(call);
      return;
    }
    if (ts.isBinaryExpression(call) && call.operatorToken.kind === ts.SyntaxKind.EqualsToken && skipOuter(call.left) === access) {
      flow.members.push({ access, name, assigned: call.right });
      return;
    }
    flow.members.push({ access, name });
  };

  const argument = (e: ts.Expression, call: ts.CallExpression | ts.NewExpression): void => {
    const index = call.arguments!.findIndex(a => skipOuter(a) === e);
    const callee = skipOuter(call.expression);
    if (ts.isCallExpression(call) && ts.isPropertyAccessExpression(callee) && ADDERS.has(callee.name.text)) {
      const target = skipOuter(callee.expression);
      // `map.set(key, value)` keeps the value; the key is only looked up by.
      const kept = callee.name.text !== 'set' || index === 1;
      if (ts.isIdentifier(target) && isLocalCollection(target)) {
        if (kept) collection(target);
        return;
      }
      const inField = ts.isPropertyAccessExpression(target) ? fieldCollection(target) : undefined;
      if (inField) {
        if (kept) for (const access of inField) collectionRef(access);
        return;
      }
    }
    flow.args.push({ call, index });
  };

  /** The uses of the symbol a name declares, each handed to `use` once per symbol; an exported one escapes. */
  const usesOnce = (use: (ref: ts.Identifier) => void): ((name: ts.Identifier) => void) => {
    const seen = new Set<ts.Symbol>();
    return name => {
      const symbol = refs.symbolAt(name);
      if (!symbol || seen.has(symbol)) return;
      seen.add(symbol);
      if (isExported(symbol)) escape(name);
      for (const ref of refs.of(symbol)) if (!isDeclarationName(ref)) use(ref);
    };
  };
  const followVariable = usesOnce(ref => follow(ref));
  /** The object is an element of a local collection: follow the elements it hands out. */
  const collection = usesOnce(ref => collectionRef(ref));

  /** One use of a collection the object is in: what it hands out is followed, anything else lets it go. */
  const collectionRef = (ref: ts.Expression): void => {
    const p = outerParent(ref);
    if (ts.isPropertyAccessExpression(p) && skipOuter(p.expression) === ref) {
      collectionMember(p);
    } else if (ts.isElementAccessExpression(p) && skipOuter(p.expression) === ref) {
      if (!isAssigned(p)) follow(p);
    } else if (ts.isForOfStatement(p) && skipOuter(p.expression) === ref) {
      loopElement(p);
    } else if (ts.isSpreadElement(p) && ts.isArrayLiteralExpression(p.parent)) {
      collectionRef(p.parent); // `[...workers]`: a copy holding the same elements
    } else if (!isNeutral(ref, p) && !isAssigned(ref)) {
      escape(p);
    }
  };

  /**
   * The accesses of a field of `this` that holds a collection (`private readonly workers = new Map()`),
   * when every code that reads the field is in sight (members.ts); undefined otherwise, or when the field
   * is ever given something that is not a new collection.
   */
  const fieldCollections = new Set<ts.PropertyAccessExpression>();
  const fieldCollection = (target: ts.PropertyAccessExpression): readonly ts.PropertyAccessExpression[] | undefined => {
    const field = instanceField(refs, target);
    const accesses = field && fieldAccesses(refs, field.cls, field.name);
    if (!field || !accesses) return undefined;
    const values = [fieldDeclaration(field.cls, field.name)?.initializer, ...accesses.filter(isAssigned).map(a => (outerParent(a) as ts.BinaryExpression).right)];
    if (!values.some(v => v !== undefined) || !values.every(v => v === undefined || isNewCollection(v))) return undefined;
    if (accesses.some(a => fieldCollections.has(a))) return [];
    for (const a of accesses) fieldCollections.add(a);
    return accesses.filter(a => !isAssigned(a));
  };

  const collectionMember = (access: ts.PropertyAccessExpression): void => {
    const name = access.name.text;
    const call = outerParent(access);
    const isCall = ts.isCallExpression(call) && skipOuter(call.expression) === access;
    if (QUERIES.has(name) || (isCall && ADDERS.has(name))) return;
    if (isCall && ELEMENT_CALLBACKS.has(name)) {
      const callback = call.arguments[0] && skipOuter(call.arguments[0]);
      const element = callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) ? callback.parameters[0]?.name : undefined;
      if (element && ts.isIdentifier(element)) followVariable(element);
      else if (callback) escape(call);
      if (ELEMENT_RESULTS.has(name)) follow(call);
      return;
    }
    if (isCall && ELEMENT_RESULTS.has(name)) {
      follow(call);
      return;
    }
    if (isCall && (name === 'values' || name === 'entries')) {
      const p = outerParent(call);
      if (ts.isForOfStatement(p)) return loopElement(p);
      if (name === 'values' && ts.isSpreadElement(p) && ts.isArrayLiteralExpression(p.parent)) return collectionRef(p.parent);
    }
    escape(access);
  };

  const loopElement = (loop: ts.ForOfStatement): void => {
    const init = loop.initializer;
    const decl = ts.isVariableDeclarationList(init) ? init.declarations[0] : undefined;
    // A Map's entries come as `[key, value]` pairs: the value is the element.
    const value = decl && ts.isArrayBindingPattern(decl.name) && decl.name.elements.length === 2 ? decl.name.elements[1] : undefined;
    if (decl && ts.isIdentifier(decl.name)) followVariable(decl.name);
    else if (value && ts.isBindingElement(value) && ts.isIdentifier(value.name) && !value.dotDotDotToken) followVariable(value.name);
    else if (ts.isIdentifier(init)) followVariable(init);
    else escape(loop);
  };

  const isLocalCollection = (name: ts.Identifier): boolean => {
    const decl = refs.symbolAt(name)?.valueDeclaration;
    return !!decl && ts.isVariableDeclaration(decl) && !!decl.initializer && isNewCollection(decl.initializer);
  };

  for (const e of start.expressions ?? []) follow(e);
  for (const name of start.names ?? []) followVariable(name);
  return flow;
}

/** `[]`, `new Map()`, `new Set()`, `new Array()`: a collection made here, empty or not. */
function isNewCollection(e: ts.Expression): boolean {
  const init = skipOuter(e);
  return ts.isArrayLiteralExpression(init) ||
    (ts.isNewExpression(init) && ts.isIdentifier(init.expression) && COLLECTION_CLASSES.has(init.expression.text));
}

/** Contexts that read a value without keeping it or letting it go. */
function isNeutral(e: ts.Expression, p: ts.Node): boolean {
  if (ts.isExpressionStatement(p) || ts.isVoidExpression(p) || ts.isTypeOfExpression(p) || ts.isAwaitExpression(p) ||
      ts.isTemplateSpan(p) || ts.isSwitchStatement(p) || ts.isCaseClause(p)) {
    return true;
  }
  if (ts.isPrefixUnaryExpression(p)) return p.operator === ts.SyntaxKind.ExclamationToken;
  if ((ts.isIfStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p)) && skipOuter(p.expression) === e) return true;
  if (ts.isConditionalExpression(p)) return skipOuter(p.condition) === e;
  if (ts.isBinaryExpression(p)) {
    const op = p.operatorToken.kind;
    return op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
      op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken ||
      op === ts.SyntaxKind.InstanceOfKeyword || (op === ts.SyntaxKind.AmpersandAmpersandToken && skipOuter(p.left) === e);
  }
  return false;
}

/** A callback whose result its caller ignores: a `new Promise` executor, a `forEach` callback. */
function dropsResult(fn: ts.Node): boolean {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return false;
  const call = outerParent(fn);
  if (!(ts.isNewExpression(call) || ts.isCallExpression(call)) || !call.arguments?.some(a => skipOuter(a) === fn)) return false;
  const callee = skipOuter(call.expression);
  if (ts.isNewExpression(call)) return ts.isIdentifier(callee) && callee.text === 'Promise';
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'forEach';
}

/** The target of a plain assignment: overwritten, not read. */
export function isAssigned(e: ts.Expression): boolean {
  const p = outerParent(e);
  return ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && skipOuter(p.left) === e;
}

function isDeclarationName(id: ts.Identifier): boolean {
  const p = id.parent;
  return (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p)) && p.name === id;
}

/** A variable other modules can reach: exported, or a top-level declaration of a script (a global). */
function isExported(symbol: ts.Symbol): boolean {
  const decl = symbol.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl)) return false;
  const statement = decl.parent.parent;
  if (ts.isVariableStatement(statement) && statement.modifiers?.some(m => m.kind === ts.SyntaxKind.ExportKeyword)) return true;
  const file = decl.getSourceFile();
  return !ts.isExternalModule(file) && ts.isSourceFile(enclosingFunction(decl));
}

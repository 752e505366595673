/**
 * Which code can touch a lock at all, told from syntax before any type is asked for. Most functions of
 * a program never take a lock, and most calls do not reach one that does; asking the type checker
 * what each call runs (to read its lock summary) was most of a whole check's time. A call can only
 * take a lock inside if it has a lock method's name (lock-vocabulary.ts), is `Atomics.*`, or names a
 * function of the program that, by the same test applied through its own calls, can; names, not
 * symbols, so the index needs no checker and over-approximates (two functions called `add` share it).
 * Each file's part is read once per parsed file; the program's set is joined once per program.
 */
import { ts } from '../ts';
import { atomicsCallName, calleeName, functionName, isFunctionBoundary, jsDocTagArguments } from '../syntax/syntax';
import { RUN_EXCLUSIVE, TRY_METHODS, WITH_LOCK, WITH_READ_LOCK, isLockCallName, lockMethodOf } from './lock-vocabulary';
import { NameClosure } from '../syntax/name-closure';

interface FunctionSyntax {
  name: string;
  /** Whether its own syntax touches a lock; and takes one (can return holding it, or hold one across a call). */
  seeded: boolean;
  acquires: boolean;
  calls: string[];
}

interface FileLockSyntax {
  /** The file's named functions: the names they call, and whether their own syntax touches or takes a lock. */
  functions: FunctionSyntax[];
  /** `import { a as b }`, `export { a as b }`, `import b from`: b runs what a runs. */
  aliases: { local: string; imported: string }[];
  /** `Atomics.compareExchange` / `Atomics.exchange` calls: where a raw lock may be taken (the model decides). */
  takes: ts.CallExpression[];
  /** Whether any call of the file takes a lock by its own syntax; the names every call of it calls. */
  acquires: boolean;
  callees: Set<string>;
}

const byFile = new WeakMap<ts.SourceFile, FileLockSyntax>();
const byProgram = new WeakMap<ts.Program, ReadonlySet<string>>();
const acquiringByProgram = new WeakMap<ts.Program, ReadonlySet<string>>();
const touchingOf = new WeakMap<ts.SourceFile, { relevant: ReadonlySet<string>; touching: ReadonlySet<ts.Node> }>();
const LOCK_TAGS = ['acquires', 'releases', 'requires'];
const RAW_TAKES = new Set(['compareExchange', 'exchange']);

/** Whether the call touches a lock by its own syntax: a lock method's name, or `Atomics.*`. */
export function isLockishCall(call: ts.CallExpression, name = calleeName(call)): boolean {
  return (name !== undefined && isLockCallName(name)) || atomicsCallName(call) !== undefined;
}

/** Names of the program's functions whose call may take or drop a lock, directly or through their own calls. */
export function lockRelevantNames(program: ts.Program): ReadonlySet<string> {
  let names = byProgram.get(program);
  if (!names) byProgram.set(program, names = closeOver(program, f => f.seeded));
  return names;
}

/** Names of the program's functions whose call may take a lock (and so leave it held, or order it after another). */
function lockAcquiringNames(program: ts.Program): ReadonlySet<string> {
  let names = acquiringByProgram.get(program);
  if (!names) acquiringByProgram.set(program, names = closeOver(program, f => f.acquires));
  return names;
}

function closeOver(program: ts.Program, seeded: (f: FunctionSyntax) => boolean): ReadonlySet<string> {
  const closure = new NameClosure();
  for (const file of program.getSourceFiles()) {
    // Declarations only matter when tagged: the model reads `@acquires` / `@releases` there.
    if (file.isDeclarationFile && !/@(acquires|releases)\b/.test(file.text)) continue;
    const syntax = fileLockSyntax(file);
    for (const f of syntax.functions) {
      if (seeded(f)) closure.seed(f.name);
      for (const c of f.calls) closure.link(c, f.name);
    }
    for (const a of syntax.aliases) closure.link(a.imported, a.local);
  }
  return closure.close();
}

/**
 * Whether any code of the file can hold a lock: it takes one (a lock's acquire, a try, a raw
 * compare-exchange, a with-lock helper), calls a function of the program that may, or is tagged
 * `@requires`. A file that cannot has no lock order, told without a type checker.
 */
function mayHoldLocks(file: ts.SourceFile, program: ts.Program): boolean {
  const syntax = fileLockSyntax(file);
  if (syntax.acquires || file.text.includes('@requires')) return true;
  const acquiring = lockAcquiringNames(program);
  for (const name of syntax.callees) if (acquiring.has(name)) return true;
  return false;
}

/**
 * Whether the file can order two locks: some function of it takes a lock while it may hold another.
 * A lock is held after an acquisition in the same function, or from the start in a callback given to a
 * call that may take one (`m.withLock(() => …)`, a helper that locks around it) or under `@requires`;
 * an acquisition is a call that takes a lock or calls a function of the program that may. So a function
 * with two acquisitions, or one in a callback that may start locked, is needed: most files that use a
 * lock take one at a time, and their lock order is told without a type checker.
 */
export function mayOrderLocks(file: ts.SourceFile, program: ts.Program): boolean {
  if (!mayHoldLocks(file, program)) return false;
  const acquiring = lockAcquiringNames(program);
  const requires = file.text.includes('@requires');
  const acquires = (call: ts.CallExpression): boolean => {
    const name = calleeName(call);
    return isAcquiringCall(call, name) || (name !== undefined && acquiring.has(name));
  };
  let orders = false;
  const visitFunction = (fn: ts.Node): void => {
    let count = 0;
    const walk = (node: ts.Node): void => ts.forEachChild(node, child => {
      if (orders) return;
      if (isFunctionBoundary(child)) return visitFunction(child);
      if (ts.isCallExpression(child) && acquires(child)) count++;
      walk(child);
    });
    walk(fn);
    const startsLocked = requires || (fn.parent !== undefined && ts.isCallExpression(fn.parent) && fn.parent.arguments.includes(fn as ts.Expression) && acquires(fn.parent));
    if (count >= 2 || (count >= 1 && startsLocked)) orders = true;
  };
  visitFunction(file);
  return orders;
}

/** A call that takes a lock by its own syntax: an acquire or try method, a with-lock helper, or a raw take. */
function isAcquiringCall(call: ts.CallExpression, name = calleeName(call)): boolean {
  if (name === undefined) return false;
  return lockMethodOf(name)?.kind === 'acquire' || TRY_METHODS[name] !== undefined || WITH_LOCK.has(name) ||
    WITH_READ_LOCK.has(name) || name === RUN_EXCLUSIVE || RAW_TAKES.has(atomicsCallName(call) ?? '');
}

/** The program's `Atomics` calls that may take a raw lock, for the model to tell which cells are locks. */
export function rawTakeCandidates(program: ts.Program): ts.CallExpression[] {
  return program.getSourceFiles().filter(f => !f.isDeclarationFile).flatMap(f => fileLockSyntax(f).takes);
}

function fileLockSyntax(file: ts.SourceFile): FileLockSyntax {
  let syntax = byFile.get(file);
  if (syntax) return syntax;
  syntax = { functions: [], aliases: [], takes: [], acquires: false, callees: new Set() };
  const out = syntax;
  const tagged = /@(acquires|releases|requires)\b/.test(file.text);
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const name = calleeName(n);
      if (name !== undefined) out.callees.add(name);
      if (isAcquiringCall(n, name)) out.acquires = true;
    }
    if (isFunctionBoundary(n) && !ts.isClassStaticBlockDeclaration(n)) {
      const name = functionName(n);
      if (name !== undefined) out.functions.push(describe(n, name, tagged));
    } else if ((ts.isImportSpecifier(n) || ts.isExportSpecifier(n)) && n.propertyName && ts.isIdentifier(n.propertyName)) {
      out.aliases.push({ local: n.name.text, imported: n.propertyName.text });
    } else if (ts.isImportClause(n) && n.name) {
      out.aliases.push({ local: n.name.text, imported: 'default' });
    } else if (ts.isCallExpression(n) && RAW_TAKES.has(atomicsCallName(n) ?? '')) {
      out.takes.push(n);
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  byFile.set(file, syntax);
  return syntax;
}

/** `tagged`: whether the file has a lock tag at all (reading a function's JSDoc costs more than this test). */
function describe(fn: ts.FunctionLikeDeclaration, name: string, tagged: boolean): FunctionSyntax {
  const holder = ts.isVariableDeclaration(fn.parent) ? fn.parent : fn;
  let seeded = tagged && LOCK_TAGS.some(t => jsDocTagArguments(holder, t) !== undefined);
  let acquires = tagged && jsDocTagArguments(holder, 'acquires') !== undefined;
  const calls = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const callee = calleeName(n);
      if (isAcquiringCall(n, callee)) acquires = true;
      if (isLockishCall(n, callee)) seeded = true;
      else if (callee !== undefined) calls.add(callee);
    }
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return { name, seeded, acquires, calls: [...calls] };
}

/**
 * The functions of a file (and the file itself) whose code can touch a lock: one that makes a lockish
 * call or a call of a relevant name, is tagged `@requires`, or calls a name bound to a lock's release
 * (`const release = await m.acquire()`), anywhere in it, nested functions included; and the callbacks
 * such a call is given. A function inside one that is not can be skipped with its whole subtree.
 */
export function lockTouchingFunctions(file: ts.SourceFile, relevant: ReadonlySet<string>): ReadonlySet<ts.Node> {
  // Asked by the lock-order pass and again by the rules' pre-filter: once per file and program's names.
  const cached = touchingOf.get(file);
  if (cached?.relevant === relevant) return cached.touching;
  const touching = new Set<ts.Node>();
  const hasRequires = file.text.includes('@requires');
  const releasers = new Set<string>();
  const visit = (n: ts.Node): boolean => {
    let touches = false;
    if (ts.isCallExpression(n)) {
      const name = calleeName(n);
      touches = isLockishCall(n, name) || (name !== undefined && (relevant.has(name) || releasers.has(name)));
      if (touches) noteReleaser(n, releasers);
    } else if (hasRequires && isFunctionBoundary(n) && jsDocTagArguments(n, 'requires') !== undefined) {
      touches = true;
    }
    ts.forEachChild(n, c => {
      if (visit(c)) touches = true;
    });
    if (touches && (isFunctionBoundary(n) || ts.isSourceFile(n))) touching.add(n);
    // A callback given to a lock's helper (`m.withLock(() => …)`) may run with the lock held.
    if (touches && ts.isCallExpression(n)) for (const a of n.arguments) if (isFunctionBoundary(a)) touching.add(a);
    return touches;
  };
  visit(file);
  touchingOf.set(file, { relevant, touching });
  return touching;
}

/** `const release = await m.acquire()` / `const [, release] = …`: `release` names the lock's release from here on. */
function noteReleaser(call: ts.CallExpression, releasers: Set<string>): void {
  let n: ts.Node = call;
  while (ts.isAwaitExpression(n.parent) || ts.isParenthesizedExpression(n.parent)) n = n.parent;
  const decl = n.parent;
  if (!ts.isVariableDeclaration(decl) || decl.initializer !== n) return;
  if (ts.isIdentifier(decl.name)) releasers.add(decl.name.text);
  else if (ts.isArrayBindingPattern(decl.name)) {
    const second = decl.name.elements[1];
    if (second && ts.isBindingElement(second) && ts.isIdentifier(second.name)) releasers.add(second.name.text);
  }
}

/**
 * Whether a file can take part in threads at all, told from names before any type is asked for.
 * Most files of a program never see shared memory, a worker, a port or a lock, and the rules would
 * spend most of a check asking the type checker about their array accesses and calls only to find
 * nothing. A file needs its rules when it names a thread API (`SharedArrayBuffer`, `Atomics`,
 * `Worker`, `postMessage`, …), or names a declaration of the program whose own text does, directly
 * or through names it mentions in turn (`input.counts`, where `counts` is declared
 * `Int32Array<SharedArrayBuffer>` in another module, or a helper that returns a worker); or when it
 * is spawned or spawns, can touch a lock (lock-relevance.ts), or carries annotations or ignore
 * comments. Names, not symbols: two declarations called `counts` share the verdict, which can only
 * make more files analysed, never fewer.
 */
import { ts } from '../ts';
import type { CrossFileContext } from './cross-thread';
import { lockRelevantNames, lockTouchingFunctions } from '../locks/lock-relevance';
import { NameClosure } from '../syntax/name-closure';
import type { ThreadGraph } from './thread-graph';

/** Globals and module exports the rules are about. */
const THREAD_NAMES = new Set([
  'SharedArrayBuffer', 'Atomics', 'Worker', 'SharedWorker', 'MessageChannel', 'MessagePort', 'BroadcastChannel',
  'postMessage', 'parentPort', 'workerData', 'onmessage', 'onmessageerror', 'structuredClone', 'importScripts',
  'isMainThread', 'threadId', 'receiveMessageOnPort', 'markAsUntransferable', 'moveMessagePortToContext',
  'transfer', 'transferToFixedLength', 'Piscina', 'Tinypool', 'workerpool', 'self',
]);
/** Any of those names in a text: a declaration file without one cannot declare a thread API. */
const THREAD_WORDS = new RegExp(`\\b(${[...THREAD_NAMES].join('|')})\\b`);
/** Module specifiers of thread libraries: an import of one is a thread API too. */
const THREAD_MODULES = /^(node:)?worker_threads$|^(piscina|tinypool|workerpool|threads|comlink|async-mutex|async-lock|await-lock|async-sema)(\/|$)/;
/** Annotations and comments that make a file's analysis matter on their own. */
const TEXT_MARKERS = /@(shared|guardedBy|requires|acquires|releases)\b|fearless-ignore-/;

const K = ts.SyntaxKind;
const DECLARATION_KINDS = new Set<ts.SyntaxKind>([
  K.ImportSpecifier, K.ExportSpecifier, K.ExportAssignment, K.MethodDeclaration, K.MethodSignature, K.PropertyDeclaration,
  K.PropertySignature, K.PropertyAssignment, K.GetAccessor, K.SetAccessor, K.ClassDeclaration, K.ClassExpression,
  K.InterfaceDeclaration, K.TypeAliasDeclaration, K.EnumDeclaration, K.FunctionDeclaration, K.ModuleDeclaration, K.VariableDeclaration,
]);

interface FileNames {
  /** Every identifier the file mentions, and the module specifiers it imports. */
  mentioned: Set<string>;
  /** Its named declarations, each with the names its own text mentions. */
  declarations: { name: string; mentions: Set<string> }[];
}

const byFile = new WeakMap<ts.SourceFile, FileNames>();
const byProgram = new WeakMap<ts.Program, ReadonlySet<string>>();

export function mayTouchThreads(file: ts.SourceFile, program: ts.Program, context?: CrossFileContext): boolean {
  if (!context) return true; // alone, the file's thread is unknown: judge everything
  return touchesThreads(file, context.graph, threadNames(program), () => lockRelevantNames(program));
}

/**
 * `mayTouchThreads` with the program's name sets given (`locks` asked last, when still needed): a
 * result cache keeps them from the run that built the program, and judges a changed file without it.
 */
export function touchesThreads(
  file: ts.SourceFile, graph: ThreadGraph, threads: ReadonlySet<string>, locks: () => ReadonlySet<string>,
): boolean {
  if (graph.spawners(file.fileName).length > 0 || graph.sitesIn(file.fileName).length > 0) return true;
  if (TEXT_MARKERS.test(file.text)) return true;
  for (const n of namesOf(file).mentioned) if (threads.has(n) || THREAD_MODULES.test(n)) return true;
  return lockTouchingFunctions(file, locks()).size > 0;
}

/**
 * Whether one of the file's declarations mentions a name of `names` (an alias, `import { a as b }`,
 * mentions `a`): then the name sets of its program may hold its own names through it, and change
 * with it. Wider than either closure's links, so a file said not to lend is sure not to.
 */
export function lendsNames(file: ts.SourceFile, names: ReadonlySet<string>): boolean {
  return namesOf(file).declarations.some(d => [...d.mentions].some(m => names.has(m)));
}

/**
 * Whether the file mentions one of `names`, in its code or its declarations (`import X from` mentions
 * `default`): what its relevance, and its rules' reading of the lock names, could change with.
 */
export function mentionsAny(file: ts.SourceFile, names: ReadonlySet<string>): boolean {
  const { mentioned, declarations } = namesOf(file);
  for (const n of names) if (mentioned.has(n)) return true;
  return declarations.some(d => [...d.mentions].some(m => names.has(m)));
}

/** The thread API names, and every program name whose declaration mentions one of these, to a fixpoint. */
export function threadNames(program: ts.Program): ReadonlySet<string> {
  let names = byProgram.get(program);
  if (names) return names;
  const closure = new NameClosure();
  for (const name of THREAD_NAMES) closure.seed(name);
  for (const file of program.getSourceFiles()) {
    if (program.isSourceFileDefaultLibrary(file) || (file.isDeclarationFile && !THREAD_WORDS.test(file.text))) continue;
    for (const d of namesOf(file).declarations) {
      // A library's declarations count when they name a thread API themselves; followed further, the
      // web of a runtime's own types (streams, blobs, buffers: all transferable) would reach every name.
      if (file.isDeclarationFile) {
        if ([...d.mentions].some(m => THREAD_NAMES.has(m))) closure.seed(d.name);
        continue;
      }
      for (const m of d.mentions) closure.link(m, d.name);
    }
  }
  names = closure.close();
  byProgram.set(program, names);
  return names;
}

function namesOf(file: ts.SourceFile): FileNames {
  let names = byFile.get(file);
  if (names) return names;
  const mentioned = new Set<string>();
  const declarations: FileNames['declarations'] = [];
  let open: Set<string>[] = [];
  const visit = (n: ts.Node): void => {
    const kind = n.kind;
    if (kind === K.Identifier || kind === K.PrivateIdentifier) {
      const text = (n as ts.Identifier | ts.PrivateIdentifier).text;
      // A declaration's own name refers to nothing: `value` in `{ value: number }` is not some other `value`.
      if ((n.parent as ts.NamedDeclaration).name === n && declaredName(n.parent) !== undefined) return;
      mentioned.add(text);
      for (const m of open) m.add(text);
      return;
    }
    // What a declared function accepts does not make what it gives: `from(buffer: SharedArrayBuffer)`
    // in a declaration file is no source of shared memory. (In code, the body tells.)
    if (kind === K.Parameter && file.isDeclarationFile) {
      const outer = open;
      open = [];
      ts.forEachChild(n, visit);
      open = outer;
      return;
    }
    if (kind === K.StringLiteral && ts.isStringLiteral(n) && (ts.isImportDeclaration(n.parent) || ts.isExportDeclaration(n.parent) || ts.isExternalModuleReference(n.parent) ||
        (ts.isCallExpression(n.parent) && n.parent.arguments[0] === n))) {
      mentioned.add(n.text); // `import … from 'node:worker_threads'`, `require('piscina')`
    }
    if (kind === K.ImportClause && ts.isImportClause(n) && n.name) {
      declarations.push({ name: n.name.text, mentions: new Set(['default']) }); // `import X from`: X is that module's default
    }
    const name = declaredName(n);
    if (name === undefined) {
      ts.forEachChild(n, visit);
      return;
    }
    const mentions = new Set<string>();
    declarations.push({ name, mentions });
    open.push(mentions);
    ts.forEachChild(n, visit);
    open.pop();
  };
  visit(file);
  names = { mentioned, declarations };
  byFile.set(file, names);
  return names;
}

/**
 * The name a declaration gives, for those another file can reach by name: a module's (or namespace's)
 * own declarations, and members, which any file reaches through a property name. A local variable
 * (`total` in some worker's function) is nobody else's `total`.
 */
function declaredName(n: ts.Node): string | undefined {
  // Asked of every node of every file: most are no declaration, told by one set lookup.
  if (!DECLARATION_KINDS.has(n.kind)) return undefined;
  if (ts.isImportSpecifier(n) || ts.isExportSpecifier(n)) return n.name.text;
  if (ts.isExportAssignment(n)) return 'default';
  const member = ts.isMethodDeclaration(n) || ts.isMethodSignature(n) || ts.isPropertyDeclaration(n) || ts.isPropertySignature(n) ||
    ts.isPropertyAssignment(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n);
  const moduleLevel = (ts.isClassLike(n) || ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n) || ts.isEnumDeclaration(n) ||
    ts.isFunctionDeclaration(n) || ts.isModuleDeclaration(n) || ts.isVariableDeclaration(n)) && isModuleLevel(n);
  if (!member && !moduleLevel) return undefined;
  const name = n.name;
  if (!name) return ts.isFunctionDeclaration(n) || ts.isClassLike(n) ? 'default' : undefined;
  return ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

function isModuleLevel(n: ts.Node): boolean {
  let owner = n.parent;
  if (ts.isVariableDeclaration(n)) owner = owner.parent.parent; // the declaration list, then the statement
  return ts.isSourceFile(owner) || ts.isModuleBlock(owner);
}

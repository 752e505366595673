/**
 * Which of the bundled declarations a program lacks. A project is analysed with the types it has; where
 * it has none for an API the rules know by its declarations (no `@types/node`, a pool or lock package
 * not installed or untyped), the analyzer adds its own, so that no rule goes silent for want of types.
 * Never both: the user's declarations, where present, are the ones the rules see.
 */
import path from 'node:path';
import { ts } from '../ts';
import { LIBRARY_MODULES } from './libraries';
import { NODE_GLOBALS, NODE_MODULES, NODE_WEB_GLOBALS } from './node';

/** Where a project holds the bundled declarations: a path no file on disk has. */
export const BUNDLED_FILE = path.resolve('/__fearless__/bundled.d.ts');

export function isBundledFile(fileName: string): boolean {
  return fileName.replace(/\\/g, '/').endsWith('/__fearless__/bundled.d.ts');
}

const TYPED_EXTENSIONS = new Set<string>([
  ts.Extension.Ts, ts.Extension.Tsx, ts.Extension.Dts, ts.Extension.Mts, ts.Extension.Cts, ts.Extension.Dmts, ts.Extension.Dcts,
]);

/** The packages of LIBRARY_MODULES that resolve to declarations from `dir` (installed and typed). */
export function typedLibraries(dir: string, options: ts.CompilerOptions, host: ts.ModuleResolutionHost = ts.sys): ReadonlySet<string> {
  const from = path.join(dir, '__fearless__.ts');
  return new Set(Object.keys(LIBRARY_MODULES).filter(name => {
    const resolved = ts.resolveModuleName(name, from, options, host).resolvedModule;
    return resolved !== undefined && TYPED_EXTENSIONS.has(resolved.extension);
  }));
}

/**
 * The text of the declarations `program` lacks, '' when it lacks none: judged on its own files only
 * (the bundled file it may already hold does not count), so the answer is the same before and after.
 * Judged from the files the program holds, not by a type checker: the checker would have to be built
 * twice, once for the question and once for the program with the answer.
 */
export function missingDeclarations(program: ts.Program, typed: ReadonlySet<string>): string {
  const files = program.getSourceFiles().filter(f => !isBundledFile(f.fileName));
  const nodeTypes = files.some(f => /\/@types\/node\//.test(f.fileName));
  const webGlobals = nodeTypes || files.some(f => program.isSourceFileDefaultLibrary(f) && /\/lib\.(dom|webworker)\.d\.ts$/.test(f.fileName));
  return composeMissing(nodeTypes, webGlobals, ambientModules(files), typed);
}

/**
 * What `missingDeclarations` will most likely say of a program with these options, before it is built:
 * its `types` name `node`, its libs hold the DOM or a worker's, and no file of its own declares a
 * module. A program is built with this guess and judged after; only a wrong guess costs a second build.
 */
export function likelyMissingDeclarations(options: ts.CompilerOptions, typed: ReadonlySet<string>): string {
  const nodeTypes = options.types?.includes('node') === true;
  const webGlobals = nodeTypes || options.lib === undefined || options.lib.some(lib => /^lib\.(dom|webworker)\.d\.ts$/.test(lib));
  return composeMissing(nodeTypes, webGlobals, new Set(), typed);
}

function composeMissing(nodeTypes: boolean, webGlobals: boolean, ambient: ReadonlySet<string>, typed: ReadonlySet<string>): string {
  const parts: string[] = [];
  if (!nodeTypes && !ambient.has('worker_threads')) parts.push(NODE_MODULES);
  if (!nodeTypes) parts.push(NODE_GLOBALS);
  if (!webGlobals) parts.push(NODE_WEB_GLOBALS);
  for (const [name, text] of Object.entries(LIBRARY_MODULES)) {
    if (!typed.has(name) && !ambient.has(name)) parts.push(text);
  }
  return parts.join('');
}

/** The modules the files declare with `declare module 'x'` (the user's shims, a package's own declarations). */
function ambientModules(files: readonly ts.SourceFile[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) for (const name of declaredModules(file)) names.add(name);
  return names;
}

/** Per tree: an editor's every keystroke makes a new program, nearly all of whose files are the same trees. */
const declared = new WeakMap<ts.SourceFile, readonly string[]>();

function declaredModules(file: ts.SourceFile): readonly string[] {
  let names = declared.get(file);
  if (!names) {
    names = !file.isDeclarationFile && ts.isExternalModule(file) ? [] : file.statements
      .flatMap(s => ts.isModuleDeclaration(s) && ts.isStringLiteral(s.name) ? [s.name.text] : []);
    declared.set(file, names);
  }
  return names;
}

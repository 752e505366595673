/**
 * The workspace model: one program per `tsconfig.json` / `jsconfig.json` root, found by walking up
 * from each file, and one inferred program for the files no config includes (loose `.ts`, `.js`…
 * files still get types) of every package that would get the same options: those say which
 * `node_modules/@types` above the package give the types tsc would give there (`node:worker_threads`'
 * from `@types/node`), so the hundred fixture packages of a test folder share one program, not one
 * each. A broken config is a problem to report, and its files fall back to the inferred program.
 * Only the files asked for are roots; their imports are resolved by the compiler as usual. Every
 * program reads its files through one SourceCache: a library, or a file several roots reach, is
 * parsed and bound once. A program is built when asked for, reused from the last while none of its
 * files changed, and dropped (to be built again if asked) when more than `livePrograms` are held.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BUNDLED_FILE, likelyMissingDeclarations, missingDeclarations, typedLibraries } from '../bundled/fallback';
import { collectIfGrown } from './heap';
import { withoutBom } from '../../core/positions';
import { SourceCache } from './source-cache';
import { ts } from '../ts';

export interface WorkspaceProblem {
  file: string;
  message: string;
}

export interface WorkspaceOptions {
  /** The disk does not change while the workspace lives (a CLI run): see SourceCache. */
  stableDisk?: boolean;
  /** How many programs (each with its type checker) may be held at once; the least recently used goes. */
  livePrograms?: number;
}

interface Root {
  options: ts.CompilerOptions;
  host: ts.CompilerHost;
  /** Files the config includes; undefined for an inferred program (it takes anything). */
  fileNames?: ReadonlySet<string>;
  /** The config's directory, or the first package of an inferred program: where its packages are resolved from. */
  dir: string;
  /** The program's root files: those added, and the config's own declaration files. */
  files: Set<string>;
  /** The library packages installed with types there (see bundled/fallback.ts), once asked. */
  typedLibraries?: ReadonlySet<string>;
  /** The bundled declarations the program holds ('' for none); before the first build, a guess (see likelyMissingDeclarations). */
  bundled?: string;
  program?: ts.Program;
  /** Whether a file of the program changed since it was built (it is the old program of the next). */
  stale: boolean;
}

const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];

/** What TypeScript exports without declaring: how a program parses a file for its options. */
const internals = ts as unknown as {
  getEmitScriptTarget(options: ts.CompilerOptions): ts.ScriptTarget;
  getSetExternalModuleIndicator(options: ts.CompilerOptions): (file: ts.SourceFile) => void;
};

const LOOSE_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.esnext.d.ts', 'lib.dom.d.ts', 'lib.webworker.importscripts.d.ts'],
  skipLibCheck: true,
  noEmit: true,
  maxNodeModuleJsDepth: 0,
  // Every file is a module: each worker (and each page) runs a script in a global scope of its own, so
  // a top-level `const view` of one loose script must not give its type to another's.
  moduleDetection: ts.ModuleDetectionKind.Force,
};

export class Workspace {
  readonly problems: WorkspaceProblem[] = [];
  private readonly cache: SourceCache;
  private livePrograms: number;
  private readonly roots = new Map<string, Root | undefined>();
  /** Inferred programs by their options; and each package's key, once worked out. */
  private readonly inferred = new Map<string, Root>();
  private readonly inferredKeyOf = new Map<string, { key: string; options: ts.CompilerOptions; typed: ReadonlySet<string> }>();
  private readonly rootOfFile = new Map<string, Root>();
  /** Roots holding a program, least recently used first. */
  private readonly live = new Set<Root>();

  constructor(options: WorkspaceOptions = {}) {
    this.cache = new SourceCache({ stableDisk: options.stableDisk });
    this.livePrograms = options.livePrograms ?? Infinity;
  }

  /** Adds a file to the program that owns it (its text read now, or given). */
  add(file: string, text?: string): void {
    const root = this.rootFor(file);
    this.rootOfFile.set(file, root);
    if (text !== undefined) this.cache.setText(file, text);
    this.join(root, file);
  }

  /** Sets a file's text as an editor holds it (unsaved changes included), adding the file if new. */
  setText(file: string, text: string): void {
    const root = this.rootOfFile.get(file) ?? this.rootFor(file);
    this.rootOfFile.set(file, root);
    if (this.cache.text(file) !== withoutBom(text)) {
      this.cache.setText(file, text);
      this.changed(file);
    }
    this.join(root, file);
  }

  /** Takes a file's text from disk again (it changed outside the editor, or the editor let it go). */
  refresh(file: string): void {
    if (!this.rootOfFile.has(file)) return;
    if (!fs.existsSync(file)) {
      this.remove(file);
      return;
    }
    if (this.cache.reread(file)) this.changed(file);
  }

  /** Forgets a deleted file. */
  remove(file: string): void {
    const root = this.rootOfFile.get(file);
    root?.files.delete(file);
    this.cache.forget(file);
    this.changed(file);
    this.rootOfFile.delete(file);
  }

  /** Whether the file has been added (or set) already. */
  has(file: string): boolean {
    return this.rootOfFile.has(file);
  }

  /** The parsed file and the program it belongs to (after every `add`). */
  get(file: string): { sourceFile: ts.SourceFile; program: ts.Program } | undefined {
    const root = this.rootOfFile.get(file);
    if (!root) return undefined;
    const program = this.programOf(root);
    const sourceFile = program.getSourceFile(file);
    return sourceFile && { sourceFile, program };
  }

  /**
   * The file's tree as its program holds it (or will: the same object), without building the program.
   * What needs syntax alone (spawn sites) asks this: a program, and its checker, are built once, later.
   */
  tree(file: string): ts.SourceFile | undefined {
    const root = this.rootOfFile.get(file);
    if (!root) return undefined;
    if (root.program && !root.stale) return root.program.getSourceFile(file);
    const { options, host } = root;
    // What createProgram gives its host for the file: see TypeScript's getCreateSourceFileOptions.
    const format = ts.getImpliedNodeFormatForFile(file, undefined, host, options);
    return this.cache.tree(file, {
      languageVersion: internals.getEmitScriptTarget(options),
      setExternalModuleIndicator: internals.getSetExternalModuleIndicator(options),
      jsDocParsingMode: host.jsDocParsingMode,
      ...(typeof format === 'object' ? format : { impliedNodeFormat: format }),
    }, options);
  }

  /** Files added, grouped by the program that holds them (groups in the order of their first file). */
  byProgram(files: readonly string[]): string[][] {
    const groups = new Map<Root | undefined, string[]>();
    for (const file of files) {
      const root = this.rootOfFile.get(file);
      const group = groups.get(root) ?? [];
      group.push(file);
      groups.set(root, group);
    }
    return [...groups.values()];
  }

  /** A file joins its root's program: at once if the program holds it already (imported), else at the next build. */
  private join(root: Root, file: string): void {
    if (root.files.has(file)) return;
    root.files.add(file);
    if (!root.program?.getSourceFile(file)) root.stale = true;
  }

  /** Every program holding the file is built again when next asked for. */
  private changed(file: string): void {
    for (const root of this.live) if (root.files.has(file) || root.program?.getSourceFile(file)) root.stale = true;
  }

  /**
   * The root's program, with the bundled declarations of whatever its own files leave undeclared
   * (judged again at each build: a file added may bring its own types).
   */
  private programOf(root: Root): ts.Program {
    if (root.program && !root.stale) {
      this.touch(root);
      return root.program;
    }
    root.typedLibraries ??= typedLibraries(root.dir, root.options, this.cache.resolutionHost);
    root.bundled ??= likelyMissingDeclarations(root.options, root.typedLibraries);
    let program = this.build(root);
    const missing = missingDeclarations(program, root.typedLibraries);
    if (missing !== root.bundled) {
      root.bundled = missing;
      program = this.build(root, program);
    }
    root.program = program;
    root.stale = false;
    this.touch(root);
    this.evict();
    return program;
  }

  /** The root's program was just used: the last to be dropped. */
  private touch(root: Root): void {
    this.live.delete(root);
    this.live.add(root);
  }

  /** Holds at most `count` programs from now on (the run is short of memory). */
  holdOnly(count: number): void {
    this.livePrograms = Math.min(this.livePrograms, count);
    this.evict();
  }

  private evict(): void {
    let dropped = false;
    for (const old of this.live) {
      if (this.live.size <= this.livePrograms) break;
      old.program = undefined;
      this.live.delete(old);
      dropped = true;
    }
    if (dropped) collectIfGrown();
  }

  private build(root: Root, oldProgram = root.program): ts.Program {
    const rootNames = root.bundled ? [...root.files, BUNDLED_FILE] : [...root.files];
    return ts.createProgram({ rootNames, options: root.options, host: root.host, oldProgram });
  }

  private newRoot(options: ts.CompilerOptions, dir: string, fileNames?: ReadonlySet<string>): Root {
    const host = this.cache.host(options);
    // Each root holds its own bundled declarations: one path, the text its last judgement chose.
    const { getSourceFile, fileExists } = host;
    const root: Root = { options, host, dir, fileNames, files: new Set(), stale: true };
    host.getSourceFile = (file, parse, ...rest) => file === BUNDLED_FILE
      ? (root.bundled ? this.cache.bundledTree(file, root.bundled) : undefined)
      : getSourceFile(file, parse, ...rest);
    host.fileExists = file => file === BUNDLED_FILE ? !!root.bundled : fileExists(file);
    return root;
  }

  private rootFor(file: string): Root {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      for (const name of CONFIG_NAMES) {
        const config = path.join(dir, name);
        if (!this.cache.fileExists(config)) continue;
        const root = this.configRoot(config);
        if (root?.fileNames?.has(file)) return root;
      }
      if (path.basename(dir) === 'node_modules' || path.dirname(dir) === dir) break;
    }
    const pkg = packageDir(file, this.cache);
    let inferred = this.inferredKeyOf.get(pkg);
    if (!inferred) {
      const options = { ...LOOSE_OPTIONS, ...withAutomaticTypes(LOOSE_OPTIONS, pkg) };
      const typed = typedLibraries(pkg, options, this.cache.resolutionHost);
      inferred = { key: JSON.stringify([options.typeRoots, options.types, [...typed]]), options, typed };
      this.inferredKeyOf.set(pkg, inferred);
    }
    let root = this.inferred.get(inferred.key);
    if (!root) {
      root = this.newRoot(inferred.options, pkg);
      root.typedLibraries = inferred.typed;
      this.inferred.set(inferred.key, root);
    }
    return root;
  }

  private configRoot(configFile: string): Root | undefined {
    if (this.roots.has(configFile)) return this.roots.get(configFile);
    let root: Root | undefined;
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    if (read.error) {
      this.problems.push({ file: configFile, message: flatten(read.error) });
    } else {
      const jsDefaults: ts.CompilerOptions = path.basename(configFile) === 'jsconfig.json'
        ? { allowJs: true, maxNodeModuleJsDepth: 0, skipLibCheck: true, noEmit: true } : {};
      const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configFile), jsDefaults, configFile);
      const fatal = parsed.errors.filter(e => e.category === ts.DiagnosticCategory.Error && e.code !== 18003 /* no inputs */);
      for (const e of fatal) this.problems.push({ file: configFile, message: flatten(e) });
      const options = { ...parsed.options, ...withAutomaticTypes(parsed.options, path.dirname(configFile)), noEmit: true };
      root = this.newRoot(options, path.dirname(configFile), new Set(parsed.fileNames.map(f => path.normalize(f))));
      // The config's own declaration files (`env.d.ts`, `declare module 'x'` shims) are part of every
      // program tsc builds from it, whichever file is asked for.
      for (const name of root.fileNames!) if (isDeclarationFile(name)) root.files.add(name);
    }
    this.roots.set(configFile, root);
    return root;
  }
}

/**
 * TypeScript 6 (the analyzer's) no longer includes every `@types` package by default; the compilers
 * projects build with did, so a tsconfig without `types` expects `@types/node` to be there. Without
 * it, `node:worker_threads` is `any` and every rule about it goes silent. `types` is filled in with
 * what the old default would have included: every package of the type roots above `dir`.
 */
function withAutomaticTypes(options: ts.CompilerOptions, dir: string): ts.CompilerOptions {
  if (options.types !== undefined) return {};
  const typeRoots = options.typeRoots ?? ancestors(dir).map(d => path.join(d, 'node_modules', '@types')).filter(d => fs.existsSync(d));
  const types = new Set<string>();
  for (const root of typeRoots) {
    try {
      for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
        if (entry.name.startsWith('.')) continue;
        if (entry.name.startsWith('@')) {
          for (const scoped of fs.readdirSync(path.join(root, entry.name))) types.add(`${entry.name.slice(1)}__${scoped}`);
        } else {
          types.add(entry.name);
        }
      }
    } catch {
      // an unreadable type root contributes nothing, as with tsc
    }
  }
  return { typeRoots, types: [...types] };
}

function isDeclarationFile(file: string): boolean {
  return /\.d\.[cm]?ts$/.test(file) || /\.d\.[^.]+\.ts$/.test(file);
}

/** The directory of the nearest package.json above a file, else the file's own directory. */
function packageDir(file: string, cache: SourceCache): string {
  for (const dir of ancestors(path.dirname(file))) if (cache.fileExists(path.join(dir, 'package.json'))) return dir;
  return path.dirname(file);
}

function ancestors(dir: string): string[] {
  const out = [dir];
  while (path.dirname(out[out.length - 1]) !== out[out.length - 1]) out.push(path.dirname(out[out.length - 1]));
  return out;
}

function flatten(d: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(d.messageText, '\n');
}

/**
 * The workspace model: one ts-morph Project per `tsconfig.json` / `jsconfig.json` root, found by
 * walking up from each file, and for files no config includes (loose `.ts`, `.js`… files still get
 * types) one per package: the directory of the nearest package.json, whose `node_modules/@types`
 * (and its parents') give the types tsc would give there, such as `node:worker_threads`' from
 * `@types/node`. A broken config is a problem to report, and its files fall back to a loose project.
 * Only the files asked for are added; their imports are resolved by the compiler as usual.
 * A file too deeply nested to parse or bind safely is replaced in its project by an empty stand-in
 * (see budget.ts), whether it was added or only imported. A Flow file TypeScript cannot parse enters
 * with its types blanked out (see flow.ts), added or imported alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type StandardizedFilePath, errors } from '@ts-morph/common';
import { FileSystemHost, Project } from 'ts-morph';
import { NESTED_TOO_DEEP, depthRefusal, isStackOverflow, markRefused, parseWithinBudget } from './budget';
import { isSourceFile } from './files';
import { type FlowFile, isUnparsedFlow, markFlow, readFlow } from './flow';
import { withoutBom } from './positions';
import { BUNDLED_FILE, missingDeclarations, typedLibraries } from './bundled/fallback';
import { ts } from './ts';

export interface WorkspaceProblem {
  file: string;
  message: string;
}

interface Root {
  project: Project;
  /** Files the config includes; undefined for the loose project (it takes anything). */
  fileNames?: ReadonlySet<string>;
  /** The config's directory, or the loose project's package: where its packages are resolved from. */
  dir: string;
  /** The library packages installed with types there (see bundled/fallback.ts), once asked. */
  typedLibraries?: ReadonlySet<string>;
  /** The bundled declarations the project holds ('' for none), and the program they were judged on. */
  bundled: string;
  judged?: ts.Program;
}

const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];

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
  private readonly roots = new Map<string, Root | undefined>();
  private readonly loose = new Map<string, Root>();
  private readonly rootOfFile = new Map<string, Root>();
  /** Files whose stand-in their project holds: the text refused, and why. */
  private readonly refused = new Map<string, { text: string; why: string }>();
  /** Files being created from a text we hold: the disk must not be read (and parsed) for them first. */
  private readonly creating = new Set<string>();
  /** Flow files TypeScript could not parse as they are, and the text their project holds instead. */
  private readonly flow = new Map<string, FlowFile>();

  /** Adds a file to the project that owns it. */
  add(file: string): void {
    const root = this.rootFor(file);
    this.rootOfFile.set(file, root);
    if (!root.project.getSourceFile(file)) this.put(root, file, fs.readFileSync(file, 'utf8'));
  }

  /** Sets a file's text as an editor holds it (unsaved changes included), adding the file if new. */
  setText(file: string, text: string): void {
    const root = this.rootOfFile.get(file) ?? this.rootFor(file);
    this.rootOfFile.set(file, root);
    this.put(root, file, text);
  }

  /** Takes a file's text from disk again (it changed outside the editor, or the editor let it go). */
  refresh(file: string): void {
    const root = this.rootOfFile.get(file);
    if (!root?.project.getSourceFile(file)) return;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      this.remove(file);
      return;
    }
    this.put(root, file, text);
  }

  /** Forgets a deleted file. */
  remove(file: string): void {
    const root = this.rootOfFile.get(file);
    const existing = root?.project.getSourceFile(file);
    if (root && existing) root.project.removeSourceFile(existing);
    this.rootOfFile.delete(file);
    this.refused.delete(file);
    this.flow.delete(file);
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
    const refused = this.refused.get(file);
    if (sourceFile && refused) markRefused(sourceFile, refused.why);
    // Every Flow file of the program, not only this one: a finding's related spans and fixes may be in another.
    for (const [name, flow] of this.flow) {
      const tree = program.getSourceFile(name);
      if (tree) markFlow(tree, flow);
    }
    return sourceFile && { sourceFile, program };
  }

  /**
   * The root's program, with the bundled declarations of whatever its own files leave undeclared
   * (judged again only when the program changed: a file added may bring its own types).
   */
  private programOf(root: Root): ts.Program {
    let program = root.project.getProgram().compilerObject;
    if (root.judged === program) return program;
    root.typedLibraries ??= typedLibraries(root.dir, root.project.getCompilerOptions());
    const missing = missingDeclarations(program, root.typedLibraries);
    if (missing !== root.bundled) {
      const held = root.project.getSourceFile(BUNDLED_FILE);
      if (missing) root.project.createSourceFile(BUNDLED_FILE, missing, { overwrite: true });
      else if (held) root.project.removeSourceFile(held);
      root.bundled = missing;
      program = root.project.getProgram().compilerObject;
    }
    root.judged = program;
    return program;
  }

  /**
   * The one way text enters a project. ts-morph drops a leading byte-order mark when it creates a
   * file but keeps it when it replaces one; dropping it here keeps every offset counted the same
   * way (adapters add it back: see lsp/convert.ts, cli.ts).
   */
  private put(root: Root, file: string, text: string): void {
    const body = withoutBom(text);
    const refused = this.refused.get(file);
    const existing = root.project.getSourceFile(file);
    if (refused ? refused.text === body : this.ownText(file, existing?.getFullText()) === body) return;
    let why: string | undefined;
    let flow: FlowFile | undefined;
    // ts-morph's overwrite of a file it has not loaded reads and parses the disk's copy, then parses
    // this text: hidden from it, the file is parsed once.
    if (!existing) this.creating.add(file);
    try {
      let created = root.project.createSourceFile(file, body, { overwrite: true }).compilerNode;
      if (isUnparsedFlow(created)) {
        flow = readFlow(body);
        if (flow.text !== body) created = root.project.createSourceFile(file, flow.text, { overwrite: true }).compilerNode;
      }
      detectModule(created, root.project.getCompilerOptions());
      why = depthRefusal(created);
    } catch (e) {
      if (!isStackOverflow(e)) throw e;
      why = NESTED_TOO_DEEP;
    } finally {
      this.creating.delete(file);
    }
    if (why) {
      root.project.createSourceFile(file, '', { overwrite: true });
      this.refused.set(file, { text: body, why });
      this.flow.delete(file);
    } else {
      this.refused.delete(file);
      if (flow) this.flow.set(file, flow);
      else this.flow.delete(file);
    }
  }

  /** The file's own text for the text a project holds of it (a Flow file's, with its types blanked out). */
  private ownText(file: string, held: string | undefined): string | undefined {
    const flow = this.flow.get(file);
    return flow && held === flow.text ? flow.original : held;
  }

  /** A new project, reading through `guardedDisk` so that a file only imported is refused like an added one. */
  private project(compilerOptions: ts.CompilerOptions, skipAddingFilesFromTsConfig?: boolean): Project {
    return new Project({ compilerOptions, skipAddingFilesFromTsConfig, fileSystem: guardedDisk(this.refused, this.flow, this.creating) });
  }

  private rootFor(file: string): Root {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      for (const name of CONFIG_NAMES) {
        const config = path.join(dir, name);
        if (!fs.existsSync(config)) continue;
        const root = this.configRoot(config);
        if (root?.fileNames?.has(file)) return root;
      }
      if (path.basename(dir) === 'node_modules' || path.dirname(dir) === dir) break;
    }
    const pkg = packageDir(file);
    let root = this.loose.get(pkg);
    if (!root) {
      root = { project: this.project({ ...LOOSE_OPTIONS, ...withAutomaticTypes(LOOSE_OPTIONS, pkg) }), dir: pkg, bundled: '' };
      this.loose.set(pkg, root);
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
      root = {
        project: this.project({ ...parsed.options, ...withAutomaticTypes(parsed.options, path.dirname(configFile)), noEmit: true }, true),
        fileNames: new Set(parsed.fileNames.map(f => path.normalize(f))),
        dir: path.dirname(configFile),
        bundled: '',
      };
      // The config's own declaration files (`env.d.ts`, `declare module 'x'` shims) are part of every
      // program tsc builds from it, whichever file is asked for.
      for (const name of root.fileNames!) if (isDeclarationFile(name)) root.project.addSourceFileAtPathIfExists(name);
    }
    this.roots.set(configFile, root);
    return root;
  }
}

/**
 * The disk as ts-morph reads it, except that a source file the compiler could not get through
 * reads as empty (and is recorded in `refused`), and a Flow file it cannot parse reads with its types
 * blanked out (recorded in `flows`). Files the workspace adds are read by `put`, which
 * checks the tree it parses anyway (and hides them from ts-morph meanwhile, see `creating`); only files
 * ts-morph loads on its own (imports) are parsed twice.
 */
function guardedDisk(
  refused: Map<string, { text: string; why: string }>, flows: Map<string, FlowFile>, hidden: ReadonlySet<string>,
): FileSystemHost {
  const disk = new Project().getFileSystem();
  const readFileSync = (file: string, encoding?: string): string => {
    if (hidden.has(file)) throw new errors.FileNotFoundError(file as StandardizedFilePath);
    const read = disk.readFileSync(file, encoding);
    if (!isSourceFile(file)) return read;
    let text = read;
    let parsed = parseWithinBudget(file, text);
    if (parsed.sourceFile && isUnparsedFlow(parsed.sourceFile)) {
      const flow = readFlow(withoutBom(read));
      flows.set(file, flow);
      text = flow.text;
      parsed = parseWithinBudget(file, text);
    }
    if (!parsed.refusal) return text;
    refused.set(file, { text: withoutBom(read), why: parsed.refusal });
    return '';
  };
  return new Proxy(disk, {
    get: (target, key) => {
      if (key === 'readFileSync') return readFileSync;
      if (key === 'fileExistsSync') return (file: string) => !hidden.has(file) && disk.fileExistsSync(file);
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Applies the project's `moduleDetection` to a file ts-morph parsed: its document registry parses with
 * the target alone, so every file without `import` / `export` would be a script of one shared global
 * scope, whatever the options say. (TypeScript exports the function, not its declaration.)
 */
function detectModule(file: ts.SourceFile, options: ts.CompilerOptions): void {
  const { getSetExternalModuleIndicator } = ts as unknown as {
    getSetExternalModuleIndicator(options: ts.CompilerOptions): (file: ts.SourceFile) => void;
  };
  getSetExternalModuleIndicator(options)(file);
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
function packageDir(file: string): string {
  for (const dir of ancestors(path.dirname(file))) if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
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

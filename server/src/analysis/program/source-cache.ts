/**
 * The parsed files of every project of a run (or of the server's life), shared. A repository of many
 * package roots builds a program per root, and each would otherwise parse and bind the default libs,
 * `@types/node` and every file it shares with the others again: about 40 MB a root. A tree is kept
 * per real path and what changes its parse or its binding (below); programs that agree on those get
 * the same tree, which TypeScript binds once (the binder skips a bound file) and each checker reads.
 *
 * A source file (not a declaration file) enters through `admit`: one nested too deeply to parse or bind
 * safely is replaced by an empty stand-in (see budget.ts), a Flow file TypeScript cannot parse enters with
 * its types blanked out (see flow.ts); both marked on the tree, whether the file was added or only imported.
 */
import fs from 'node:fs';
import { getLibFiles, libFolderInMemoryPath } from '@ts-morph/common';
import { markRefused, parseWithinBudget } from './budget';
import { isSourceFile, readText } from './files';
import { isUnparsedFlow, markFlow, readFlow } from './flow';
import { withoutBom } from '../../core/positions';
import { ts } from '../ts';

/** TypeScript's default libs, which the bundle holds in memory (ts-morph's copy) at a path no disk has. */
const LIB_DIR = libFolderInMemoryPath;
const LIBS = new Map(getLibFiles().map(lib => [`${LIB_DIR}/${lib.fileName}`, lib.text]));

interface Tree {
  /** The text it was parsed from (the file's own, before any Flow blanking). */
  text: string;
  tree: ts.SourceFile;
}

export interface SourceCacheOptions {
  /**
   * Whether the disk stays as it is while the cache lives (a CLI run): then whether a file or folder
   * exists is asked once. The server's disk changes under it, and a file created after a failed
   * import must be found by the next program.
   */
  stableDisk?: boolean;
}

export class SourceCache {
  /** Texts that are not the disk's: the editor's (unsaved changes), or a file's as it was added. */
  private readonly overlay = new Map<string, string>();
  /** Disk texts read, so that a library is read once however many programs hold it. */
  private readonly disk = new Map<string, string | undefined>();
  private readonly trees = new Map<string, Tree>();
  private readonly keysOf = new Map<string, Set<string>>();
  private readonly exists = new Map<string, boolean>();
  private readonly folders = new Map<string, boolean>();
  private readonly realpaths = new Map<string, string>();
  /** The bundled declarations' trees, by text: a project holds the part its own files leave undeclared. */
  private readonly bundled = new Map<string, ts.SourceFile>();

  constructor(private readonly options: SourceCacheOptions = {}) {}

  /** Sets a file's text as an editor holds it (or as it was read when added). */
  setText(file: string, text: string): void {
    this.overlay.set(file, withoutBom(text));
    this.exists.set(file, true);
  }

  /** Reads the file from disk again (dropping an editor's text of it); whether its text changed. */
  reread(file: string): boolean {
    const before = this.text(file);
    this.dropText(file);
    if (this.text(file) === before) return false;
    this.dropTrees(file);
    return true;
  }

  /** Forgets the file: the disk is asked again when a program next reads it. */
  forget(file: string): void {
    this.dropText(file);
    this.dropTrees(file);
  }

  private dropText(file: string): void {
    this.overlay.delete(file);
    this.disk.delete(file);
    this.exists.delete(file);
  }

  private dropTrees(file: string): void {
    for (const key of this.keysOf.get(file) ?? []) this.trees.delete(key);
    this.keysOf.delete(file);
  }

  /** The tree of bundled declarations with this text (see bundled/fallback.ts), at `file`. */
  bundledTree(file: string, text: string): ts.SourceFile {
    let tree = this.bundled.get(text);
    if (!tree) this.bundled.set(text, tree = ts.createSourceFile(file, text, { languageVersion: ts.ScriptTarget.Latest }, true));
    return tree;
  }

  /** The file's text as a program reads it: the overlay's, else the disk's (without BOM). */
  text(file: string): string | undefined {
    const lib = LIBS.get(file);
    if (lib !== undefined) return lib;
    const held = this.overlay.get(file);
    if (held !== undefined) return held;
    if (!this.disk.has(file)) {
      const read = readText(file);
      this.disk.set(file, read === undefined ? undefined : withoutBom(read));
    }
    return this.disk.get(file);
  }

  /** The tree a program with `options` holds of `file`, parsed once for every program that would parse it alike. */
  tree(file: string, parse: ts.CreateSourceFileOptions, options: ts.CompilerOptions): ts.SourceFile | undefined {
    const text = this.text(file);
    if (text === undefined) return undefined;
    const key = treeKey(file, parse, options);
    const held = this.trees.get(key);
    if (held?.text === text) return held.tree;
    const tree = isSourceFile(file) ? admit(file, text, parse) : ts.createSourceFile(file, text, parse, true);
    this.trees.set(key, { text, tree });
    let keys = this.keysOf.get(file);
    if (!keys) this.keysOf.set(file, keys = new Set());
    keys.add(key);
    return tree;
  }

  /** A compiler host for programs with `options`, reading every file through this cache. */
  host(options: ts.CompilerOptions): ts.CompilerHost {
    const host = ts.createCompilerHost(options, true);
    host.getSourceFile = (file, parse) => this.tree(file, typeof parse === 'object' ? parse : { languageVersion: parse }, options);
    host.readFile = file => this.text(file);
    host.fileExists = file => this.fileExists(file);
    host.directoryExists = dir => this.directoryExists(dir);
    host.realpath = file => this.realpath(file);
    host.getDefaultLibLocation = () => LIB_DIR;
    host.getDefaultLibFileName = o => `${LIB_DIR}/${ts.getDefaultLibFileName(o)}`;
    return host;
  }

  /** What module resolution reads (package.json files, declaration probes), through the same caches. */
  get resolutionHost(): ts.ModuleResolutionHost {
    return {
      fileExists: file => this.fileExists(file),
      readFile: file => this.text(file),
      directoryExists: dir => this.directoryExists(dir),
      realpath: file => this.realpath(file),
    };
  }

  fileExists(file: string): boolean {
    if (LIBS.has(file) || this.overlay.has(file)) return true;
    return this.askDisk(this.exists, file, f => ts.sys.fileExists(f));
  }

  private directoryExists(dir: string): boolean {
    return dir === LIB_DIR || this.askDisk(this.folders, dir, d => ts.sys.directoryExists(d));
  }

  /** What the disk says of a path: asked once while the disk is stable, else every time. */
  private askDisk(answers: Map<string, boolean>, path: string, ask: (path: string) => boolean): boolean {
    if (!this.options.stableDisk) return ask(path);
    let found = answers.get(path);
    if (found === undefined) answers.set(path, found = ask(path));
    return found;
  }

  private realpath(file: string): string {
    if (LIBS.has(file)) return file;
    let real = this.realpaths.get(file);
    if (real === undefined) {
      try {
        real = fs.realpathSync.native(file);
      } catch {
        real = file;
      }
      this.realpaths.set(file, real);
    }
    return real;
  }
}

/**
 * What a tree depends on besides its text: how the parser reads it (the module format a package.json
 * implies, JSDoc) and, for a source file, what decides whether it is a module and how it binds (strict
 * mode, const enums). Declaration files bind alike under any of those, and their parse does not depend
 * on the target: libraries are shared across projects that differ only in that.
 */
function treeKey(file: string, parse: ts.CreateSourceFileOptions, o: ts.CompilerOptions): string {
  const shared = `${file}\0${parse.impliedNodeFormat ?? ''}|${parse.jsDocParsingMode ?? ''}`;
  if (!isSourceFile(file)) return shared;
  return `${shared}|${parse.languageVersion}|${o.module ?? ''}|${o.moduleDetection ?? ''}|${o.jsx ?? ''}|` +
    `${o.alwaysStrict ?? o.strict ?? ''}|${o.preserveConstEnums ?? o.isolatedModules ?? ''}`;
}

/** A source file's tree: its own, its Flow-blanked one, or an empty stand-in when it nests too deep. */
function admit(file: string, text: string, parse: ts.CreateSourceFileOptions): ts.SourceFile {
  let parsed = parseWithinBudget(file, text, parse);
  if (parsed.sourceFile && isUnparsedFlow(parsed.sourceFile)) {
    const flow = readFlow(text);
    if (flow.text !== text) parsed = parseWithinBudget(file, flow.text, parse);
    if (parsed.sourceFile) markFlow(parsed.sourceFile, flow);
  }
  if (parsed.sourceFile) return parsed.sourceFile;
  const standIn = ts.createSourceFile(file, '', parse, true);
  markRefused(standIn, parsed.refusal!);
  return standIn;
}

/**
 * Which files a check covers: the files, folders and globs named, expanded to the TypeScript and
 * JavaScript sources under them, never `node_modules` or hidden folders, filtered by the configuration
 * (include, exclude, ignores) and by whatever else the caller leaves out (what git ignores).
 */
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { SOURCE_EXTENSIONS, isDeclarationFileName, isSourceFile } from '../analysis/program/files';
import { type SkipEntry, type Unreadable, walk, whyUnreadable } from './walk';

export interface FileSelection {
  /** Whether a file a folder or a glob brings in is analysed (the configuration's `include`, `exclude` and `ignores`). */
  selected: (file: string) => boolean;
  /**
   * What else to leave out of what folders and globs bring in (never a path named itself), one test per
   * source: what git ignores, say. A folder named that one of them leaves out is searched without that one.
   */
  ignored?: readonly SkipEntry[];
}

export interface CollectedFiles {
  files: string[];
  /** The files among them that were named themselves, not found in a folder. */
  named: ReadonlySet<string>;
  usageErrors: string[];
  /** Files and folders found that could not be read: each is reported, and the others are checked. */
  unreadable: Unreadable[];
}

/** A file's text as on disk, or why it cannot be read. */
export function readSource(file: string): string | Unreadable {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    return { path: file, kind: 'file', reason: whyUnreadable(error) };
  }
}

/** Named paths as the user wrote them; a path that does not exist but has glob characters is a glob. */
export function collectFiles(paths: readonly string[], cwd: string, selection: FileSelection): CollectedFiles {
  const files = new Set<string>();
  const named = new Set<string>();
  const usageErrors: string[] = [];
  const unreadable: Unreadable[] = [];
  const { selected } = selection;
  // Hidden folders (.git, .cache) and node_modules are never searched; neither is what the caller leaves out,
  // unless the folder named is itself left out: naming it asks for it, as naming a file does.
  const skipIn = (root: string): SkipEntry => {
    const ignored = (selection.ignored ?? []).filter(leftOut => !leftOut(root, true));
    return (entry, isDirectory) => {
      const name = path.basename(entry);
      if (name.startsWith('.') || (isDirectory && name === 'node_modules')) return true;
      if (!isDirectory && !isSourceFile(entry)) return true;
      return ignored.some(leftOut => leftOut(entry, isDirectory));
    };
  };
  /** Adds what `keep` takes of the files under `root`, not entering the folders too deep to hold any; how many it found. */
  const addFound = (root: string, keep: (file: string) => boolean, tooDeep: (dir: string) => boolean = () => false): number => {
    const skip = skipIn(root);
    const walked = walk(root, (entry, isDirectory) => skip(entry, isDirectory) || (isDirectory && tooDeep(entry)), isSourceFile);
    const found = walked.files.filter(file => keep(file) && selected(file));
    const lost = walked.unreadable.filter(entry => entry.kind !== 'file' || (keep(entry.path) && selected(entry.path)));
    for (const file of found) files.add(file);
    unreadable.push(...lost);
    return found.length + lost.length;
  };
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(abs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        unreadable.push({ path: abs, kind: 'file', reason: whyUnreadable(error) });
        continue;
      }
    }
    if (stat?.isDirectory()) {
      addFound(abs, () => true);
    } else if (stat) {
      if (isSourceFile(abs)) {
        files.add(abs); // named explicitly: checked whatever include/exclude or .gitignore say
        named.add(abs);
      } else {
        usageErrors.push(notSource(p));
      }
    } else if (picomatch.scan(p).isGlob) {
      const { base, glob } = picomatch.scan(p);
      const root = path.resolve(cwd, base);
      const matches = picomatch(glob, { dot: false });
      const inRoot = (file: string): string => path.relative(root, file).split(path.sep).join('/');
      // Without `**` (or braces and groups, which may hold a `/`), a glob matches files at one depth only.
      const depth = /\*\*|[{}()]/.test(glob) ? Infinity : glob.split('/').length - 1;
      const tooDeep = (dir: string): boolean => inRoot(dir).split('/').length > depth;
      if (!isFolder(root) || addFound(root, file => matches(inRoot(file)), tooDeep) === 0) {
        usageErrors.push(`No TypeScript or JavaScript files match the pattern: ${p}`);
      }
    } else {
      usageErrors.push(`No such file or directory: ${p}`);
    }
  }
  return { files: [...files].sort(), named, usageErrors, unreadable };
}

/** Why a file named to be checked cannot be: what Fearless checks instead. */
export function notSource(name: string): string {
  return isDeclarationFileName(name)
    ? `${name}: a declaration file, which has no code to check`
    : `${name}: not a TypeScript or JavaScript file (Fearless checks ${SOURCE_EXTENSIONS.map(e => `.${e}`).join(' ')} files)`;
}

function isFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * What git leaves out of a folder: the `.gitignore` files from the repository's root down to a path,
 * and the repository's `.git/info/exclude`, each read once. As in git, the deepest `.gitignore` with a
 * matching pattern decides (within one, the last match), then `info/exclude`. Outside a repository
 * the `.gitignore` files from the current directory down still apply, as ruff reads them.
 */
import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { readText } from '../analysis/program/files';

/** Git compares names as the file system does: without case on macOS and Windows. */
const IGNORE_CASE = process.platform === 'darwin' || process.platform === 'win32';

export class GitIgnores {
  private readonly patterns = new Map<string, Ignore | undefined>();
  private readonly repositories = new Map<string, string | undefined>();

  /** `top`: outside a repository, no folder above it is read (the current directory). */
  constructor(private readonly top: string) {}

  /** Whether git ignores `file` (a folder when `isDirectory`). */
  ignores(file: string, isDirectory: boolean): boolean {
    const repository = this.repositoryOf(path.dirname(file));
    const stop = repository ?? this.top;
    for (let dir = path.dirname(file); isWithin(dir, stop); dir = path.dirname(dir)) {
      const decided = decide(this.gitignoreOf(dir), dir, file, isDirectory);
      if (decided !== undefined) return decided;
    }
    if (repository === undefined) return false;
    return decide(this.patternsIn(path.join(repository, '.git', 'info', 'exclude')), repository, file, isDirectory) ?? false;
  }

  private gitignoreOf(dir: string): Ignore | undefined {
    return this.patternsIn(path.join(dir, '.gitignore'));
  }

  private patternsIn(file: string): Ignore | undefined {
    if (!this.patterns.has(file)) {
      const text = readText(file);
      this.patterns.set(file, text === undefined ? undefined : ignore({ ignorecase: IGNORE_CASE }).add(text));
    }
    return this.patterns.get(file);
  }

  /** The nearest folder at or above `dir` that holds `.git` (a folder, or a worktree's file). */
  private repositoryOf(dir: string): string | undefined {
    if (this.repositories.has(dir)) return this.repositories.get(dir);
    const parent = path.dirname(dir);
    const found = fs.existsSync(path.join(dir, '.git')) ? dir : parent === dir ? undefined : this.repositoryOf(parent);
    this.repositories.set(dir, found);
    return found;
  }
}

/** What one ignore file says of `file`: ignored, re-included by a `!` pattern, or nothing. */
function decide(patterns: Ignore | undefined, dir: string, file: string, isDirectory: boolean): boolean | undefined {
  if (!patterns) return undefined;
  const relative = path.relative(dir, file).split(path.sep).join('/');
  const result = patterns.test(isDirectory ? `${relative}/` : relative);
  return result.ignored ? true : result.unignored ? false : undefined;
}

function isWithin(dir: string, top: string): boolean {
  const relative = path.relative(top, dir);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

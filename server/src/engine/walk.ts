/**
 * The files under a folder, as the disk gives them: symbolic links followed, a link that leads back
 * into its own ancestors (a loop) or a folder that cannot be listed reported rather than thrown, so
 * one bad entry costs that entry alone.
 */
import fs from 'node:fs';
import path from 'node:path';

/** A file or folder that could not be read, with why, in words for the user; or a link not followed, as it loops. */
export interface Unreadable {
  path: string;
  kind: 'file' | 'folder' | 'loop';
  reason: string;
}

/** Whether to leave out an entry under the walked folder (the folder itself is never asked about). */
export type SkipEntry = (path: string, isDirectory: boolean) => boolean;

export interface Walked {
  files: string[];
  unreadable: Unreadable[];
}

/** Why a file or folder could not be read: the system's reason in a few words, its message otherwise. */
export function whyUnreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'it is gone: removed during the run, or a broken symbolic link';
    case 'ELOOP':
      return 'a loop of symbolic links';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Every regular file under `root` that `skip` keeps, and every entry that could not be read. `looksLikeFile`
 * says which broken links are worth reporting (a link named like a source file that leads nowhere).
 */
export function walk(root: string, skip: SkipEntry, looksLikeFile: (path: string) => boolean): Walked {
  const files: string[] = [];
  const unreadable: Unreadable[] = [];
  const visit = (dir: string, ancestors: readonly string[]): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      unreadable.push({ path: dir, kind: 'folder', reason: whyUnreadable(error) });
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const stat = fs.statSync(full);
          isDirectory = stat.isDirectory();
          isFile = stat.isFile();
        } catch (error) {
          if (looksLikeFile(full) && !skip(full, false)) unreadable.push({ path: full, kind: 'file', reason: whyUnreadable(error) });
          continue;
        }
      }
      if (skip(full, isDirectory)) continue;
      if (isFile) {
        files.push(full);
      } else if (isDirectory) {
        const real = realpath(full);
        if (real === undefined) {
          unreadable.push({ path: full, kind: 'folder', reason: 'it is gone: removed during the run' });
        } else if (ancestors.includes(real)) {
          // Following it would walk the same folders forever (or, with cycle detection, list them twice).
          unreadable.push({ path: full, kind: 'loop', reason: 'a symbolic link to a folder that holds it' });
        } else {
          visit(full, [...ancestors, real]);
        }
      }
    }
  };
  const real = realpath(root);
  if (real === undefined) unreadable.push({ path: root, kind: 'folder', reason: 'it is gone: removed during the run' });
  else visit(root, [real]);
  return { files, unreadable };
}

function realpath(dir: string): string | undefined {
  try {
    return fs.realpathSync.native(dir);
  } catch {
    return undefined;
  }
}

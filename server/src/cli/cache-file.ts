/**
 * The file `fearless check --cache` keeps its results in: where it is, read (whatever cannot be read
 * is no cache: the run starts afresh and writes it again), and written whole or not at all.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const CACHE_FILE_NAME = '.fearlesscache';

/**
 * `--cache-location` resolved as ESLint resolves its own: a file, or a directory (one that exists, or
 * a path ending in a separator) that gets a file named after the working directory, so that several
 * projects can share it. Without it, `.fearlesscache` in the working directory.
 */
export function cacheFilePath(cwd: string, location?: string): string {
  if (location === undefined) return path.join(cwd, CACHE_FILE_NAME);
  const resolved = path.resolve(cwd, location);
  const isFolder = location.endsWith('/') || location.endsWith(path.sep) || isDirectory(resolved);
  return isFolder ? path.join(resolved, `${CACHE_FILE_NAME}_${crypto.createHash('sha1').update(cwd).digest('hex').slice(0, 12)}`) : resolved;
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** The cache file's contents, parsed; undefined when it is missing or not JSON. */
export function readCacheFile(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Writes the cache through a file beside it, renamed over it: a run killed midway leaves the old
 * cache, never part of one. Returns why it could not be written (worth a warning, not a failure).
 */
export function writeCacheFile(file: string, data: unknown): string | undefined {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temporary, JSON.stringify(data));
    fs.renameSync(temporary, file);
    return undefined;
  } catch (error) {
    removeQuietly(temporary);
    return error instanceof Error ? error.message : String(error);
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // its folder is not there, or not a folder: nothing was written
  }
}

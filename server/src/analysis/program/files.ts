/** Reading the disk: a file's text, whether it exists, and which files are sources Fearless analyses. */
import fs from 'node:fs';

export const SOURCE_EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];
const SOURCE_FILE = new RegExp(`\\.(${SOURCE_EXTENSIONS.join('|')})$`);
const DECLARATION_FILE = /\.d\.[mc]?ts$/;

/** A file's text as on disk (byte-order mark included), undefined when it cannot be read. */
export function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether a regular file exists at this path (a missing worker module, a deleted file: false). */
export function fileExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function isSourceFile(file: string): boolean {
  return SOURCE_FILE.test(file) && !DECLARATION_FILE.test(file);
}

export function isDeclarationFileName(file: string): boolean {
  return DECLARATION_FILE.test(file);
}

/**
 * Which files a check covers: the files and folders named, expanded to the TypeScript and
 * JavaScript sources under them, never `node_modules`, filtered by the configuration's choice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';

export const SOURCE_EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];
const SOURCE_FILE = new RegExp(`\\.(${SOURCE_EXTENSIONS.join('|')})$`);
const DECLARATION_FILE = /\.d\.[mc]?ts$/;

/** Whether a file found in a folder is analysed (the configuration's `include`, `exclude` and `ignores`). */
export type FileSelection = (file: string) => boolean;

export interface CollectedFiles {
  files: string[];
  /** The files among them that were named themselves, not found in a folder. */
  named: ReadonlySet<string>;
  usageErrors: string[];
}

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

export function collectFiles(paths: readonly string[], cwd: string, selected: FileSelection): CollectedFiles {
  const files = new Set<string>();
  const named = new Set<string>();
  const usageErrors: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      usageErrors.push(`No such file or directory: ${p}`);
      continue;
    }
    if (stat.isDirectory()) {
      const found = globSync([`**/*.{${SOURCE_EXTENSIONS.join(',')}}`], {
        cwd: abs, absolute: true, dot: false, ignore: ['**/node_modules/**', '**/*.d.ts', '**/*.d.mts', '**/*.d.cts'],
      });
      for (const f of found) {
        const file = path.normalize(f);
        if (selected(file)) files.add(file);
      }
    } else if (isSourceFile(abs)) {
      files.add(abs); // named explicitly: checked whatever include/exclude say
      named.add(abs);
    } else {
      usageErrors.push(`Not a TypeScript or JavaScript source file: ${p}`);
    }
  }
  return { files: [...files].sort(), named, usageErrors };
}

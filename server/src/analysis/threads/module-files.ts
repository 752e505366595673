/**
 * What the spawn resolver needs to know about files on disk: whether one exists, where a built file
 * (`dist/worker.js`) comes from in the sources (the project's `outDir` → `rootDir`), and which
 * package a file belongs to (Node resolves a bare `new Worker('./w.js')` against the working
 * directory: the package root is the best guess of where it is started).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ts } from '../ts';
import { fileExists } from '../program/files';

export interface ModuleFiles {
  exists(file: string): boolean;
  /** The source file a built file is compiled from, by the nearest tsconfig's outDir/rootDir. */
  sourceOfBuilt(file: string): string | undefined;
  /** The directory of the nearest package.json above `file`. */
  packageRoot(file: string): string | undefined;
}

interface OutputMapping { outDir: string; rootDir: string }

/** The files on disk; tsconfig contents are read again whenever the file changes. */
export class DiskModuleFiles implements ModuleFiles {
  private readonly configs = new Map<string, { mtimeMs: number; mapping: OutputMapping | undefined }>();

  exists(file: string): boolean {
    return fileExists(file);
  }

  sourceOfBuilt(file: string): string | undefined {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      const config = path.join(dir, 'tsconfig.json');
      const mapping = this.exists(config) ? this.mappingOf(config) : undefined;
      if (mapping && isUnder(file, mapping.outDir)) return path.join(mapping.rootDir, path.relative(mapping.outDir, file));
      if (path.dirname(dir) === dir) return undefined;
    }
  }

  packageRoot(file: string): string | undefined {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if (this.exists(path.join(dir, 'package.json'))) return dir;
      if (path.dirname(dir) === dir) return undefined;
    }
  }

  private mappingOf(config: string): OutputMapping | undefined {
    let mtimeMs = 0;
    try {
      mtimeMs = fs.statSync(config).mtimeMs;
    } catch {
      return undefined;
    }
    const known = this.configs.get(config);
    if (known?.mtimeMs === mtimeMs) return known.mapping;
    const read = ts.readConfigFile(config, ts.sys.readFile);
    const parsed = read.error ? undefined : ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(config), undefined, config);
    const { outDir, rootDir } = parsed?.options ?? {};
    // Without rootDir the compiler infers it from the inputs: their common directory.
    const root = rootDir ?? (parsed && parsed.fileNames.length > 0 ? commonDir(parsed.fileNames) : undefined);
    const mapping = outDir && root ? { outDir: path.resolve(outDir), rootDir: path.resolve(root) } : undefined;
    this.configs.set(config, { mtimeMs, mapping });
    return mapping;
  }
}

function isUnder(file: string, dir: string): boolean {
  return file.startsWith(dir + path.sep);
}

function commonDir(files: readonly string[]): string {
  let dir = path.dirname(path.resolve(files[0]));
  for (const f of files) while (!isUnder(path.resolve(f), dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

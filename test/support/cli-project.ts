/**
 * Temporary projects on disk and the built CLI run on them: what the CLI's tests share, and the tests
 * that write a few files to give the engine a real folder.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The shipped artefact (FEARLESS_CLI: another build of it). */
export const CLI = path.resolve(process.env.FEARLESS_CLI ?? path.join(__dirname, '..', '..', 'dist', 'cli.js'));

export const TSCONFIG = JSON.stringify({ compilerOptions: { target: 'es2022', lib: ['es2024'], module: 'nodenext', strict: true } });

/** Writes `text` at `rel` under `dir`, making the folders; returns the file's path. */
export function writeUnder(dir: string, rel: string, text: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Temporary projects, each a real path (on macOS the temp dir is a symlink); `removeAll` deletes them. */
export class TempProjects {
  private readonly made: string[] = [];

  constructor(private readonly prefix: string) {}

  /** A folder with a tsconfig.json (unless `files` gives one) and `files`. */
  make(files: Record<string, string>): string {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), this.prefix)));
    this.made.push(dir);
    for (const [name, text] of Object.entries({ 'tsconfig.json': TSCONFIG, ...files })) writeUnder(dir, name, text);
    return dir;
  }

  removeAll(): void {
    for (const dir of this.made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function fearless(cwd: string, ...args: string[]): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

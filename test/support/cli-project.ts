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

export interface RunOptions {
  /** Standard input (none: empty). */
  input?: string;
  /** Variables set (a string) or removed (undefined) over the test's environment, which never passes on FORCE_COLOR or NO_COLOR. */
  env?: Record<string, string | undefined>;
  /** Run as this user (see `unprivileged`). */
  user?: { uid: number; gid: number };
}

export function fearless(cwd: string, ...args: string[]): Run {
  return fearlessWith(cwd, {}, ...args);
}

export function fearlessWith(cwd: string, options: RunOptions, ...args: string[]): Run {
  const env: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, ...options.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd, encoding: 'utf8', env, input: options.input ?? '', ...options.user,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * How to run the CLI so that file permissions bind it: as the tests' own user, or (as root, whom they do
 * not bind) as `nobody`, the project's folders opened to every user first. Undefined when root cannot
 * switch users.
 */
export function withoutPrivileges(dir: string): RunOptions | undefined {
  if (process.getuid?.() !== 0) return {};
  const nobody = { uid: 65534, gid: 65534 };
  if (spawnSync(process.execPath, ['-e', ''], nobody).status !== 0) return undefined;
  openToAll(dir);
  return { user: nobody };
}

/** Whether the CLI, run so, could read `file` after all (a `chmod` that does not bind its user). */
export function readableAs(options: RunOptions, file: string): boolean {
  const script = `require('fs').accessSync(${JSON.stringify(file)}, require('fs').constants.R_OK)`;
  return spawnSync(process.execPath, ['-e', script], { ...options.user, stdio: 'ignore' }).status === 0;
}

function openToAll(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) openToAll(full);
    else fs.chmodSync(full, 0o644);
  }
}

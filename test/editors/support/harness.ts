/**
 * What the real-editor tests share: a scratch copy of examples/wordfreq, the CLI's findings on
 * it, and running an editor script under a deadline. The editor scripts (nvim/init.lua,
 * emacs/fearless-e2e.el) take a Scenario through the environment and write an EditorResult.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonDiagnostic, JsonEdit } from '../../../server/src/cli/format-json';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVER = path.join(ROOT, 'dist', 'server.js');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const EXAMPLE = path.join(ROOT, 'examples', 'wordfreq');

// A run takes 2-3 s; the limits leave room for a machine busy with other test suites.
/** Each wait inside an editor script (for diagnostics, for the code action menu…). */
const STEP_TIMEOUT_MS = 15_000;
/** The whole script, enforced by the script itself so that a hang is reported as one. */
const DEADLINE_MS = 40_000;
/** Past this the editor is killed from here: the script's own deadline did not work. */
const KILL_AFTER_MS = DEADLINE_MS + 5_000;
/** The editor, then the CLI once more. */
export const SCENARIO_TIMEOUT_MS = KILL_AFTER_MS + 30_000;

export interface Workspace {
  /** The temporary directory, removed by `removeWorkspace`. */
  dir: string;
  /** The copy of examples/wordfreq: the editor's root and the CLI's working directory. */
  project: string;
  /** src/worker.ts of the copy, the file the editors open. */
  file: string;
}

export function makeWorkspace(): Workspace {
  // realpath: the server names files by the paths in the editor's URIs; a symlinked temp dir
  // would give the edits it returns a path the editor does not have open.
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-editor-')));
  // The repository's layout, because the example's tsconfig finds @types/node at ../../node_modules.
  const project = path.join(dir, 'examples', 'wordfreq');
  for (const name of ['package.json', 'tsconfig.json', 'src']) {
    fs.cpSync(path.join(EXAMPLE, name), path.join(project, name), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, project, file: path.join(project, 'src', 'worker.ts') };
}

export function removeWorkspace(workspace: Workspace): void {
  fs.rmSync(workspace.dir, { recursive: true, force: true });
}

/** `fearless check --format json`'s contract. */
export type CliEdit = JsonEdit;
export type CliDiagnostic = JsonDiagnostic;

/** `fearless check --format json` on the workspace's file, as it is on disk now. */
export function cliCheck(workspace: Workspace): Promise<CliDiagnostic[]> {
  const file = path.relative(workspace.project, workspace.file);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, 'check', '--format', 'json', file], { cwd: workspace.project }, (error, stdout, stderr) => {
      // Exit 1 only says that there are findings; 2 is a failure of the tool.
      if (error && error.code !== 1) {
        reject(new Error(`fearless check failed (${error.code ?? error.signal}):\n${stderr}`));
        return;
      }
      try {
        const report = JSON.parse(stdout) as { diagnostics: CliDiagnostic[] };
        resolve(report.diagnostics.filter(d => d.file === file));
      } catch (e) {
        reject(new Error(`fearless check printed no JSON (${String(e)}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** What the editor script does: ask code actions on the first `rule` finding, then type `insertText` as line `insertLine`. */
export interface Scenario {
  rule: string;
  /** 0-based. */
  insertLine: number;
  insertText: string;
}

/** As the editor saw it. Lines are 0-based, severities LSP's (1 error … 4 hint). */
export interface EditorDiagnostic {
  line: number;
  rule: string;
  severity: number;
}

export interface EditorResult {
  errors: string[];
  /** After didOpen. */
  opened: EditorDiagnostic[];
  /** The code action menu on the first finding of the scenario's rule. */
  actions: { title: string; kind: string; isPreferred: boolean }[];
  /** After the preferred action was applied. */
  fixed: { text: string; diagnostics: EditorDiagnostic[] };
  /** After the scenario's line was typed. */
  changed: { text: string; diagnostics: EditorDiagnostic[] };
}

export interface Editor {
  name: string;
  /** Found on PATH; scripts/setup-editors.sh installs it. */
  binary: string;
  /** Runs the editor script; everything else comes through the environment. */
  args: string[];
}

/** Fails, never skips: a machine without the editor is a machine the suite was not set up on. */
export function requireEditor(editor: Editor): void {
  assert.ok(fs.existsSync(SERVER) && fs.existsSync(CLI), `${SERVER} or ${CLI} is missing: run \`npm run build\` first`);
  const probe = spawnSync(editor.binary, ['--version'], { encoding: 'utf8' });
  assert.ok(!probe.error && probe.status === 0,
    `${editor.name} (\`${editor.binary}\`) is not installed or does not run (${probe.error?.message ?? probe.stderr}): `
    + 'run `bash scripts/setup-editors.sh` to install the editors these tests drive');
}

export async function runEditor(editor: Editor, workspace: Workspace, scenario: Scenario): Promise<EditorResult> {
  const out = path.join(workspace.dir, `${editor.binary}-result.json`);
  const env = {
    ...process.env,
    FEARLESS_NODE: process.execPath,
    FEARLESS_SERVER: SERVER,
    FEARLESS_ROOT: workspace.project,
    FEARLESS_FILE: workspace.file,
    FEARLESS_OUT: out,
    FEARLESS_RULE: scenario.rule,
    FEARLESS_INSERT_LINE: String(scenario.insertLine),
    FEARLESS_INSERT_TEXT: scenario.insertText,
    FEARLESS_STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS),
    FEARLESS_DEADLINE_MS: String(DEADLINE_MS),
  };
  // Its own process group, so that the editor and the server it started can be killed together.
  const child = spawn(editor.binary, editor.args, { cwd: workspace.project, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', chunk => { output += chunk; });
  child.stderr.on('data', chunk => { output += chunk; });
  const killGroup = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  };
  let killed = false;
  const timer = setTimeout(() => { killed = true; killGroup(); }, KILL_AFTER_MS);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearTimeout(timer));
  // A server the editor failed to stop must not outlive the test.
  killGroup();

  const transcript = `${editor.name} output:\n${output.slice(-4000)}`;
  assert.ok(!killed, `${editor.name} was killed after ${KILL_AFTER_MS} ms: its script's own deadline did not fire.\n${transcript}`);
  assert.ok(fs.existsSync(out), `${editor.name} exited with ${code} and wrote no result.\n${transcript}`);
  const result = JSON.parse(fs.readFileSync(out, 'utf8')) as EditorResult;
  assert.deepEqual(result.errors, [], `${editor.name} script failed (exit ${code}).\n${transcript}`);
  assert.equal(code, 0, `${editor.name} exited with ${code}.\n${transcript}`);
  return result;
}

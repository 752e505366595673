/**
 * A minimal LSP client for protocol tests: starts the real bundled server over stdio, speaks
 * JSON-RPC to it, answers the requests a client must answer (configuration, registrations,
 * progress, workspace edits), and records what the server publishes so tests can wait for it.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationToken, MessageConnection, StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { WorkDoneProgress } from 'vscode-languageserver-protocol';
import type {
  ApplyWorkspaceEditParams, ClientCapabilities, Diagnostic, InitializeResult, PublishDiagnosticsParams, TextEdit,
} from 'vscode-languageserver-protocol';

const SERVER = path.join(__dirname, '..', '..', '..', 'dist', 'server.js');
const WAIT_MS = 30_000;

export interface ClientOptions {
  /** Files to create in the workspace before the server starts (relative path → text). */
  files?: Record<string, string>;
  /** The `fearless` settings section the client answers with. */
  settings?: Record<string, unknown>;
  capabilities?: ClientCapabilities;
  /** Workspace folders (relative directories); the temp directory itself when absent. */
  folders?: string[];
  /** Node options for the server process (`--max-old-space-size=…`). */
  nodeOptions?: string[];
}

export class TestClient {
  readonly dir: string;
  readonly published: PublishDiagnosticsParams[] = [];
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly appliedEdits: ApplyWorkspaceEditParams[] = [];
  settings: Record<string, unknown>;
  /** Settings of particular folders (relative directory → overrides), answered per `scopeUri`. */
  readonly folderSettings = new Map<string, Record<string, unknown>>();
  initializeResult!: InitializeResult;
  private readonly child: ChildProcess;
  private readonly rpc: MessageConnection;
  private readonly waiters = new Set<() => void>();
  private readonly versions = new Map<string, number>();

  private constructor(options: ClientOptions) {
    assert.ok(fs.existsSync(SERVER), 'build first: dist/server.js is missing');
    this.dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-lsp-')));
    // The project's own node_modules stands in for the user's: `node:worker_threads` gets its types.
    fs.symlinkSync(path.join(__dirname, '..', '..', '..', 'node_modules'), path.join(this.dir, 'node_modules'), 'dir');
    for (const [rel, text] of Object.entries(options.files ?? {})) this.write(rel, text);
    this.settings = { debounceMs: 10, ...options.settings };
    this.child = spawn(process.execPath, [...options.nodeOptions ?? [], SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.rpc = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.rpc.onNotification((method: string, params: unknown) => {
      if (method === 'textDocument/publishDiagnostics') this.published.push(params as PublishDiagnosticsParams);
      else this.notifications.push({ method, params });
      for (const w of [...this.waiters]) w();
    });
    this.rpc.onRequest('workspace/configuration', (p: { items: Array<{ scopeUri?: string }> }) => p.items.map(item => {
      const folder = [...this.folderSettings].find(([rel]) => item.scopeUri === this.uri(rel));
      return { ...this.settings, ...folder?.[1] };
    }));
    this.rpc.onRequest('client/registerCapability', () => null);
    // jsonrpc routes `$/progress` to handlers per token, never to the catch-all above.
    this.rpc.onRequest('window/workDoneProgress/create', (p: { token: string | number }) => {
      this.rpc.onProgress(WorkDoneProgress.type, p.token, value => {
        this.notifications.push({ method: '$/progress', params: { token: p.token, value } });
        for (const w of [...this.waiters]) w();
      });
      return null;
    });
    this.rpc.onRequest('workspace/codeLens/refresh', () => {
      this.notifications.push({ method: 'workspace/codeLens/refresh', params: undefined });
      return null;
    });
    this.rpc.onRequest('workspace/applyEdit', (p: ApplyWorkspaceEditParams) => {
      this.appliedEdits.push(p);
      for (const w of [...this.waiters]) w();
      return { applied: true };
    });
    this.rpc.listen();
  }

  static async start(options: ClientOptions = {}): Promise<TestClient> {
    const client = new TestClient(options);
    const capabilities: ClientCapabilities = options.capabilities ?? {
      workspace: { configuration: true, codeLens: { refreshSupport: true }, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
      window: { workDoneProgress: true },
    };
    client.initializeResult = await client.rpc.sendRequest('initialize', {
      processId: process.pid,
      rootUri: client.uri(''),
      workspaceFolders: (options.folders ?? ['']).map(rel => ({ uri: client.uri(rel), name: rel || 'test' })),
      capabilities,
    }) as InitializeResult;
    await client.rpc.sendNotification('initialized', {});
    return client;
  }

  uri(rel: string): string {
    return pathToFileURL(path.join(this.dir, rel)).href;
  }

  write(rel: string, text: string): void {
    const file = path.join(this.dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.rpc.sendRequest(method, params) as Promise<R>;
  }

  requestWithToken<R>(method: string, params: unknown, token: CancellationToken): Promise<R> {
    return this.rpc.sendRequest(method, params, token) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.rpc.sendNotification(method, params);
  }

  async open(rel: string, text = fs.readFileSync(path.join(this.dir, rel), 'utf8')): Promise<void> {
    this.versions.set(rel, 1);
    await this.notify('textDocument/didOpen', { textDocument: { uri: this.uri(rel), languageId: 'typescript', version: 1, text } });
  }

  /** Replaces the whole text (a full-document change), returning the new version. */
  async change(rel: string, text: string): Promise<number> {
    const version = (this.versions.get(rel) ?? 0) + 1;
    this.versions.set(rel, version);
    await this.notify('textDocument/didChange', { textDocument: { uri: this.uri(rel), version }, contentChanges: [{ text }] });
    return version;
  }

  /** Applies LSP text edits as one incremental change, returning the new version. */
  async edit(rel: string, edits: readonly TextEdit[]): Promise<number> {
    const version = (this.versions.get(rel) ?? 0) + 1;
    this.versions.set(rel, version);
    const ordered = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    await this.notify('textDocument/didChange', {
      textDocument: { uri: this.uri(rel), version },
      contentChanges: ordered.map(e => ({ range: e.range, text: e.newText })),
    });
    return version;
  }

  async close(rel: string): Promise<void> {
    await this.notify('textDocument/didClose', { textDocument: { uri: this.uri(rel) } });
  }

  /** Resolves when `test` holds for what has arrived; fails after a bound with `what`. */
  waitFor<T>(what: string, test: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = test();
        if (hit === undefined) return false;
        clearTimeout(timer);
        this.waiters.delete(onEvent);
        resolve(hit);
        return true;
      };
      const onEvent = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(onEvent);
        reject(new Error(`timed out waiting for ${what}`));
      }, WAIT_MS);
      if (!check()) this.waiters.add(onEvent);
    });
  }

  /** The diagnostics published for a document version (for closed files: any publish after `since`). */
  diagnostics(rel: string, version?: number, since = 0): Promise<Diagnostic[]> {
    const uri = this.uri(rel);
    return this.waitFor(`diagnostics of ${rel}${version === undefined ? '' : `@${version}`}`, () =>
      this.published.slice(since).reverse().find(p => p.uri === uri && (version === undefined || p.version === version))?.diagnostics);
  }

  /** The latest publish for a file, whatever its version. */
  latest(rel: string): PublishDiagnosticsParams | undefined {
    const uri = this.uri(rel);
    return [...this.published].reverse().find(p => p.uri === uri);
  }

  async stop(): Promise<void> {
    const exited = new Promise(resolve => this.child.once('exit', resolve));
    await this.rpc.sendRequest('shutdown');
    await this.rpc.sendNotification('exit');
    await exited;
    this.rpc.dispose();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /** The server's process id, to read its memory from /proc. */
  get pid(): number {
    return this.child.pid as number;
  }

  /** Resolves with the exit code once the server process has ended (a test may end it without `stop`). */
  exited(): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise(resolve => this.child.once('exit', code => resolve(code)));
  }

  /** Forgets the process (after `exited`): closes the connection and removes the workspace. */
  dispose(): void {
    this.rpc.dispose();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

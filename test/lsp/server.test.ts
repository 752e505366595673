/** The language server driven over real JSON-RPC (stdio), as an editor drives it. */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageConnection, StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver-protocol';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

const BUGGY = `export function bump(counts: Int32Array<SharedArrayBuffer>): void {
  counts[0]++;
}
`;

describe('language server over JSON-RPC', () => {
  let child: ChildProcess;
  let rpc: MessageConnection;
  let dir: string;
  const published: PublishDiagnosticsParams[] = [];
  const waiters: Array<() => void> = [];

  const nextDiagnostics = (uri: string, version: number): Promise<Diagnostic[]> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}@${version}`)), 30_000);
    const check = (): boolean => {
      const hit = published.find(p => p.uri === uri && p.version === version);
      if (!hit) return false;
      clearTimeout(timer);
      resolve(hit.diagnostics);
      return true;
    };
    if (!check()) waiters.push(() => void check());
  });

  before(async () => {
    assert.ok(fs.existsSync(SERVER), 'build first: dist/server.js is missing');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-lsp-'));
    child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      published.push(p);
      for (const w of waiters.splice(0)) w();
    });
    rpc.onNotification('window/showMessage', () => undefined);
    rpc.onRequest('client/registerCapability', () => null);
    rpc.listen();
    const init = await rpc.sendRequest('initialize', {
      processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {}, initializationOptions: { debounceMs: 10 },
    }) as { capabilities: { textDocumentSync: number; codeActionProvider: unknown } };
    assert.equal(init.capabilities.textDocumentSync, 2, 'incremental sync');
    await rpc.sendNotification('initialized', {});
  });

  after(async () => {
    await rpc.sendRequest('shutdown');
    await rpc.sendNotification('exit');
    await new Promise(resolve => child.once('exit', resolve));
    rpc.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes findings with rule code, doc link and source, and fixes them through code actions', async () => {
    const file = path.join(dir, 'bump.ts');
    const uri = pathToFileURL(file).href;
    await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: BUGGY } });
    const diags = await nextDiagnostics(uri, 1);
    assert.equal(diags.length, 1);
    const [d] = diags;
    assert.equal(d.code, 'unsynchronized-shared-write');
    assert.equal(d.source, 'fearless');
    assert.match(d.codeDescription!.href, /docs\/rules\/unsynchronized-shared-write\.md$/);
    assert.deepEqual(d.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 13 } });

    const actions = await rpc.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: d.range, context: { diagnostics: [d] },
    }) as CodeAction[];
    const titles = actions.map(a => a.title);
    assert.deepEqual(titles, ['Use Atomics.add', 'Ignore unsynchronized-shared-write on this line', 'Ignore unsynchronized-shared-write in this file']);
    assert.equal(actions[0].isPreferred, true);
    const [edit] = actions[0].edit!.changes![uri] as TextEdit[];
    assert.equal(edit.newText, 'Atomics.add(counts, 0, 1)');

    // The editor applies the fix as an incremental change; the finding goes away.
    await rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 }, contentChanges: [{ range: edit.range, text: edit.newText }],
    });
    assert.deepEqual(await nextDiagnostics(uri, 2), []);
  });

  it('offers source.fixAll.fearless with the safe fixes only', async () => {
    const uri = pathToFileURL(path.join(dir, 'all.ts')).href;
    const text = `${BUGGY}export function store(a: Int32Array<SharedArrayBuffer>): void {\n  a[1] = 5;\n}\n`;
    await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    assert.equal((await nextDiagnostics(uri, 1)).length, 2);
    const actions = await rpc.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.fearless'] },
    }) as CodeAction[];
    assert.equal(actions.length, 1);
    const [whole] = actions[0].edit!.changes![uri] as TextEdit[];
    assert.match(whole.newText, /Atomics\.add\(counts, 0, 1\);/);
    assert.match(whole.newText, /Atomics\.store\(a, 1, 5\);/);
  });

  it('keeps serving after a file that does not parse', async () => {
    const uri = pathToFileURL(path.join(dir, 'broken.ts')).href;
    await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: 'export function (' } });
    const diags = await nextDiagnostics(uri, 1);
    assert.deepEqual(diags.map(d => d.code), ['parse-error']);
  });
});

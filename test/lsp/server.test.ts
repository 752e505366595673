/** The language server driven over real JSON-RPC (stdio), as an editor drives it: one document at a time. */
import assert from 'node:assert/strict';
import type { CodeAction, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { TestClient } from './support/lsp-client';

const BUGGY = `export function bump(counts: Int32Array<SharedArrayBuffer>): void {
  counts[0]++;
}
`;
const STORE = `export function store(a: Int32Array<SharedArrayBuffer>): void {\n  a[1] = 5;\n}\n`;

describe('language server over JSON-RPC', () => {
  let client: TestClient;

  before(async () => {
    client = await TestClient.start();
  });

  after(async () => {
    await client.stop();
    assert.equal(client.exitCode, 0, 'exits cleanly after shutdown + exit');
  });

  it('announces its capabilities', () => {
    const caps = client.initializeResult.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.fearless', 'refactor.fearless.createWorker'] });
    assert.deepEqual(caps.completionProvider, { resolveProvider: false });
    assert.equal(caps.hoverProvider, true);
    assert.deepEqual(caps.codeLensProvider, { resolveProvider: false });
    assert.deepEqual(caps.executeCommandProvider?.commands, ['fearless.server.applyFixAll']);
  });

  it('publishes findings with rule code, doc link and source, and fixes them through code actions', async () => {
    await client.open('bump.ts', BUGGY);
    const diags = await client.diagnostics('bump.ts', 1);
    assert.equal(diags.length, 1);
    const [d] = diags;
    assert.equal(d.code, 'unsynchronized-shared-write');
    assert.equal(d.source, 'fearless');
    assert.match(d.codeDescription!.href, /docs\/rules\/unsynchronized-shared-write\.md$/);
    assert.deepEqual(d.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 13 } });

    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('bump.ts') }, range: d.range, context: { diagnostics: [d] },
    });
    assert.deepEqual(actions.map(a => a.title),
      ['Use Atomics.add', 'Ignore unsynchronized-shared-write on this line', 'Ignore unsynchronized-shared-write in this file']);
    assert.equal(actions[0].isPreferred, true);
    const edits = actions[0].edit!.changes![client.uri('bump.ts')] as TextEdit[];
    assert.equal(edits[0].newText, 'Atomics.add(counts, 0, 1)');

    // The editor applies the fix as an incremental change; the finding goes away.
    const version = await client.edit('bump.ts', edits);
    assert.deepEqual(await client.diagnostics('bump.ts', version), []);
  });

  it('ignores a rule on a line by merging into the ignore comment already there', async () => {
    const text = `export function two(a: Int32Array<SharedArrayBuffer>, f: Float64Array<SharedArrayBuffer>): void {
  // fearless-ignore-next-line busy-wait
  a[0] = 1;
}
`;
    await client.open('merge.ts', text);
    const first = await client.diagnostics('merge.ts', 1);
    assert.deepEqual(first.map(x => x.code), ['unused-ignore', 'unsynchronized-shared-write']);
    const d = first[1];
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('merge.ts') }, range: d.range, context: { diagnostics: [d] },
    });
    const ignore = actions.find(a => a.title === 'Ignore unsynchronized-shared-write on this line')!;
    const version = await client.edit('merge.ts', ignore.edit!.changes![client.uri('merge.ts')] as TextEdit[]);
    const after = await client.diagnostics('merge.ts', version);
    // busy-wait suppresses nothing here: the merged comment keeps it, and unused-ignore still says so.
    assert.deepEqual(after.map(x => x.code), ['unused-ignore']);
    assert.match(String(after[0].message), /busy-wait/);
    assert.deepEqual(after[0].tags, [1], 'an unused ignore is shown as unnecessary code');
  });

  it('offers source.fixAll.fearless with the safe fixes only, as their own small edits, and runs it as a command', async () => {
    // The typo's fix is safe (one id is nearest); the comment it sits in is kept.
    const text = `${BUGGY}${STORE}// fearless-ignore-next-line busy-wiat\nexport const answer = 42;\n`;
    await client.open('all.ts', text);
    assert.equal((await client.diagnostics('all.ts', 1)).length, 3);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('all.ts') }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.fearless'] },
    });
    assert.deepEqual(actions.map(a => a.kind), ['source.fixAll.fearless']);
    const edits = actions[0].edit!.changes![client.uri('all.ts')] as TextEdit[];
    // Not one replacement of the whole document: each edit is the fix's own range, on its own line.
    assert.deepEqual(edits, [
      { range: { start: { line: 1, character: 2 }, end: { line: 1, character: 13 } }, newText: 'Atomics.add(counts, 0, 1)' },
      { range: { start: { line: 4, character: 2 }, end: { line: 4, character: 10 } }, newText: 'Atomics.store(a, 1, 5)' },
      { range: { start: { line: 6, character: 29 }, end: { line: 6, character: 38 } }, newText: 'busy-wait' },
    ]);

    await client.request('workspace/executeCommand', { command: 'fearless.server.applyFixAll', arguments: [client.uri('all.ts')] });
    const applied = await client.waitFor('workspace/applyEdit', () => client.appliedEdits[0]);
    assert.deepEqual(applied.edit.changes![client.uri('all.ts')], edits);
  });

  it('keeps serving after a file that does not parse', async () => {
    await client.open('broken.ts', 'export function (');
    assert.deepEqual((await client.diagnostics('broken.ts', 1)).map(d => d.code), ['parse-error']);
  });

  it('clears a document\'s diagnostics when it is closed', async () => {
    await client.open('closing.ts', BUGGY);
    assert.equal((await client.diagnostics('closing.ts', 1)).length, 1);
    const before = client.published.length;
    await client.close('closing.ts');
    await client.waitFor('an empty publish', () =>
      client.published.slice(before).find(p => p.uri === client.uri('closing.ts') && p.diagnostics.length === 0));
  });

  it('answers a cancelled request with RequestCancelled, and keeps serving', async () => {
    // A large file keeps the server busy analysing inside a first request, so the hover and its
    // cancellation are both waiting when it gets to them, as when a user moves on mid-request.
    const big = Array.from({ length: 1500 }, (_, i) => `export function f${i}(a: Int32Array<SharedArrayBuffer>): void {\n  a[${i % 8}]++;\n}\n`).join('');
    await client.open('busy.ts', big);
    const busy = client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('busy.ts') }, range: { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } }, context: { diagnostics: [] },
    });
    const source = new CancellationTokenSource();
    const hover = client.requestWithToken<Hover | null>('textDocument/hover', {
      textDocument: { uri: client.uri('busy.ts') }, position: { line: 1, character: 2 },
    }, source.token);
    source.cancel();
    await assert.rejects(hover, (e: { code?: number }) => e.code === -32800);
    assert.ok((await busy).length > 0, 'the request before it is answered');
    const again = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: client.uri('busy.ts') }, position: { line: 1, character: 2 },
    });
    assert.match(JSON.stringify(again?.contents), /Shared memory/, 'the next request is served');
  });
});

/** The Send family through the language server: findings as you type, and their fixes applied as an editor would. */
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { TestClient } from './support/lsp-client';

const SEND = `import { MessageChannel, Worker } from 'node:worker_threads';

class Job {
  constructor(public id: number) {}
  describe(): string {
    return \`job \${this.id}\`;
  }
}

export function send(worker: Worker, state: ArrayBuffer, shared: SharedArrayBuffer): number {
  worker.postMessage({ onDone: () => console.log('done') });
  worker.postMessage(new Job(1));
  const { port1 } = new MessageChannel();
  worker.postMessage({ port: port1 });
  worker.postMessage(shared, [shared]);
  worker.postMessage(state, [state]);
  return state.byteLength;
}
`;

describe('language server: the Send family', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ files: { 'package.json': '{ "type": "module" }' } });
  });
  after(() => client.stop());

  const actionsFor = (d: Diagnostic) => client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: client.uri('send.ts') }, range: d.range, context: { diagnostics: [d] },
  });

  it('reports every rule of the family where the problem is', async () => {
    await client.open('send.ts', SEND);
    const found = (await client.diagnostics('send.ts', 1)).map(d => [d.range.start.line + 1, d.code]);
    assert.deepEqual(found, [
      [11, 'send-non-cloneable'],
      [12, 'send-loses-prototype'],
      [14, 'transfer-list-missing-port'],
      [15, 'transfer-shared-buffer'],
      [17, 'use-after-transfer'],
    ]);
  });

  it('applies their fixes, and the findings go away', async () => {
    let version = 1;
    for (const [rule, title] of [
      ['use-after-transfer', 'Transfer a copy'],
      ['transfer-shared-buffer', 'Remove from the transfer list (shared memory is shared, not moved)'],
      ['transfer-list-missing-port', 'Add `port1` to the transfer list'],
    ]) {
      const d = (await client.diagnostics('send.ts', version)).find(x => x.code === rule);
      assert.ok(d, `${rule} still reported before its fix`);
      const fix = (await actionsFor(d)).find(a => a.title === title);
      assert.ok(fix, `${rule}: "${title}" offered`);
      version = await client.edit('send.ts', fix.edit!.changes![client.uri('send.ts')] as TextEdit[]);
      const after = await client.diagnostics('send.ts', version);
      assert.equal(after.some(x => x.code === rule), false, `${rule} fixed`);
    }
    const left = (await client.diagnostics('send.ts', version)).map(d => d.code);
    assert.deepEqual(left, ['send-non-cloneable', 'send-loses-prototype']);
  });
});

describe('language server: thread APIs without types', () => {
  let client: TestClient;
  before(async () => { client = await TestClient.start(); });
  after(() => client.stop());

  const statusAfter = (since: number, warned: boolean) => client.waitFor(`a status ${warned ? 'with' : 'without'} a warning`, () =>
    client.notifications.slice(since).find(n => n.method === 'fearless/status' &&
      (n.params as { state: string }).state === 'idle' && ((n.params as { warning?: string }).warning !== undefined) === warned));

  it('says which rules could not check them, in the status and the log, until they are typed', async () => {
    await client.open('bare.ts', "const { Worker } = require('node:worker_threads');\nnew Worker(__filename).postMessage(1);\nexport {};\n");
    const warned = await statusAfter(0, true);
    assert.match((warned.params as { warning: string }).warning, /1 use of thread APIs without types in 1 file: .*use-after-transfer/);
    const log = await client.waitFor('the log line', () => client.notifications.find(n => n.method === 'window/logMessage' &&
      /bare\.ts:1:28: 'node:worker_threads' has no types \(a require\(\) in a TypeScript file/.test(JSON.stringify(n.params))));
    assert.ok(log);
    const since = client.notifications.length;
    await client.change('bare.ts', "import { Worker } from 'node:worker_threads';\nnew Worker(__filename).postMessage(1);\n");
    assert.ok(await statusAfter(since, false));
  });
});

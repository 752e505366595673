/** The Join family through the language server: every rule's finding as you type, and fixes applied as an editor would. */
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { TestClient } from './support/lsp-client';

const WORKER = `import { parentPort, workerData } from 'node:worker_threads';

parentPort?.postMessage((workerData as number) * 2);
`;

const MAIN = `import { MessageChannel, Worker } from 'node:worker_threads';

export async function run(input: number): Promise<number | undefined> {
  let result: number | undefined;
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: input });
  worker.on('message', (value: number) => (result = value));
  worker.on('error', (error) => console.error(error));
  return result;
}

export function crashOnError(input: number): void {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: input });
  worker.on('exit', (code) => console.log(code));
}

export function fromCwd(): Worker {
  return new Worker('./worker.js');
}

export function missing(): Worker {
  return new Worker(new URL('./wroker.js', import.meta.url));
}

export function channel(): void {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (value: number) => console.log(value));
  port2.postMessage(1);
}
`;

const PAGE = `const { port1, port2 } = new MessageChannel();
port1.addEventListener('message', (event) => {
  document.title = String(event.data);
});
port2.postMessage('hello');

export {};
`;

/** The text an editor holds after applying LSP edits (positions in UTF-16 units, as here: ASCII only). */
function applied(text: string, edits: readonly TextEdit[]): string {
  const offset = (p: { line: number; character: number }): number => {
    let at = 0;
    for (let line = 0; line < p.line; line++) at = text.indexOf('\n', at) + 1;
    return at + p.character;
  };
  return [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

describe('language server: the Join family', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ files: { 'package.json': '{ "type": "module" }', 'worker.ts': WORKER } });
  });
  after(() => client.stop());

  const actionsFor = (rel: string, d: Diagnostic) => client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: client.uri(rel) }, range: d.range, context: { diagnostics: [d] },
  });
  const found = async (rel: string, version: number) => (await client.diagnostics(rel, version)).map(d => [d.range.start.line + 1, d.code]);

  it('reports every rule of the family where the problem is', async () => {
    await client.open('main.ts', MAIN);
    await client.open('page.ts', PAGE);
    assert.deepEqual(await found('main.ts', 1), [
      [5, 'unjoined-worker'],
      [12, 'unhandled-worker-error'],
      [17, 'worker-path-cwd-relative'],
      [21, 'worker-entry-not-found'],
      [26, 'unclosed-port'],
    ]);
    assert.deepEqual(await found('page.ts', 1), [[2, 'port-not-started']]);
    const path = (await client.diagnostics('main.ts', 1)).find(d => d.code === 'worker-path-cwd-relative')!;
    assert.deepEqual(path.range, { start: { line: 16, character: 20 }, end: { line: 16, character: 33 } }, 'on the path argument');
  });

  it("joins the worker with the fix: `await once(worker, 'exit')` and its import", async () => {
    const d = (await client.diagnostics('main.ts', 1)).find(x => x.code === 'unjoined-worker')!;
    const actions = await actionsFor('main.ts', d);
    assert.deepEqual(actions.map(a => a.title).slice(0, 2), ["Join: `await once(worker, 'exit')`", 'Detach: `worker.unref()`']);
    const edits = actions[0].edit!.changes![client.uri('main.ts')] as TextEdit[];
    const version = await client.edit('main.ts', edits);
    const after = await client.diagnostics('main.ts', version);
    assert.equal(after.some(x => x.code === 'unjoined-worker'), false);
    const text = applied(MAIN, edits);
    assert.match(text, /^import \{ once \} from 'node:events';$/m);
    assert.match(text, /worker\.on\('error', \(error\) => console\.error\(error\)\);\n {2}await once\(worker, 'exit'\);\n {2}return result;/);
  });

  it('starts the port with the safe fix, which fix-all applies too', async () => {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('page.ts') }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.fearless'] },
    });
    assert.equal(actions.length, 1);
    const edits = actions[0].edit!.changes![client.uri('page.ts')] as TextEdit[];
    const version = await client.edit('page.ts', edits);
    assert.deepEqual(await found('page.ts', version), []);
    assert.match(applied(PAGE, edits), /\}\);\nport1\.start\(\);\nport2\.postMessage/);
  });
});

/** The snippets through the server: completions that add their imports, and the worker file a spawn needs. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { CodeAction, CompletionItem, CreateFile, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { TestClient } from './support/lsp-client';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

describe('language server snippets', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({ files: { 'package.json': '{ "type": "module" }' } });
  });
  after(() => client.stop());

  const complete = (rel: string, line: number, character: number) =>
    client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: client.uri(rel) }, position: { line, character } });

  it('offers `spawn` in a file with no imports, adding the import at the top', async () => {
    const text = `// A fresh module.\n\nexport const answer = 42;\n`;
    await client.open('fresh.ts', text);
    const items = await complete('fresh.ts', 3, 0);
    const spawn = items.find(i => i.label === 'spawn');
    assert.ok(spawn, `spawn among ${items.map(i => i.label).join(', ')}`);
    assert.equal(spawn.insertTextFormat, 2);
    assert.match(spawn.insertText!, /new Worker\(new URL\('\.\/\$1\.js', import\.meta\.url\)/);
    assert.doesNotMatch(spawn.insertText!, /^import /m, 'imports go to the top, not at the cursor');
    assert.deepEqual(spawn.additionalTextEdits, [{
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      newText: "import { Worker } from 'node:worker_threads';\n\n",
    }]);
    assert.ok(items.some(i => i.label === 'par-map'), 'the whole library is offered');
  });

  it('merges into an import of the same module, and adds nothing already imported', async () => {
    const text = `import { isMainThread } from 'worker_threads';\nimport os from 'node:os';\n\nconsole.log(isMainThread, os.EOL);\n`;
    await client.open('merge.ts', text);
    const items = await complete('merge.ts', 4, 0);
    const self = items.find(i => i.label === 'spawn-self')!;
    assert.deepEqual(self.additionalTextEdits, [{
      range: { start: { line: 0, character: 21 }, end: { line: 0, character: 21 } },
      newText: ', Worker, parentPort, workerData',
    }]);
  });

  it('offers nothing inside a comment or a string', async () => {
    await client.open('quiet.ts', `// spawn a worker here\nconst s = 'spawn';\n`);
    assert.deepEqual(await complete('quiet.ts', 0, 8), []);
    assert.deepEqual(await complete('quiet.ts', 1, 13), []);
  });

  it('creates the worker file a spawn points at, and the pair checks clean', async () => {
    const main = `import { Worker } from 'node:worker_threads';

export function start(): Promise<number> {
  const worker = new Worker(new URL('./doubler.js', import.meta.url), { workerData: 21 });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}
`;
    client.write('main.ts', main);
    await client.open('main.ts');
    assert.deepEqual((await client.diagnostics('main.ts', 1)).map(d => d.code), ['worker-entry-not-found']);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('main.ts') }, range: { start: { line: 3, character: 20 }, end: { line: 3, character: 20 } },
      context: { diagnostics: [] },
    });
    const create = actions.find(a => a.title === 'Create worker file `doubler.ts` for this spawn');
    assert.ok(create, `offered: ${actions.map(a => a.title).join(' | ')}`);
    const [made, filled] = create.edit!.documentChanges! as [CreateFile, TextDocumentEdit];
    assert.deepEqual(made, { kind: 'create', uri: client.uri('doubler.ts'), options: { ignoreIfExists: true } });
    const workerText = (filled.edits[0] as { newText: string }).newText;
    assert.match(workerText, /import \{ parentPort, workerData \} from 'node:worker_threads';/);
    const before = client.published.length;
    fs.writeFileSync(path.join(client.dir, 'doubler.ts'), workerText);
    // The editor reports the file it created: the spawn that pointed nowhere is judged again.
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('doubler.ts'), type: 1 }] });
    assert.deepEqual(await client.diagnostics('main.ts', undefined, before), []);
    const check = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', 'main.ts', 'doubler.ts'], { cwd: client.dir, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(check.stdout).diagnostics, []);
  });
});

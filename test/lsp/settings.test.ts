/**
 * The server under the editor's settings: severities and enablement changed live, the debounce,
 * the `onSave` and `workspace` run modes, files changed on disk, and start-up progress.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TestClient } from './support/lsp-client';

const BUGGY = `export function bump(counts: Int32Array<SharedArrayBuffer>): void {
  counts[0]++;
}
`;
const CLEAN = `export function bump(counts: Int32Array<SharedArrayBuffer>): void {
  Atomics.add(counts, 0, 1);
}
`;

describe('language server settings and run modes', () => {
  describe('onType (default)', () => {
    let client: TestClient;
    before(async () => {
      // Long enough that a burst sent back to back lands inside it even on a loaded machine.
      client = await TestClient.start({ settings: { debounceMs: 1500 } });
    });
    after(() => client.stop());

    it('coalesces a burst of edits into one analysis of the last version', async () => {
      await client.open('burst.ts', CLEAN);
      await client.diagnostics('burst.ts', 1);
      for (let i = 0; i < 4; i++) await client.change('burst.ts', i % 2 === 0 ? BUGGY : CLEAN);
      const last = await client.change('burst.ts', BUGGY);
      assert.equal((await client.diagnostics('burst.ts', last)).length, 1);
      const versions = client.published.filter(p => p.uri === client.uri('burst.ts')).map(p => p.version);
      assert.deepEqual(versions, [1, last], 'nothing published for the superseded versions');
    });

    it('applies changed settings at once: a severity, then disabling', async () => {
      await client.open('live.ts', BUGGY);
      const [d] = await client.diagnostics('live.ts', 1);
      assert.equal(d.severity, 2);

      let before = client.published.length;
      client.settings = { ...client.settings, rules: { 'unsynchronized-shared-write': 'error' } };
      await client.notify('workspace/didChangeConfiguration', { settings: {} });
      const raised = await client.waitFor('an error now', () =>
        client.published.slice(before).find(p => p.uri === client.uri('live.ts') && p.diagnostics[0]?.severity === 1));
      assert.equal(raised.diagnostics.length, 1);

      before = client.published.length;
      client.settings = { ...client.settings, enable: false };
      await client.notify('workspace/didChangeConfiguration', { settings: {} });
      await client.waitFor('diagnostics cleared', () =>
        client.published.slice(before).find(p => p.uri === client.uri('live.ts') && p.diagnostics.length === 0));
    });
  });

  describe('a project fearless.json', () => {
    let client: TestClient;
    before(async () => {
      client = await TestClient.start({ files: { 'fearless.json': '{ "rules": { "unsynchronized-shared-write": "off" } }', 'a.ts': BUGGY } });
    });
    after(() => client.stop());

    it('wins over the editor settings, and is read again when it changes on disk', async () => {
      await client.open('a.ts');
      assert.deepEqual(await client.diagnostics('a.ts', 1), []);
      const before = client.published.length;
      client.write('fearless.json', '{ "rules": { "unsynchronized-shared-write": "info" } }');
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('fearless.json'), type: 2 }] });
      const republished = await client.waitFor('a.ts under the new configuration', () =>
        client.published.slice(before).find(p => p.uri === client.uri('a.ts') && p.diagnostics.length === 1));
      assert.equal(republished.diagnostics[0].severity, 3);
    });
  });

  describe('a multi-root workspace', () => {
    let client: TestClient;
    before(async () => {
      client = await TestClient.start({
        folders: ['strict', 'relaxed'],
        files: {
          'strict/fearless.json': '{ "rules": { "unsynchronized-shared-write": "error" } }',
          'relaxed/fearless.json': '{ "rules": { "unsynchronized-shared-write": "hint" } }',
          'strict/a.ts': BUGGY,
          'relaxed/a.ts': BUGGY,
        },
      });
    });
    after(() => client.stop());

    it('judges each folder under its own configuration', async () => {
      await client.open('strict/a.ts');
      await client.open('relaxed/a.ts');
      assert.deepEqual((await client.diagnostics('strict/a.ts', 1)).map(d => d.severity), [1]);
      assert.deepEqual((await client.diagnostics('relaxed/a.ts', 1)).map(d => d.severity), [4]);
    });

    it('takes folders added and removed, with their own editor settings', async () => {
      client.write('late/b.ts', BUGGY);
      client.folderSettings.set('late', { rules: { 'unsynchronized-shared-write': 'info' } });
      await client.open('late/b.ts');
      assert.deepEqual((await client.diagnostics('late/b.ts', 1)).map(d => d.severity), [2], 'outside every folder: defaults');
      await client.notify('workspace/didChangeWorkspaceFolders', {
        event: { added: [{ uri: client.uri('late'), name: 'late' }], removed: [{ uri: client.uri('relaxed'), name: 'relaxed' }] },
      });
      const version = await client.change('late/b.ts', `${BUGGY}\n`);
      assert.deepEqual((await client.diagnostics('late/b.ts', version)).map(d => d.severity), [3], 'in the added folder: its settings');
    });
  });

  describe('onSave', () => {
    let client: TestClient;
    before(async () => {
      client = await TestClient.start({ settings: { run: 'onSave' } });
    });
    after(() => client.stop());

    it('analyses on open and on save, not on every edit', async () => {
      await client.open('saved.ts', CLEAN);
      assert.deepEqual(await client.diagnostics('saved.ts', 1), []);
      const version = await client.change('saved.ts', BUGGY);
      await new Promise(resolve => setTimeout(resolve, 300));
      assert.equal(client.published.some(p => p.uri === client.uri('saved.ts') && p.version === version), false);
      await client.notify('textDocument/didSave', { textDocument: { uri: client.uri('saved.ts') } });
      assert.equal((await client.diagnostics('saved.ts', version)).length, 1);
    });
  });

  describe('workspace', () => {
    let client: TestClient;
    before(async () => {
      client = await TestClient.start({
        settings: { run: 'workspace' },
        files: { 'src/closed.ts': BUGGY, 'src/clean.ts': CLEAN, 'node_modules_like/ignored.d.ts': 'export {};\n' },
      });
    });
    after(() => client.stop());

    it('reports progress while it scans, and analyses files nobody opened', async () => {
      const closed = await client.diagnostics('src/closed.ts');
      assert.equal(closed.length, 1);
      assert.deepEqual(await client.diagnostics('src/clean.ts'), []);
      const progress = await client.waitFor('the end of the scan', () => {
        const kinds = client.notifications.filter(n => n.method === '$/progress').map(n => (n.params as { value: { kind: string } }).value.kind);
        return kinds.includes('end') ? kinds : undefined;
      });
      assert.equal(progress[0], 'begin');
    });

    it('follows files changed and deleted outside the editor', async () => {
      let before = client.published.length;
      client.write('src/clean.ts', BUGGY);
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('src/clean.ts'), type: 2 }] });
      assert.equal((await client.diagnostics('src/clean.ts', undefined, before)).length, 1);

      before = client.published.length;
      fs.rmSync(path.join(client.dir, 'src/closed.ts'));
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('src/closed.ts'), type: 3 }] });
      assert.deepEqual(await client.diagnostics('src/closed.ts', undefined, before), []);
    });
  });

  describe('a client without workspace folder events (rootUri and configuration only)', () => {
    let client: TestClient;
    before(async () => {
      client = await TestClient.start({
        settings: { run: 'workspace' },
        capabilities: { workspace: { configuration: true }, window: { workDoneProgress: true } },
        files: { 'src/closed.ts': BUGGY },
      });
    });
    after(() => client.stop());

    it('still reads the settings and scans the workspace', async () => {
      // `run: workspace` comes from the settings it must ask for; the closed file is judged only then.
      assert.equal((await client.diagnostics('src/closed.ts')).length, 1);
      const failures = client.notifications.filter(n => n.method === 'window/logMessage' && /failed/.test(JSON.stringify(n.params)));
      assert.deepEqual(failures, []);
    });
  });
});

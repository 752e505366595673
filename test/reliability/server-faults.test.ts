/**
 * The language server under the faults an editor and a workspace produce, over real JSON-RPC:
 * bursts of edits, cancelled requests, files deleted or renamed while open, a tsconfig.json or a
 * fearless.json broken and mended, workspace folders coming and going, 5,000 files to scan, the
 * exit protocol, and a thousand edits' worth of memory. Nothing here asserts how fast the server is;
 * the bounds are hang guards, and the figures are printed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import type { Diagnostic, Hover, Range } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient } from '../lsp/support/lsp-client';
import { LONG_RUN } from './support/corpus';
import { diagnosticProblems } from './support/invariants';

const WORDFREQ = path.join(__dirname, '..', '..', 'examples', 'wordfreq', 'src');
const TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'es2022', lib: ['es2024'], module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: true, types: ['node'] },
  include: ['src'],
});

function wordfreq(prefix = 'src/'): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(WORDFREQ).map(f => [`${prefix}${f}`, fs.readFileSync(path.join(WORDFREQ, f), 'utf8')]));
}

/** A comparable form of diagnostics: what a user sees of each. */
function shown(diags: readonly Diagnostic[]): string[] {
  return diags.map(d => `${JSON.stringify(d.range)} ${String(d.code)} ${d.message}`);
}

function progressSince(client: TestClient, since: number): string[] {
  return client.notifications.slice(since).filter(n => n.method === '$/progress')
    .map(n => (n.params as { value: { kind: string } }).value.kind);
}

/** About three times what the engine keeps alive for this project (measured with --expose-gc). */
const HEAP_CAP_MB = 320;

function vmRssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** Deterministic pseudo-random numbers, so a failure replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const TYPED = ['a', '\n', '\r\n', ' ', '{', '}', '(', ')', ';', '😀', 'progress[0]++;\n', 'Atomics.add(progress, 0, 1);', '// ', '"', '`'];

/** A random edit of `doc` (insertion, deletion or replacement somewhere), as an LSP change. */
function randomEdit(doc: TextDocument, next: () => number): { range: Range; newText: string } {
  const text = doc.getText();
  const start = Math.floor(next() * (text.length + 1));
  const end = Math.min(text.length, start + (next() < 0.5 ? 0 : Math.floor(next() * 12)));
  const newText = next() < 0.3 ? '' : TYPED[Math.floor(next() * TYPED.length)];
  return { range: { start: doc.positionAt(start), end: doc.positionAt(end) }, newText };
}

describe('reliability: the server under faults', function () {
  this.timeout(LONG_RUN ? 0 : 120_000);

  describe('editing', () => {
    let client: TestClient;
    before(async () => {
      client = await TestClient.start({ files: { 'tsconfig.json': TSCONFIG, 'package.json': '{ "type": "module" }', ...wordfreq() } });
    });
    after(async () => {
      await client.stop();
      assert.equal(client.exitCode, 0);
    });

    it('a burst of 300 edits: the last version is published, exactly as a fresh open of its text', async () => {
      const rel = 'src/main.ts';
      let doc = TextDocument.create(client.uri(rel), 'typescript', 1, fs.readFileSync(path.join(client.dir, rel), 'utf8'));
      await client.open(rel, doc.getText());
      const next = random(7);
      let version = 1;
      for (let i = 0; i < 300; i++) {
        const change = randomEdit(doc, next);
        version = await client.edit(rel, [change]);
        doc = TextDocument.update(doc, [{ range: change.range, text: change.newText }], version);
      }
      const final = await client.diagnostics(rel, version);
      const text = doc.getText();
      assert.deepEqual(diagnosticProblems(client.uri(rel), final, uri => (uri === client.uri(rel) ? text : undefined)), []);
      await client.close(rel);
      const since = client.published.length;
      await client.open(rel, text);
      assert.deepEqual(shown(await client.diagnostics(rel, 1, since)), shown(final));
      await client.close(rel);
    });

    it('cancelled requests are answered RequestCancelled or in full, and the server keeps serving', async () => {
      const rel = 'src/worker.ts';
      await client.open(rel);
      const uri = client.uri(rel);
      const requests: Array<Promise<unknown>> = [];
      const next = random(11);
      for (let i = 0; i < 60; i++) {
        const source = new CancellationTokenSource();
        const position = { line: Math.floor(next() * 100), character: Math.floor(next() * 40) };
        const [method, params] = [
          ['textDocument/hover', { textDocument: { uri }, position }],
          ['textDocument/codeAction', { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } }],
          ['textDocument/codeLens', { textDocument: { uri } }],
          ['fearless/threadMap', {}],
        ][i % 4] as [string, unknown];
        requests.push(client.requestWithToken(method, params, source.token).then(() => 'answered', (e: { code?: number }) => {
          assert.equal(e.code, -32800, `${method} failed otherwise: ${JSON.stringify(e)}`);
          return 'cancelled';
        }));
        if (next() < 0.5) source.cancel();
        else setTimeout(() => source.cancel(), Math.floor(next() * 30));
        if (i % 10 === 0) await client.edit(rel, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '\n' }]);
      }
      const outcomes = await Promise.all(requests);
      console.log(`      cancelled: ${outcomes.filter(o => o === 'cancelled').length} of ${outcomes.length}`);
      const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
      assert.ok(hover === null || typeof hover === 'object');
      await client.close(rel);
    });

    it('a worker deleted from disk while its spawner is open, then its own file deleted while open', async () => {
      await client.open('src/main.ts');
      await client.diagnostics('src/main.ts', 1);
      fs.rmSync(path.join(client.dir, 'src/worker.ts'));
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('src/worker.ts'), type: 3 }] });
      const version = await client.change('src/main.ts', fs.readFileSync(path.join(client.dir, 'src/main.ts'), 'utf8') + '\n');
      const diags = await client.diagnostics('src/main.ts', version);
      assert.ok(diags.some(d => d.code === 'worker-entry-not-found'), 'the spawn now points at nothing');

      fs.rmSync(path.join(client.dir, 'src/main.ts'));
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('src/main.ts'), type: 3 }] });
      const edited = await client.change('src/main.ts', `const a = new Int32Array(new SharedArrayBuffer(4));\na[0]++;\nexport {};\n`);
      assert.deepEqual(await client.diagnostics('src/main.ts', edited), [], 'the editor text wins while it is open');
      const since = client.published.length;
      await client.close('src/main.ts');
      assert.deepEqual(await client.diagnostics('src/main.ts', undefined, since), [], 'closed and gone: cleared');
    });

    it('a file renamed while open: the old name closed, the new one opened', async () => {
      const text = fs.readFileSync(path.join(client.dir, 'src/shared-table.ts'), 'utf8');
      await client.open('src/shared-table.ts', text);
      await client.diagnostics('src/shared-table.ts', 1);
      fs.renameSync(path.join(client.dir, 'src/shared-table.ts'), path.join(client.dir, 'src/table.ts'));
      await client.notify('workspace/didChangeWatchedFiles', {
        changes: [{ uri: client.uri('src/shared-table.ts'), type: 3 }, { uri: client.uri('src/table.ts'), type: 1 }],
      });
      const since = client.published.length;
      await client.close('src/shared-table.ts');
      await client.open('src/table.ts', text);
      const renamed = await client.diagnostics('src/table.ts', 1, since);
      assert.ok(renamed.some(d => d.code === 'unsynchronized-shared-write'));
      assert.deepEqual(await client.diagnostics('src/shared-table.ts', undefined, since), []);
    });
  });

  describe('configuration broken and mended', () => {
    let client: TestClient;
    const RULES_OFF = JSON.stringify({ rules: { 'unsynchronized-shared-write': 'off' } });
    before(async () => {
      client = await TestClient.start({ files: { 'tsconfig.json': TSCONFIG, 'package.json': '{ "type": "module" }', ...wordfreq() } });
    });
    after(async () => {
      await client.stop();
      assert.equal(client.exitCode, 0);
    });

    const republished = async (rel: string, change: () => void, uri: string): Promise<Diagnostic[]> => {
      const since = client.published.length;
      change();
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
      return client.diagnostics(rel, 1, since);
    };

    it('tsconfig.json made invalid, then valid again', async () => {
      await client.open('src/shared-table.ts');
      const first = await client.diagnostics('src/shared-table.ts', 1);
      const tsconfig = path.join(client.dir, 'tsconfig.json');
      for (const broken of ['{ "compilerOptions": { "strict": tru', '{ "extends": "./nowhere.json", "include": 5 }']) {
        const diags = await republished('src/shared-table.ts', () => fs.writeFileSync(tsconfig, broken), client.uri('tsconfig.json'));
        assert.deepEqual(diagnosticProblems(client.uri('src/shared-table.ts'), diags, () => fs.readFileSync(path.join(client.dir, 'src/shared-table.ts'), 'utf8')), []);
      }
      const mended = await republished('src/shared-table.ts', () => fs.writeFileSync(tsconfig, TSCONFIG), client.uri('tsconfig.json'));
      assert.deepEqual(shown(mended), shown(first));
    });

    it('fearless.json broken: a warning, the defaults; mended: its rules again', async () => {
      const config = path.join(client.dir, 'fearless.json');
      const off = await republished('src/shared-table.ts', () => fs.writeFileSync(config, RULES_OFF), client.uri('fearless.json'));
      assert.ok(!off.some(d => d.code === 'unsynchronized-shared-write'));
      const warnings = client.notifications.length;
      const broken = await republished('src/shared-table.ts', () => fs.writeFileSync(config, '{ "rules": { "busy-wait": '), client.uri('fearless.json'));
      assert.ok(broken.some(d => d.code === 'unsynchronized-shared-write'), 'the defaults stand in');
      await client.waitFor('a warning about fearless.json', () => client.notifications.slice(warnings)
        .find(n => n.method === 'window/showMessage' && /fearless\.json/.test(JSON.stringify(n.params))));
      const mended = await republished('src/shared-table.ts', () => fs.writeFileSync(config, RULES_OFF), client.uri('fearless.json'));
      assert.deepEqual(shown(mended), shown(off));
    });
  });

  describe('workspace folders added and removed', () => {
    let client: TestClient;
    before(async () => {
      client = await TestClient.start({ folders: ['one'], files: { ...wordfreq('one/'), ...wordfreq('two/') } });
    });
    after(async () => {
      await client.stop();
      assert.equal(client.exitCode, 0);
    });

    it('keeps analysing open documents as folders come and go', async () => {
      await client.open('two/worker.ts');
      const before = await client.diagnostics('two/worker.ts', 1);
      const folder = (rel: string) => ({ uri: client.uri(rel), name: rel });
      for (const event of [
        { added: [folder('two')], removed: [] }, { added: [], removed: [folder('one')] },
        { added: [], removed: [folder('two')] }, { added: [folder('one'), folder('two')], removed: [] },
      ]) {
        const since = client.notifications.length;
        await client.notify('workspace/didChangeWorkspaceFolders', { event });
        await client.waitFor('the scan after the folders changed', () => (progressSince(client, since).includes('end') ? true : undefined));
      }
      const version = await client.change('two/worker.ts', fs.readFileSync(path.join(client.dir, 'two/worker.ts'), 'utf8'));
      assert.deepEqual(shown(await client.diagnostics('two/worker.ts', version)), shown(before));
    });
  });

  describe('a workspace of 5,000 files', () => {
    let client: TestClient;
    const files: Record<string, string> = { 'package.json': '{ "type": "module" }', ...wordfreq('app/') };
    for (let i = 0; i < 5000; i++) {
      files[`gen/d${i % 50}/m${i}.ts`] = i % 25 === 0
        ? `import { Worker } from 'node:worker_threads';\nexport const w${i} = new Worker(new URL('./m${i + 1}.js', import.meta.url));\n`
        : `export function f${i}(n: number): number {\n  return n * ${i};\n}\n`;
    }
    after(async () => {
      await client.stop();
      assert.equal(client.exitCode, 0);
    });

    it('the start-up scan finishes, and a hover is answered while it runs', async () => {
      const started = Date.now();
      client = await TestClient.start({ files });
      const uri = client.uri('app/main.ts');
      await client.open('app/main.ts');
      // As soon as the scan reports progress, thousands of files remain: the hover must not wait for them.
      await client.waitFor('the scan to report progress', () => (progressSince(client, 0).includes('report') ? true : undefined));
      const line = fs.readFileSync(path.join(client.dir, 'app/main.ts'), 'utf8').split('\n').findIndex(l => l.includes('new Worker('));
      const hover = await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri }, position: { line, character: fs.readFileSync(path.join(client.dir, 'app/main.ts'), 'utf8').split('\n')[line].indexOf('new Worker') + 5 },
      });
      const hoveredDuringScan = !progressSince(client, 0).includes('end');
      assert.match(JSON.stringify(hover?.contents), /worker/i);
      assert.ok(hoveredDuringScan, 'the hover was answered before the scan ended');
      await client.waitFor('the end of the scan', () => (progressSince(client, 0).includes('end') ? true : undefined));
      console.log(`      5,000-file workspace: started and scanned in ${Date.now() - started} ms`);
      const after = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 10 } });
      assert.ok(after === null || typeof after === 'object');
    });
  });

  describe('lifecycle and memory', () => {
    it('exit without shutdown ends the process with code 1', async () => {
      const client = await TestClient.start();
      await client.notify('exit', undefined);
      assert.equal(await client.exited(), 1);
      client.dispose();
    });

    it('memory stays bounded across 1,000 edits', async () => {
      // Under a heap cap, a leak ends the process (out of memory) instead of only raising a number.
      const client = await TestClient.start({
        files: { 'tsconfig.json': TSCONFIG, 'package.json': '{ "type": "module" }', ...wordfreq() }, nodeOptions: [`--max-old-space-size=${HEAP_CAP_MB}`],
      });
      try {
        const rel = 'src/worker.ts';
        const original = fs.readFileSync(path.join(client.dir, rel), 'utf8');
        await client.open(rel, original);
        let version = 1;
        // Every edit a different text; every few edits the server is let to finish analysing.
        const edit = async (i: number): Promise<void> => {
          version = await client.change(rel, `${original}\nexport const edit${i} = ${i};\n`);
          if (LONG_RUN || i % 20 === 0) await client.diagnostics(rel, version);
        };
        for (let i = 0; i < 50; i++) await edit(i);
        const start = vmRssMb(client.pid);
        // The heap grows and is collected in a sawtooth: what a leak raises is its floor, the lowest
        // sample of a stretch, not any single reading.
        const samples: number[] = [];
        for (let i = 0; i < 1000; i++) {
          await edit(50 + i);
          if (i % 10 === 9) samples.push(vmRssMb(client.pid));
        }
        await client.diagnostics(rel, version);
        const end = vmRssMb(client.pid);
        const floorEarly = Math.min(...samples.slice(0, 20));
        const floorLate = Math.min(...samples.slice(-20));
        console.log(`      server RSS over 1,000 edits (heap capped at ${HEAP_CAP_MB} MB): ${start.toFixed(0)} MB at the start, ` +
          `peak ${Math.max(...samples).toFixed(0)} MB, floor ${floorEarly.toFixed(0)} MB over the first 200 edits and ` +
          `${floorLate.toFixed(0)} MB over the last 200, ${end.toFixed(0)} MB at the end`);
        assert.equal(client.exitCode, null, 'the server is still running');
        assert.ok(floorLate < floorEarly + 200, `the floor rose from ${floorEarly.toFixed(0)} MB to ${floorLate.toFixed(0)} MB`);
      } finally {
        await client.stop();
      }
    });
  });
});


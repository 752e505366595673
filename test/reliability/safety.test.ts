/**
 * What Fearless must never do to a workspace: run its code (it is read, parsed and type-checked,
 * never loaded: no eval, no require of user modules, no TypeScript plugins), or write to it beyond
 * the edits asked for (`check` and `graph` write nothing; `check --fix` writes only the files
 * checked; the language server writes nothing, its edits go to the editor). Configuration cannot
 * reach outside the folder checked: fearless.json has no `extends`, and its include globs only filter
 * the files found under the folder; `--config` names a file on purpose, so any path is honoured.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestClient } from '../lsp/support/lsp-client';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'es2022', lib: ['es2024'], module: 'nodenext', strict: true, plugins: [{ name: 'evil-plugin' }] },
});

/** Code that leaves `marker` behind if anything ever runs it. */
function writesMarker(marker: string, extra = ''): string {
  return `import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import './side-effect.js';
import 'evil-package';
fs.writeFileSync(${JSON.stringify(marker)}, 'ran');
const a = new Int32Array(new SharedArrayBuffer(8));
new Worker(new URL('./worker.js', import.meta.url), { workerData: { a } });
a[0]++;
${extra}
export {};
`;
}

function tree(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-safety-')));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** Every file under `dir` with a hash of its content and its modification time: any write shows. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = path.join(dir, rel);
    const stat = fs.lstatSync(file);
    if (stat.isFile()) out[rel] = `${crypto.createHash('sha1').update(fs.readFileSync(file)).digest('hex')} ${stat.mtimeMs}`;
    else out[rel] = stat.isDirectory() ? 'dir' : 'link';
  }
  return out;
}

function fearless(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('reliability: safety', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('a project whose code would leave a marker file if anything ran it', () => {
    let dir: string;
    let marker: string;
    before(() => {
      marker = path.join(os.tmpdir(), `fearless-ran-${process.pid}-${Date.now()}`);
      dir = tree({
        'tsconfig.json': TSCONFIG,
        'package.json': JSON.stringify({ type: 'module', scripts: { postinstall: `node -e "require('fs').writeFileSync('${marker}', 'ran')"` } }),
        'main.ts': writesMarker(marker, 'eval("globalThis.x = 1"); new Function("return 1")();'),
        'worker.ts': writesMarker(marker, "import('./main.js');"),
        'side-effect.ts': `import fs from 'node:fs';\nfs.writeFileSync(${JSON.stringify(marker)}, 'ran');\nexport {};\n`,
        'script.cjs': `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`,
        'node_modules/evil-plugin/package.json': JSON.stringify({ name: 'evil-plugin', main: 'index.js' }),
        'node_modules/evil-plugin/index.js': `require('fs').writeFileSync(${JSON.stringify(marker)}, 'plugin');\nmodule.exports = () => ({ create: (info) => info.languageService });\n`,
        'node_modules/evil-package/package.json': JSON.stringify({ name: 'evil-package', main: 'index.js', types: 'index.d.ts' }),
        'node_modules/evil-package/index.js': `require('fs').writeFileSync(${JSON.stringify(marker)}, 'package');\n`,
        'node_modules/evil-package/index.d.ts': 'export {};\n',
      });
      dirs.push(dir);
    });
    after(() => fs.rmSync(marker, { force: true }));

    it('fearless check and graph analyse it, run none of it, and write nothing', () => {
      const before = snapshot(dir);
      const json = fearless(dir, 'check', '--format', 'json');
      assert.ok(json.code === 0 || json.code === 1, json.stderr);
      assert.ok((JSON.parse(json.stdout) as { diagnostics: Array<{ rule: string }> }).diagnostics.some(d => d.rule === 'unsynchronized-shared-write'));
      for (const args of [['check', '--format', 'sarif'], ['graph']]) {
        const run = fearless(dir, ...args);
        assert.ok(run.code === 0 || run.code === 1, `${args.join(' ')}: exit ${run.code}: ${run.stderr}`);
      }
      assert.equal(fs.existsSync(marker), false, 'the project code ran');
      assert.deepEqual(snapshot(dir), before, 'a file was written, created or removed');
    });

    it('the language server analyses it, answers about it, and runs none of it', async () => {
      // The test client links the repository's node_modules into its workspace: the project's own stay out.
      const files = Object.fromEntries(fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter(rel => !rel.startsWith('node_modules') && fs.statSync(path.join(dir, rel)).isFile())
        .map(rel => [rel, fs.readFileSync(path.join(dir, rel), 'utf8')]));
      const client = await TestClient.start({ files, settings: { run: 'workspace' } });
      try {
        const before = snapshot(client.dir);
        await client.open('main.ts');
        const diags = await client.diagnostics('main.ts', 1);
        assert.ok(diags.some(d => d.code === 'unsynchronized-shared-write'));
        const uri = client.uri('main.ts');
        await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 6 } });
        await client.request('textDocument/codeAction', { textDocument: { uri }, range: diags[0].range, context: { diagnostics: diags } });
        await client.request('textDocument/codeLens', { textDocument: { uri } });
        await client.request('fearless/threadMap', {});
        await client.request('workspace/executeCommand', { command: 'fearless.server.applyFixAll', arguments: [uri] });
        await client.waitFor('the fix-all edit sent to the editor', () => client.appliedEdits[0]);
        assert.equal(fs.existsSync(marker), false, 'the project code ran');
        assert.deepEqual(snapshot(client.dir), before, 'the server wrote to the workspace');
      } finally {
        await client.stop();
      }
    });
  });

  it('check --fix writes only the files it checked', () => {
    const bump = 'export function bump(a: Int32Array<SharedArrayBuffer>): void {\n  a[0]++;\n}\n';
    const dir = tree({ 'tsconfig.json': TSCONFIG, 'checked/a.ts': bump, 'checked/nested/b.ts': bump, 'other/c.ts': bump, 'd.ts': bump });
    dirs.push(dir);
    const before = snapshot(dir);
    const run = fearless(dir, 'check', '--fix', 'checked');
    assert.equal(run.code, 0, run.stderr);
    const after = snapshot(dir);
    const changed = Object.keys(after).filter(rel => after[rel] !== before[rel]).sort();
    assert.deepEqual(changed, ['checked/a.ts', 'checked/nested/b.ts']);
    assert.match(fs.readFileSync(path.join(dir, 'checked/a.ts'), 'utf8'), /Atomics\.add\(a, 0, 1\)/);
    assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort(), 'no file created or removed');
  });

  it('include globs in fearless.json cannot reach outside the folder checked', () => {
    const bump = 'export function bump(a: Int32Array<SharedArrayBuffer>): void {\n  a[0]++;\n}\n';
    const dir = tree({
      'project/fearless.json': JSON.stringify({ include: ['../**', '/**', '../outside/*.ts', '**'] }),
      'project/tsconfig.json': TSCONFIG,
      'project/in.ts': bump,
      'outside/out.ts': bump,
    });
    dirs.push(dir);
    const run = fearless(path.join(dir, 'project'), 'check', '--format', 'json');
    const files = (JSON.parse(run.stdout) as { diagnostics: Array<{ file: string }> }).diagnostics.map(d => d.file);
    assert.deepEqual([...new Set(files)], ['in.ts']);
  });
});

/** Which module each spawn site starts: every spawn form and path form, resolved against real files. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ts } from '../../server/src/analysis/ts';
import { DiskModuleFiles } from '../../server/src/analysis/threads/module-files';
import { spawnSites } from '../../server/src/analysis/threads/spawns';

describe('spawn sites', () => {
  let dir: string;
  const write = (rel: string, text = 'export {};\n'): string => {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  const sites = (rel: string, text: string) => {
    const file = write(rel, text);
    return spawnSites(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true), new DiskModuleFiles())
      .map(s => ({ kind: s.kind, target: s.target && path.relative(dir, s.target) }));
  };

  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-spawns-')));
    write('package.json', '{ "type": "module" }');
    write('tsconfig.json', JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src' }, include: ['src'] }));
    for (const f of ['src/w.ts', 'src/workers/pool-task.ts', 'src/plain.ts', 'src/legacy.js']) write(f);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pins worker_threads paths to the file, mapping built names to sources', () => {
    const text = `import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
new Worker(new URL('./w.js', import.meta.url));
new Worker(new URL('./w.js', import.meta.url).href);
new Worker(fileURLToPath(new URL('./w.js', import.meta.url)));
new Worker(path.join(__dirname, 'w.js'));
new Worker(path.resolve(__dirname, 'workers', 'pool-task.js'));
new Worker(__dirname + '/legacy.js');
new Worker(\`\${__dirname}/missing.js\`);
`;
    assert.deepEqual(sites('src/main.ts', text), [
      { kind: 'node', target: 'src/w.ts' },
      { kind: 'node', target: 'src/w.ts' },
      { kind: 'node', target: 'src/w.ts' },
      { kind: 'node', target: 'src/w.ts' },
      { kind: 'node', target: 'src/workers/pool-task.ts' },
      { kind: 'node', target: 'src/legacy.js' },
      { kind: 'node', target: 'src/missing.js' },
    ]);
  });

  it('resolves a plain string against the package root, through outDir to rootDir', () => {
    const text = `import { Worker } from 'worker_threads';\nnew Worker('./dist/plain.js');\nnew Worker('data:text/javascript,1');\n`;
    assert.deepEqual(sites('src/cli.ts', text), [
      { kind: 'node', target: 'src/plain.ts' },
      { kind: 'node', target: undefined },
    ]);
  });

  it('knows the web Worker, SharedWorker, and the pools; not another library\'s Worker', () => {
    const web = `new Worker(new URL('./w.js', import.meta.url), { type: 'module' });\nnew SharedWorker(new URL('./w.js', import.meta.url));\n`;
    assert.deepEqual(sites('src/page.ts', web), [{ kind: 'web', target: 'src/w.ts' }, { kind: 'shared', target: 'src/w.ts' }]);

    const pools = `import Piscina from 'piscina';
import { Tinypool } from 'tinypool';
import workerpool from 'workerpool';
new Piscina({ filename: new URL('./workers/pool-task.js', import.meta.url).href });
new Tinypool({ filename: new URL('./w.js', import.meta.url).href });
workerpool.pool(new URL('./w.js', import.meta.url).pathname);
`;
    assert.deepEqual(sites('src/pools.ts', pools), [
      { kind: 'pool', target: 'src/workers/pool-task.ts' },
      { kind: 'pool', target: 'src/w.ts' },
      { kind: 'pool', target: 'src/w.ts' },
    ]);

    const other = `import { Worker } from 'threads';\nnew Worker('./w.js');\nclass Piscina {}\nnew Piscina();\n`;
    assert.deepEqual(sites('src/other.ts', other), []);
  });

  it('tells how a path finds its module, and whether it does; eval code has no path', () => {
    const text = `import path from 'node:path';
import { Worker as W } from 'node:worker_threads';
new W(path.join(__dirname, 'w.js'));
new W(path.join(__dirname, 'gone.js'));
new W('./dist/plain.js');
new W('./w.js');
new W('./gone.js');
new W('/srv/app/w.js');
new W('process.exit(0)', { eval: true });
new Worker('./w.js');
`;
    const file = write('src/paths.ts', text);
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const found = spawnSites(source, new DiskModuleFiles())
      .map(s => [s.resolution, s.found && path.relative(dir, s.found), s.spec === undefined ? 'no path' : s.spec.getText()]);
    assert.deepEqual(found, [
      ['pinned', 'src/w.ts', "path.join(__dirname, 'w.js')"],
      ['pinned', undefined, "path.join(__dirname, 'gone.js')"],
      ['cwd', 'src/plain.ts', "'./dist/plain.js'"],
      // Not from the package root, but from this file's directory.
      ['cwd', 'src/w.ts', "'./w.js'"],
      ['cwd', undefined, "'./gone.js'"],
      [undefined, undefined, "'/srv/app/w.js'"],
      [undefined, undefined, 'no path'],
      // The web's string is a URL relative to the page.
      [undefined, undefined, "'./w.js'"],
    ]);
    // Looking names up in an index finds the same sites as walking the file.
    const index = new Map<string, ts.Identifier[]>();
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n)) index.set(n.text, [...(index.get(n.text) ?? []), n]);
      ts.forEachChild(n, visit);
    };
    visit(source);
    assert.deepEqual(spawnSites(source, new DiskModuleFiles(), name => index.get(name) ?? []).map(s => s.node),
      spawnSites(source, new DiskModuleFiles()).map(s => s.node));
  });
});

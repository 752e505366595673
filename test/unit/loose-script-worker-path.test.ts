/**
 * worker-path-cwd-relative in a loose script: a folder with no package.json above it (a script run
 * where it lies, or a project before `npm init`). The repository's own package.json sits above every
 * fixture, so this builds its folder in the system's temporary directory.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkPaths } from '../../server/src/engine/check';
import type { Finding } from '../../server/src/core/finding';
import { RULE_SET } from '../../server/src/rules/registry';

const RULE = 'worker-path-cwd-relative';

const FILES: Record<string, string> = {
  'cjs/main.js': [
    "const { Worker } = require('worker_threads');",
    "const worker = new Worker('./square.js', { workerData: 7 });",
    "worker.on('error', (err) => console.error(err));",
    "worker.on('message', (n) => console.log(n));",
    '',
  ].join('\n'),
  'cjs/square.js': "const { parentPort, workerData } = require('worker_threads');\nparentPort.postMessage(workerData * workerData);\n",
  'esm/main.mjs': [
    "import { Worker } from 'node:worker_threads';",
    "const worker = new Worker('./square.mjs', { workerData: 7 });",
    "worker.on('error', (err) => console.error(err));",
    "worker.on('message', (n) => console.log(n));",
    '',
  ].join('\n'),
  'esm/square.mjs': "import { parentPort, workerData } from 'node:worker_threads';\nparentPort.postMessage(workerData * workerData);\n",
  // The DOM's Worker: its path is a URL relative to the page.
  'web/page.js': [
    "const worker = new Worker('./square.js');",
    'worker.onerror = (event) => console.error(event.message);',
    "worker.onmessage = (event) => { document.title = String(event.data); };",
    'worker.postMessage(7);',
    '',
  ].join('\n'),
  'web/square.js': 'self.onmessage = (event) => self.postMessage(event.data * event.data);\n',
};

describe('worker-path-cwd-relative without a package.json', () => {
  let dir: string;

  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-loose-')));
    for (let d = dir; ; d = path.dirname(d)) {
      assert.ok(!fs.existsSync(path.join(d, 'package.json')), `${d} has a package.json: the folder would not be loose`);
      if (path.dirname(d) === d) break;
    }
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  let findings: Finding[] | undefined;
  const found = (): Finding[] => findings ??= checkPaths([dir], { rules: RULE_SET, cwd: dir }).findings.filter(f => f.rule === RULE);

  it('flags Node relative paths, with the fix that pins them to the file', () => {
    const flagged = found().map(f => ({ file: path.relative(dir, f.span.file), fixes: f.fixes.map(x => x.title) }));
    assert.deepEqual(flagged.sort((a, b) => a.file.localeCompare(b.file)), [
      { file: 'cjs/main.js', fixes: ["Resolve from this file: `path.join(__dirname, 'square.js')`"] },
      { file: 'esm/main.mjs', fixes: ["Resolve from this file: `new URL('./square.mjs', import.meta.url)`"] },
    ]);
  });

  it('leaves the web page alone: a DOM Worker resolves its path against the page', () => {
    assert.deepEqual(found().filter(f => f.span.file.includes(`${path.sep}web${path.sep}`)), []);
  });
});

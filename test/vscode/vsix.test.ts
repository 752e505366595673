/** scripts/package.mjs's VSIX installs into VS Code (code-server) and holds what the extension runs, and only that. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, codeServerCli, packagedVsix, requireEditors } from './support/code-server';

/** What .vscodeignore lets through, and what VS Code adds when it installs. */
const ALLOWED = [
  /^dist\/(client|server)\.js(\.map)?$/, /^package\.json$/, /^(readme|changelog)\.md$/i, /^license(\.(md|txt))?$/i,
  /^(syntaxes|schemas|snippets)\/[^/]+\.json$/, /^images\/icon\.png$/, /^\.vsixmanifest$/,
];

describe('the VSIX', function () {
  this.timeout(180_000);
  let dir: string;

  before(() => {
    requireEditors();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-vsix-'));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('installs into VS Code with the bundles, the manifest and its contributions, and nothing else', async () => {
    const vsix = await packagedVsix();
    console.log(`      ${path.basename(vsix)}: ${(fs.statSync(vsix).size / 1024 / 1024).toFixed(1)} MiB`);
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
    const id = `${manifest.publisher}.${manifest.name}`;

    await codeServerCli(dir, ['--install-extension', vsix]);
    const listed = await codeServerCli(dir, ['--list-extensions', '--show-versions']);
    assert.match(listed, new RegExp(`^${id}@${manifest.version.replaceAll('.', '\\.')}$`, 'm'), listed);

    const installed = path.join(dir, 'extensions', `${id}-${manifest.version}`);
    const files = fs.readdirSync(installed, { recursive: true, withFileTypes: true })
      .filter(e => e.isFile())
      .map(e => path.relative(installed, path.join(e.parentPath, e.name)));
    for (const needed of ['package.json', 'dist/client.js', 'dist/server.js']) assert.ok(files.includes(needed), `${needed} in ${files.join(', ')}`);
    assert.deepEqual(files.filter(f => !ALLOWED.some(a => a.test(f))), [], 'files the VSIX must not ship');
    for (const bundle of ['client', 'server']) {
      const map = JSON.parse(fs.readFileSync(path.join(installed, 'dist', `${bundle}.js.map`), 'utf8')) as { sourcesContent?: unknown };
      assert.equal(map.sourcesContent, undefined, `dist/${bundle}.js is not the production build (its map carries the sources)`);
    }
  });
});

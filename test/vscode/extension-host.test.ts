/**
 * The extension in real VS Code: the extension-host suite (suite/), bundled, run by
 * @vscode/test-electron's runTests in code-server's extension host on a copy of examples/wordfreq.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { build } from 'esbuild';
import { ROOT, copyExample, requireEditors } from './support/code-server';
import type { SuiteResults } from './suite/index';

const SHIM = path.join(__dirname, 'support', 'code-shim.sh');
const SUITE_BUNDLE = path.join(ROOT, '.vscode-test', 'suite', 'index.js');

describe('the extension in VS Code (code-server extension host)', function () {
  this.timeout(180_000);
  let dir: string;

  before(async () => {
    requireEditors();
    for (const bundle of ['client.js', 'server.js']) {
      assert.ok(fs.existsSync(path.join(ROOT, 'dist', bundle)), `dist/${bundle} is missing: run \`npm run build\` first`);
    }
    fs.rmSync(path.dirname(SUITE_BUNDLE), { recursive: true, force: true });
    await build({
      entryPoints: [path.join(__dirname, 'suite', 'index.ts')],
      outfile: SUITE_BUNDLE,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // the extension host provides `vscode`; mocha is resolved from the repository's node_modules
      external: ['vscode', 'mocha'],
      logLevel: 'warning',
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-exthost-'));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes the extension-host suite', async () => {
    const folder = copyExample(dir);
    const resultsFile = path.join(dir, 'results.json');
    // The shim's output (code-server and the suite) goes to this process's own stdout and stderr.
    const run = await runTests({
      vscodeExecutablePath: SHIM,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: SUITE_BUNDLE,
      launchArgs: [folder],
      extensionTestsEnv: { FEARLESS_SUITE_RESULTS: resultsFile },
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(fs.existsSync(resultsFile), `the suite reported nothing (${String(run)}); its output is above`);
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
    for (const line of results.log) console.log(`      ${line}`);
    if (results.failed.length > 0) {
      assert.fail(`${results.failed.length} extension test(s) failed:\n\n${results.failed.map(f => `${f.title}\n${f.error}`).join('\n\n')}`);
    }
    assert.equal(run, undefined, `the extension tests passed but VS Code failed: ${String(run)}; its output is above`);
    assert.ok(results.passed.length > 0, 'no extension test ran');
  });
});

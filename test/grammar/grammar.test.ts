/**
 * The comment grammar (syntaxes/) checked by vscode-tmgrammar-test: scope assertions on sample
 * files, over the TypeScript and JavaScript grammars VS Code itself uses (from tm-grammars), with
 * our injection loaded from package.json's `contributes.grammars` as VS Code would.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

describe('comment grammar', () => {
  it('scopes ignore comments and concurrency JSDoc tags in TypeScript and JavaScript', function () {
    this.timeout(60_000);
    const grammars = ['typescript', 'javascript'].map(g => ['-g', path.join(ROOT, 'node_modules', 'tm-grammars', 'grammars', `${g}.json`)]);
    const run = spawnSync(process.execPath, [
      path.join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js'),
      '--config', path.join(ROOT, 'package.json'), ...grammars.flat(), 'test/grammar/cases/*.txt',
    ], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.equal((run.stdout.match(/run successfuly/g) ?? []).length, 3, run.stdout);
  });
});

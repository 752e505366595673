/**
 * A run never dies without output: a file the engine fails on gets one `internal-error` finding, every
 * other file is analysed, and the CLI still writes its whole report (then exits with 2).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkPaths } from '../../server/src/engine/check';
import { RULE_SET } from '../../server/src/rules/registry';

const ROOT = path.resolve(__dirname, '..', '..');
const RACE = 'export function bump(a: Int32Array<SharedArrayBuffer>) {\n  a[0]++;\n}\n';

describe('a file the engine fails on', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-failure-')));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', strict: true, lib: ['es2024'] } }));
    fs.writeFileSync(path.join(dir, 'boom.ts'), RACE);
    fs.writeFileSync(path.join(dir, 'race.ts'), RACE);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) => spawnSync(process.execPath,
    ['-r', require.resolve('tsx/cjs'), '-r', path.join(ROOT, 'test', 'support', 'fail-on-file.cjs'), path.join(ROOT, 'server', 'src', 'cli', 'main.ts'), 'check', '.', '--no-progress', ...args],
    { cwd: dir, encoding: 'utf8' });

  it('gets one internal-error finding, and the others are analysed', () => {
    const { ThreadGraph } = require('../../server/src/analysis/threads/thread-graph') as typeof import('../../server/src/analysis/threads/thread-graph');
    const update = ThreadGraph.prototype.update;
    ThreadGraph.prototype.update = function (this: InstanceType<typeof ThreadGraph>, ...args: Parameters<typeof update>) {
      if (args[0].fileName.endsWith('/boom.ts')) throw new Error('injected failure');
      return update.apply(this, args);
    };
    try {
      const result = checkPaths(['.'], { rules: RULE_SET, cwd: dir });
      const rules = result.findings.map(f => `${path.basename(f.span.file)} ${f.rule}`).sort();
      assert.deepEqual(rules, ['boom.ts internal-error', 'race.ts unsynchronized-shared-write']);
      assert.match(result.findings.find(f => f.rule === 'internal-error')!.message, /injected failure/);
      assert.equal(result.internalErrors.length, 1);
      assert.match(result.internalErrors[0], /boom\.ts: Error: injected failure/);
    } finally {
      ThreadGraph.prototype.update = update;
    }
  });

  for (const format of ['json', 'sarif']) {
    it(`still has its ${format} report written by the CLI, which exits with 2`, () => {
      const run = cli('--format', format);
      assert.equal(run.status, 2, run.stderr);
      const report = JSON.parse(run.stdout) as { diagnostics?: { rule: string }[]; runs?: { results: { ruleId: string }[] }[] };
      const rules = format === 'json' ? report.diagnostics!.map(d => d.rule) : report.runs![0].results.map(r => r.ruleId);
      assert.deepEqual(rules.sort(), ['internal-error', 'unsynchronized-shared-write']);
      assert.match(run.stderr, /internal error: .*boom\.ts: Error: injected failure/);
    });
  }
});

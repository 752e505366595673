/**
 * Ignore comments through the built CLI: a misspelt rule id is a warning shown by default, `--fix`
 * corrects it when one id is clearly meant, and no fix ever deletes a comment naming an unknown rule.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, TempProjects, fearless } from '../support/cli-project';

/** `atomics-invalid-array` (an error) on line 4, under `directive`: Atomics.add throws on a Float64Array. */
const ADD_TO_FLOATS = (directive: string): string =>
  `const total = new Float64Array(new SharedArrayBuffer(8));\nexport function add(sample) {\n  ${directive}\n  Atomics.add(total, 0, sample);\n}\n`;

const projects = new TempProjects('fearless-ignore-');

interface Diagnostic {
  line: number;
  rule: string;
  severity: string;
  message: string;
}

function diagnostics(dir: string, ...args: string[]): Diagnostic[] {
  const run = fearless(dir, 'check', '--format', 'json', ...args);
  assert.notEqual(run.code, 2, run.stderr);
  return JSON.parse(run.stdout).diagnostics;
}

describe('ignore comments in the CLI', function () {
  before(function () {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  });

  after(() => projects.removeAll());

  it('shows an unknown rule id as a warning by default, with the id it likely meant', function () {
    const dir = projects.make({ 'src/main.js': ADD_TO_FLOATS('// fearless-ignore-next-line atomics-invalid-arrays') });
    const run = fearless(dir, 'check');
    assert.match(run.stdout, /3:32 +warning +Unknown rule 'atomics-invalid-arrays' in fearless-ignore-next-line; did you mean 'atomics-invalid-array'\? +unknown-ignore-rule/);
    assert.match(run.stdout, /4:\d+ +error .* atomics-invalid-array/);
    assert.equal(run.code, 1, 'the error the comment meant to silence is still there');
  });

  it('--fix corrects the unambiguous typo, keeps the comment and its reason, and the finding is silenced', function () {
    const dir = projects.make({ 'src/main.js': ADD_TO_FLOATS('// fearless-ignore-next-line atomics-invalid-arrays -- a test of the TypeError') });
    const run = fearless(dir, 'check', '--fix', '--format', 'json');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).diagnostics, []);
    assert.equal(
      fs.readFileSync(path.join(dir, 'src/main.js'), 'utf8'),
      ADD_TO_FLOATS('// fearless-ignore-next-line atomics-invalid-array -- a test of the TypeError'),
    );
  });

  it('--fix leaves a comment alone when the id is ambiguous or like no rule, and only drops a real unused name beside it', function () {
    const ambiguous = '// fearless-ignore-next-line unsynchronized-shared-rete';
    const unlike = '/* fearless-ignore-file data-race, busy-wait */';
    const dir = projects.make({
      'src/ambiguous.js': ADD_TO_FLOATS(ambiguous),
      'src/unlike.ts': `${unlike}\nexport const answer = 42;\n`,
    });
    const run = fearless(dir, 'check', '--fix', '--format', 'json');
    assert.equal(fs.readFileSync(path.join(dir, 'src/ambiguous.js'), 'utf8'), ADD_TO_FLOATS(ambiguous));
    assert.equal(fs.readFileSync(path.join(dir, 'src/unlike.ts'), 'utf8'), '/* fearless-ignore-file data-race */\nexport const answer = 42;\n');
    const left = JSON.parse(run.stdout).diagnostics as (Diagnostic & { file: string; fixes: { title: string }[] })[];
    assert.deepEqual(left.map((d) => `${d.file}:${d.line} ${d.rule} ${d.severity} ${d.fixes.map((f) => f.title).join(' | ')}`), [
      "src/ambiguous.js:3 unknown-ignore-rule warning Change to 'unsynchronized-shared-write' | Change to 'unsynchronized-shared-read'",
      'src/ambiguous.js:4 atomics-invalid-array error ',
      'src/unlike.ts:1 unknown-ignore-rule warning ',
    ]);
  });

  it('takes its severity from the configuration like any rule', function () {
    const dir = projects.make({
      'src/main.ts': '// fearless-ignore-next-line busy-wiat\nexport const answer = 42;\n',
      'fearless.json': JSON.stringify({ rules: { 'unknown-ignore-rule': 'error' } }),
    });
    assert.deepEqual(diagnostics(dir).map((d) => [d.rule, d.severity]), [['unknown-ignore-rule', 'error']]);
    fs.writeFileSync(path.join(dir, 'fearless.json'), JSON.stringify({ rules: { 'unknown-ignore-rule': 'off' } }));
    assert.deepEqual(diagnostics(dir), []);
  });
});

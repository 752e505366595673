/**
 * Where `fearless check` reads and writes: text from stdin (`--stdin`, `--stdin-filename`), the report
 * into a file (`-o`), GitHub Actions annotations (`--format github`), and colour as FORCE_COLOR /
 * NO_COLOR / `--color` say.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { wantsColor } from '../../server/src/cli/color';
import { CLI, type Run, TempProjects, fearless, fearlessWith } from '../support/cli-project';

/** `unsynchronized-shared-write` at 2:3–2:9. */
const BUMP = 'export function bump(a: Int32Array<SharedArrayBuffer>) {\n  a[0]++;\n}\n';
const CLEAN = 'export const answer = 42;\n';
const ESCAPE = /\u001b\[/;

const projects = new TempProjects('fearless-io-');

function where(run: Run): string[] {
  try {
    return JSON.parse(run.stdout).diagnostics.map((d: { file: string; line: number; column: number; rule: string }) =>
      `${d.file}:${d.line}:${d.column} ${d.rule}`);
  } catch {
    assert.fail(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

describe('fearless check: input and output', function () {
  before(function () {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`node build.mjs cli\` first`);
  });

  after(() => projects.removeAll());

  describe('--stdin', function () {
    it('checks the text piped in as the file --stdin-filename names, which need not exist', function () {
      const dir = projects.make({ 'src/main.ts': CLEAN });
      const run = fearlessWith(dir, { input: BUMP }, 'check', '--stdin', '--stdin-filename', 'src/piped.ts', '--format', 'json');
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(where(run), ['src/piped.ts:2:3 unsynchronized-shared-write']);
      assert.equal(JSON.parse(run.stdout).files, 1, 'only the text piped in is checked');
    });

    it('takes the text piped in over the file on disk, which it leaves alone', function () {
      const dir = projects.make({ 'src/main.ts': CLEAN });
      const run = fearlessWith(dir, { input: BUMP }, 'check', '--stdin', '--stdin-filename', 'src/main.ts');
      assert.match(run.stdout, /^src\/main\.ts\n {2}2:3 {2}warning/);
      assert.equal(fs.readFileSync(path.join(dir, 'src/main.ts'), 'utf8'), CLEAN);
    });

    it('names the text stdin.ts when --stdin-filename does not say', function () {
      const dir = projects.make({});
      assert.deepEqual(where(fearlessWith(dir, { input: BUMP }, 'check', '--stdin', '--format', 'json')),
        ['stdin.ts:2:3 unsynchronized-shared-write']);
    });

    it('refuses --fix, paths, a name without --stdin, and a name that is not a source file, with exit 2', function () {
      const dir = projects.make({ 'src/main.ts': CLEAN });
      for (const [args, message] of [
        [['--stdin', '--fix'], /--fix cannot write piped-in text back/],
        [['--stdin', 'src'], /--stdin checks the text read from stdin: name no paths/],
        [['--stdin-filename', 'a.ts'], /--stdin-filename names the text read with --stdin: add --stdin/],
        [['--stdin', '--stdin-filename', 'notes.md'], /notes\.md: not a TypeScript or JavaScript file/],
      ] as const) {
        const run = fearlessWith(dir, { input: BUMP }, 'check', ...args);
        assert.equal(run.code, 2, args.join(' '));
        assert.match(run.stderr, message);
        assert.equal(run.stdout, '');
      }
    });
  });

  describe('-o / --output-file', function () {
    it('writes the report into the file, making its folders, and leaves stdout empty', function () {
      const dir = projects.make({
        'src/main.ts': BUMP,
        'fearless.json': JSON.stringify({ rules: { 'unsynchronized-shared-write': 'error' } }),
      });
      const run = fearless(dir, 'check', '--format', 'json', '-o', 'reports/fearless/out.json');
      assert.equal(run.code, 1, 'the exit code still says what was found');
      assert.equal(run.stdout, '');
      assert.deepEqual(where({ ...run, stdout: fs.readFileSync(path.join(dir, 'reports/fearless/out.json'), 'utf8') }),
        ['src/main.ts:2:3 unsynchronized-shared-write']);
      fearless(dir, 'check', '--output-file', 'report.txt', '--color');
      assert.match(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8'), ESCAPE, '--color colours a file too');
      fearless(dir, 'check', '--output-file', 'plain.txt');
      assert.doesNotMatch(fs.readFileSync(path.join(dir, 'plain.txt'), 'utf8'), ESCAPE);
      const graph = fearless(dir, 'graph', '-o', 'docs/threads.mmd');
      assert.deepEqual([graph.code, graph.stdout], [0, '']);
      assert.match(fs.readFileSync(path.join(dir, 'docs/threads.mmd'), 'utf8'), /^flowchart LR/);
    });

    it('exits 2 and says why when the file cannot be written', function () {
      const dir = projects.make({ 'src/main.ts': CLEAN });
      const run = fearless(dir, 'check', '-o', 'src/main.ts/report.txt');
      assert.equal(run.code, 2);
      assert.match(run.stderr, /could not write the report to src\/main\.ts\/report\.txt/);
    });
  });

  describe('--format github', function () {
    it('prints one workflow annotation a finding, escaping what the runner reads as syntax', function () {
      const dir = projects.make({
        'src/a,b:c.ts': BUMP,
        'src/float.ts': 'export function f(x: Float64Array<SharedArrayBuffer>, i: number) {\n  x[i % 2] += 1;\n}\n',
      });
      const run = fearless(dir, 'check', '--format', 'github');
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 2, run.stdout);
      assert.match(lines[0], /^::warning file=src\/a%2Cb%3Ac\.ts,line=2,endLine=2,col=3,endColumn=9,title=unsynchronized-shared-write::'a\[0\]\+\+' is a read-modify-write/);
      assert.match(lines[1], /^::warning file=src\/float\.ts,line=2,endLine=2,col=3,endColumn=\d+,title=unsynchronized-shared-write::.*x\[i %25 2\]/);
    });
  });

  describe('colour', function () {
    it('colours into a pipe with FORCE_COLOR or --color, not with FORCE_COLOR=0, NO_COLOR or --no-color', function () {
      const dir = projects.make({ 'src/main.ts': BUMP });
      const colored = (env: Record<string, string>, ...flags: string[]): boolean =>
        ESCAPE.test(fearlessWith(dir, { env }, 'check', ...flags).stdout);
      assert.equal(colored({}), false, 'a pipe gets no colour');
      assert.equal(colored({ FORCE_COLOR: '1' }), true);
      assert.equal(colored({ FORCE_COLOR: '0' }), false);
      assert.equal(colored({}, '--color'), true);
      assert.equal(colored({ NO_COLOR: '1' }, '--color'), true, 'the flag wins');
      assert.equal(colored({ FORCE_COLOR: '1' }, '--no-color'), false, 'the flag wins');
      assert.equal(colored({ FORCE_COLOR: '1', NO_COLOR: '1' }), true, 'FORCE_COLOR wins over NO_COLOR, as in Node.js');
    });

    it('on a terminal, colours unless NO_COLOR (not empty) or TERM=dumb says not to', function () {
      assert.equal(wantsColor(undefined, {}, true), true);
      assert.equal(wantsColor(undefined, { NO_COLOR: '1' }, true), false);
      assert.equal(wantsColor(undefined, { NO_COLOR: '' }, true), true);
      assert.equal(wantsColor(undefined, { TERM: 'dumb' }, true), false);
      assert.equal(wantsColor(undefined, { FORCE_COLOR: '' }, false), true);
      assert.equal(wantsColor(undefined, { FORCE_COLOR: 'false' }, true), false);
    });
  });
});

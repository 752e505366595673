/**
 * Which files `fearless check` reads, and what it does with those it cannot: quoted globs, .gitignore,
 * paths of the wrong kind; unreadable files, files gone, folders that cannot be listed, symbolic link
 * loops, each one finding while the run goes on and the exit code says it is incomplete.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, type Run, type RunOptions, TempProjects, fearless, fearlessWith, readableAs, withoutPrivileges } from '../support/cli-project';

/** `unsynchronized-shared-write` at 2:3, with the safe fix `Atomics.add(a, 0, 1)`. */
const BUMP = 'export function bump(a: Int32Array<SharedArrayBuffer>) {\n  a[0]++;\n}\n';

const projects = new TempProjects('fearless-files-');

interface Diagnostic {
  file: string;
  line: number;
  rule: string;
  message: string;
}

function diagnostics(run: Run): Diagnostic[] {
  try {
    return JSON.parse(run.stdout).diagnostics;
  } catch {
    assert.fail(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

/** `file rule` of each diagnostic, in the report's order. */
function found(run: Run): string[] {
  return diagnostics(run).map(d => `${d.file} ${d.rule}`);
}

describe('fearless check: the files it reads', function () {
  before(function () {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`node build.mjs cli\` first`);
  });

  after(() => projects.removeAll());

  describe('files it cannot read', function () {
    /** Runs the CLI as a user `chmod` binds, after `lock` took permissions away; skips when none can be had. */
    function withLocked(ctx: Mocha.Context, dir: string, locked: string, mode: number): RunOptions {
      const as = withoutPrivileges(dir);
      if (!as) ctx.skip();
      fs.chmodSync(locked, mode);
      if (readableAs(as, locked)) {
        fs.chmodSync(locked, 0o755);
        ctx.skip(); // chmod does not bind whoever runs the tests
      }
      return as;
    }

    it('reports an unreadable file as one read-error, prints every other finding, then exits 2', function () {
      const dir = projects.make({ 'src/main.ts': BUMP, 'src/secret.ts': BUMP, 'src/broken.ts': 'export function broken( {\n' });
      const secret = path.join(dir, 'src/secret.ts');
      const as = withLocked(this, dir, secret, 0o000);
      try {
        const run = fearlessWith(dir, as, 'check', '--format', 'json');
        assert.equal(run.code, 2, run.stderr);
        assert.deepEqual(found(run), [
          'src/broken.ts parse-error', 'src/main.ts unsynchronized-shared-write', 'src/secret.ts read-error',
        ]);
        assert.match(diagnostics(run)[2].message, /could not read this file \(permission denied\), so it was not analysed/);
        assert.match(run.stderr, /1 path could not be read .*the run is incomplete/);
        assert.equal(JSON.parse(run.stdout).files, 2, 'the file not read is not counted as checked');

        const stylish = fearlessWith(dir, as, 'check', '--exit-zero');
        assert.equal(stylish.code, 2, 'an incomplete run does not pass, --exit-zero or not');
        assert.match(stylish.stdout, /src\/main\.ts\n {2}2:3 {2}warning/);
        assert.match(stylish.stdout, /src\/secret\.ts\n {2}1:1 {2}error .* read-error/);
        assert.match(stylish.stdout, /✖ 3 problems \(2 errors, 1 warning\)/);

        const named = fearlessWith(dir, as, 'check', 'src/secret.ts', 'src/main.ts', '--format', 'json');
        assert.equal(named.code, 2, named.stderr);
        assert.deepEqual(found(named), ['src/main.ts unsynchronized-shared-write', 'src/secret.ts read-error']);
      } finally {
        fs.chmodSync(secret, 0o644);
      }
    });

    it('reports a folder it cannot list as one read-error and checks the rest', function () {
      const dir = projects.make({ 'src/main.ts': BUMP, 'src/private/hidden.ts': BUMP });
      const folder = path.join(dir, 'src/private');
      const as = withLocked(this, dir, folder, 0o000);
      try {
        const run = fearlessWith(dir, as, 'check', '--format', 'json');
        assert.equal(run.code, 2, run.stderr);
        assert.deepEqual(found(run), ['src/main.ts unsynchronized-shared-write', 'src/private read-error']);
        assert.match(diagnostics(run)[1].message, /could not read this folder \(permission denied\), so the files in it were not checked/);
      } finally {
        fs.chmodSync(folder, 0o755);
      }
    });

    it('reports the file whose fixes it cannot write, keeps its findings and exits 2', function () {
      const dir = projects.make({ 'src/main.ts': BUMP, 'src/locked.ts': BUMP });
      const locked = path.join(dir, 'src/locked.ts');
      const as = withoutPrivileges(dir);
      if (!as) this.skip();
      fs.chmodSync(path.join(dir, 'src/main.ts'), 0o666);
      fs.chmodSync(locked, 0o444);
      try {
        const run = fearlessWith(dir, as, 'check', '--fix', '--format', 'json');
        if (fs.readFileSync(locked, 'utf8') !== BUMP) this.skip(); // the mode did not bind whoever ran it
        assert.equal(run.code, 2, run.stderr);
        assert.deepEqual(found(run), ['src/locked.ts unsynchronized-shared-write']);
        assert.match(run.stderr, /could not write the fixes of src\/locked\.ts: EACCES/);
        assert.match(fs.readFileSync(path.join(dir, 'src/main.ts'), 'utf8'), /Atomics\.add/, 'the other file is fixed');
      } finally {
        fs.chmodSync(locked, 0o644);
      }
    });

    it('reports a file gone before it was read (a broken link) as one read-error', function () {
      const dir = projects.make({ 'src/main.ts': BUMP });
      fs.symlinkSync('removed.ts', path.join(dir, 'src/gone.ts'));
      const run = fearless(dir, 'check', '--format', 'json');
      assert.equal(run.code, 2, run.stderr);
      assert.deepEqual(found(run), ['src/gone.ts read-error', 'src/main.ts unsynchronized-shared-write']);
      assert.match(diagnostics(run)[0].message, /removed during the run, or a broken symbolic link/);
    });

    it('reports a symbolic link loop once, does not follow it, and checks each file once', function () {
      const dir = projects.make({ 'src/main.ts': BUMP });
      fs.symlinkSync('..', path.join(dir, 'src/loop'));
      const run = fearless(dir, 'check', '--format', 'json');
      assert.equal(run.code, 2, run.stderr);
      assert.deepEqual(found(run), ['src/loop read-error', 'src/main.ts unsynchronized-shared-write']);
      assert.match(diagnostics(run)[0].message, /symbolic link to a folder that holds it: a loop, so it was not followed/);
      const sarif = JSON.parse(fearless(dir, 'check', '--format', 'sarif').stdout);
      assert.equal(sarif.runs[0].invocations[0].executionSuccessful, false);
    });

    it('follows a link to a folder elsewhere', function () {
      const dir = projects.make({ 'src/main.ts': 'export {};\n', 'shared/bump.ts': BUMP });
      fs.symlinkSync('../shared', path.join(dir, 'src/shared'));
      const run = fearless(dir, 'check', 'src', '--format', 'json');
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(found(run), ['src/shared/bump.ts unsynchronized-shared-write']);
    });
  });

  describe('quoted globs', function () {
    const files = { 'src/a.ts': BUMP, 'src/deep/b.ts': BUMP, 'src/c.js': 'export {};\n', 'lib/d.ts': BUMP, 'app/[id]/page.ts': BUMP };

    it('expands a glob the shell left alone, as ESLint does', function () {
      const dir = projects.make(files);
      assert.deepEqual(found(fearless(dir, 'check', 'src/**/*.ts', '--format', 'json')),
        ['src/a.ts unsynchronized-shared-write', 'src/deep/b.ts unsynchronized-shared-write']);
      assert.deepEqual(found(fearless(dir, 'check', 'src/*.ts', 'lib/*.{ts,js}', '--format', 'json')),
        ['lib/d.ts unsynchronized-shared-write', 'src/a.ts unsynchronized-shared-write']);
      assert.deepEqual(JSON.parse(fearless(dir, 'check', './src/**/*', '--format', 'json').stdout).files, 3);
    });

    it('reads a path that exists as a path, brackets and all', function () {
      const dir = projects.make(files);
      assert.deepEqual(found(fearless(dir, 'check', 'app/[id]/page.ts', '--format', 'json')), ['app/[id]/page.ts unsynchronized-shared-write']);
    });

    it('exits 2 when a glob matches no source file', function () {
      const dir = projects.make(files);
      for (const glob of ['docs/**/*.ts', 'src/**/*.md']) {
        const run = fearless(dir, 'check', glob);
        assert.equal(run.code, 2, run.stderr);
        assert.equal(run.stderr, `fearless: No TypeScript or JavaScript files match the pattern: ${glob}\n`);
      }
    });
  });

  describe('.gitignore', function () {
    const files = {
      '.gitignore': 'dist/\n*.gen.ts\n',
      'src/.gitignore': 'fixtures/\n!keep.gen.ts\n',
      'src/main.ts': BUMP,
      'src/table.gen.ts': BUMP,
      'src/keep.gen.ts': BUMP,
      'src/fixtures/case.ts': BUMP,
      'dist/out.ts': BUMP,
      'vendor/lib.ts': BUMP,
      '.git/info/exclude': 'vendor/\n',
    };
    const kept = ['src/keep.gen.ts', 'src/main.ts'];
    const all = ['dist/out.ts', 'src/fixtures/case.ts', 'src/keep.gen.ts', 'src/main.ts', 'src/table.gen.ts', 'vendor/lib.ts'];
    const paths = (run: Run): string[] => diagnostics(run).map(d => d.file);

    it('leaves out what git ignores: nested .gitignore files, negations, .git/info/exclude', function () {
      const dir = projects.make(files);
      assert.deepEqual(paths(fearless(dir, 'check', '--format', 'json')), kept);
      assert.deepEqual(paths(fearless(path.join(dir, 'src'), 'check', '--format', 'json')), ['keep.gen.ts', 'main.ts'],
        'from a subfolder, the .gitignore files above it up to the repository root apply');
      assert.deepEqual(paths(fearless(dir, 'check', '**/*.ts', '--format', 'json')), kept, 'globs too');
    });

    it('reads .gitignore files outside a git repository too', function () {
      const dir = projects.make(Object.fromEntries(Object.entries(files).filter(([name]) => !name.startsWith('.git/'))));
      assert.deepEqual(paths(fearless(dir, 'check', '--format', 'json')), [...kept, 'vendor/lib.ts'].sort());
    });

    it('checks everything with --no-gitignore', function () {
      const dir = projects.make(files);
      assert.deepEqual(paths(fearless(dir, 'check', '--no-gitignore', '--format', 'json')), all);
    });

    it('checks an ignored file or folder named on the command line, as ruff does', function () {
      const dir = projects.make(files);
      assert.deepEqual(paths(fearless(dir, 'check', 'src/table.gen.ts', 'dist', '--format', 'json')), ['dist/out.ts', 'src/table.gen.ts']);
      assert.deepEqual(paths(fearless(dir, 'check', 'dist/*.ts', '--format', 'json')), ['dist/out.ts'], 'a glob in an ignored folder');
    });
  });

  describe('paths of the wrong kind', function () {
    it('says a named file is not TypeScript or JavaScript, and exits 2', function () {
      const dir = projects.make({ 'README.md': '# hi\n', 'src/main.ts': BUMP, 'types.d.ts': 'export {};\n' });
      const run = fearless(dir, 'check', 'README.md', 'src');
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr,
        'fearless: README.md: not a TypeScript or JavaScript file (Fearless checks .ts .tsx .mts .cts .js .jsx .mjs .cjs files)\n');
      const declarations = fearless(dir, 'check', 'types.d.ts');
      assert.equal(declarations.code, 2);
      assert.match(declarations.stderr, /types\.d\.ts: a declaration file, which has no code to check/);
    });
  });
});

/**
 * The configuration as the CLI uses it, on real folders: a wrong file fails the run before anything
 * is checked; files are found per source file, nearest first, up to `"root": true`; `overrides`,
 * `ignores`, package.json's `"fearless"` key; `--print-config` and `fearless init`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, type Run, TempProjects, fearless } from '../support/cli-project';

/** `unsynchronized-shared-write` at 2:3, a warning by default. */
const BUMP = 'export function bump(a: Int32Array<SharedArrayBuffer>) {\n  a[0]++;\n}\n';
const RULE = 'unsynchronized-shared-write';

const projects = new TempProjects('fearless-config-cli-');
const project = (files: Record<string, string>): string => projects.make(files);
const config = (value: unknown): string => JSON.stringify(value, null, 2);

/** Each finding as `file severity`, from `--format json`. */
function findings(run: Run): string[] {
  assert.equal(run.stderr.includes('nothing was checked'), false, run.stderr);
  const out = JSON.parse(run.stdout) as { diagnostics: { file: string; severity: string; rule: string }[] };
  return out.diagnostics.map(d => `${d.file} ${d.severity}`);
}

describe('fearless CLI: configuration', function () {
  before(function () {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  });
  after(() => projects.removeAll());

  describe('a wrong configuration fails the run, exit 2, before anything is checked', function () {
    const failed = (run: Run): void => {
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '', 'no report: nothing was checked');
      assert.match(run.stderr, /^fearless: nothing was checked: the configuration has errors$/m);
    };

    it('broken JSON, with its line and column', function () {
      const dir = project({ 'fearless.json': '{\n  broken', 'src/a.ts': BUMP });
      const run = fearless(dir, 'check');
      failed(run);
      assert.match(run.stderr, /^fearless: error: fearless\.json:2:3: JSON syntax error: /m);
    });

    it('an unknown rule id and a misspelt severity, each with the name meant', function () {
      const dir = project({
        'fearless.json': config({ rules: { 'unsynchronized-shared-writ': 'off', 'busy-wait': 'warn' } }),
        'src/a.ts': BUMP,
      });
      const run = fearless(dir, 'check', '--format', 'json');
      failed(run);
      assert.match(run.stderr,
        /^fearless: error: fearless\.json:3:5: Unknown rule "unsynchronized-shared-writ" in "rules"; did you mean "unsynchronized-shared-write"\?$/m);
      assert.match(run.stderr, /^fearless: error: fearless\.json:4:18: Invalid severity "warn" for rule "busy-wait"; did you mean "warning"\?/m);
    });

    it('an unknown key, in the file of a subfolder checked from its parent, and in fearless graph too', function () {
      const dir = project({ 'sub/fearless.json': config({ rulez: {} }), 'sub/a.ts': BUMP });
      for (const command of ['check', 'graph']) {
        const run = fearless(dir, command, 'sub');
        failed(run);
        assert.match(run.stderr, new RegExp(`^fearless: error: ${path.join('sub', 'fearless.json').replace(/\\/g, '\\\\')}:2:3: Unknown key "rulez"; did you mean "rules"\\?`, 'm'));
      }
    });

    it('the "fearless" key of package.json', function () {
      const dir = project({ 'package.json': config({ name: 'x', fearless: { environment: 'browser' } }), 'src/a.ts': BUMP });
      const run = fearless(dir, 'check');
      failed(run);
      assert.match(run.stderr, /^fearless: error: package\.json:4:20: Invalid "environment" "browser" \(expected node, web, auto\)$/m);
    });
  });

  describe('found per file', function () {
    it('uses sub/fearless.json for the files under sub/, checked from the parent', function () {
      const dir = project({
        'fearless.json': config({ rules: { [RULE]: 'error' } }),
        'sub/fearless.json': config({ rules: { [RULE]: 'info' } }),
        'top.ts': BUMP,
        'sub/a.ts': BUMP,
      });
      assert.deepEqual(findings(fearless(dir, 'check', 'sub', '--format', 'json')), ['sub/a.ts info']);
      assert.deepEqual(findings(fearless(dir, 'check', '--format', 'json')), ['sub/a.ts info', 'top.ts error']);
    });

    it('lays a package\'s configuration over the repository\'s, and stops at "root": true', function () {
      const dir = project({
        'fearless.json': config({ environment: 'node', rules: { [RULE]: 'error', 'busy-wait': 'off' } }),
        'packages/a/package.json': config({ name: 'a', fearless: { rules: { 'busy-wait': 'hint' } } }),
        'packages/a/a.ts': BUMP,
        'packages/b/fearless.json': config({ root: true, rules: { 'busy-wait': 'hint' } }),
        'packages/b/b.ts': BUMP,
      });
      assert.deepEqual(findings(fearless(dir, 'check', '--format', 'json')), ['packages/a/a.ts error', 'packages/b/b.ts warning']);
      const printed = (file: string) => JSON.parse(fearless(dir, 'check', '--print-config', file).stdout);
      assert.deepEqual(printed('packages/a/a.ts'), {
        configFiles: ['fearless.json', 'packages/a/package.json'],
        ignored: false,
        environment: 'node',
        rules: { 'busy-wait': 'hint', [RULE]: 'error' },
      });
      assert.deepEqual(printed('packages/b/b.ts'), {
        configFiles: ['packages/b/fearless.json'], ignored: false, environment: 'auto', rules: { 'busy-wait': 'hint' },
      });
    });

    it('applies overrides whose globs match, in order, over the file\'s own rules', function () {
      const dir = project({
        'fearless.json': config({
          rules: { [RULE]: 'error' },
          overrides: [
            { files: ['**/*.test.ts'], rules: { [RULE]: 'off' } },
            { files: ['src/legacy/**'], rules: { [RULE]: 'info' } },
          ],
        }),
        'src/a.ts': BUMP,
        'src/a.test.ts': BUMP,
        'src/legacy/old.ts': BUMP,
        'src/legacy/old.test.ts': BUMP,
      });
      assert.deepEqual(findings(fearless(dir, 'check', '--format', 'json')),
        ['src/a.ts error', 'src/legacy/old.test.ts info', 'src/legacy/old.ts info']);
    });

    it('skips the files "ignores" match, even named on the command line, and says so', function () {
      const dir = project({
        'fearless.json': config({ ignores: ['src/generated/**'], exclude: ['src/vendor/**'] }),
        'src/a.ts': BUMP,
        'src/generated/g.ts': BUMP,
        'src/vendor/v.ts': BUMP,
      });
      const run = fearless(dir, 'check', '--format', 'json');
      assert.deepEqual(findings(run), ['src/a.ts warning']);
      assert.equal(JSON.parse(run.stdout).files, 1);
      const named = fearless(dir, 'check', 'src/generated/g.ts', 'src/vendor/v.ts', '--format', 'json');
      assert.deepEqual(findings(named), ['src/vendor/v.ts warning'], 'exclude only prunes folders; ignores always');
      assert.match(named.stderr, /^fearless: warning: src[\\/]generated[\\/]g\.ts: not checked: the configuration's "ignores" match it$/m);
      assert.equal(JSON.parse(fearless(dir, 'check', '--print-config', 'src/generated/g.ts').stdout).ignored, true);
    });

    it('uses only the file --config names, for every file', function () {
      const dir = project({
        'fearless.json': config({ rules: { [RULE]: 'error' } }),
        'conf/ci.json': config({ rules: { [RULE]: 'hint' } }),
        'sub/fearless.json': config({ rules: { [RULE]: 'off' } }),
        'a.ts': BUMP,
        'sub/b.ts': BUMP,
      });
      assert.deepEqual(findings(fearless(dir, 'check', '--config', 'conf/ci.json', '--format', 'json')), ['a.ts hint', 'sub/b.ts hint']);
      assert.deepEqual(JSON.parse(fearless(dir, 'check', '--config', 'conf/ci.json', '--print-config', 'sub/b.ts').stdout).configFiles,
        ['conf/ci.json']);
    });
  });

  describe('--print-config', function () {
    it('prints the defaults where no file says anything, and fails on a wrong file', function () {
      const dir = project({ 'a.ts': BUMP });
      // The temporary folder's parents hold no configuration: the walk finds none.
      const run = fearless(dir, 'check', '--print-config', 'a.ts');
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), { configFiles: [], ignored: false, environment: 'auto', rules: {} });
      fs.writeFileSync(path.join(dir, 'fearless.json'), '{ "root": 1 }');
      const wrong = fearless(dir, 'check', '--print-config', 'a.ts');
      assert.equal(wrong.code, 2);
      assert.equal(wrong.stdout, '');
      assert.match(wrong.stderr, /^fearless: error: fearless\.json:1:11: "root" must be true or false, got 1$/m);
    });
  });

  describe('fearless init', function () {
    it('writes a starter fearless.json with its schema, which the check accepts, and never overwrites it', function () {
      const dir = project({ 'a.ts': BUMP });
      const run = fearless(dir, 'init');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Wrote fearless\.json/);
      const written = fs.readFileSync(path.join(dir, 'fearless.json'), 'utf8');
      assert.equal(JSON.parse(written).$schema, './node_modules/fearless/schemas/fearless.schema.json');
      assert.equal(JSON.parse(written).root, true);
      assert.equal(fearless(dir, 'check').code, 0, 'a warning only');

      fs.writeFileSync(path.join(dir, 'fearless.json'), '{ "rules": {} }');
      const again = fearless(dir, 'init');
      assert.equal(again.code, 2);
      assert.match(again.stderr, /^fearless: fearless\.json already exists here; it was left as it is$/m);
      assert.equal(fs.readFileSync(path.join(dir, 'fearless.json'), 'utf8'), '{ "rules": {} }');
    });

    it('refuses where package.json already has a "fearless" key', function () {
      const dir = project({ 'package.json': config({ name: 'x', fearless: {} }) });
      const run = fearless(dir, 'init');
      assert.equal(run.code, 2);
      assert.match(run.stderr, /package\.json here already has a "fearless" key/);
      assert.equal(fs.existsSync(path.join(dir, 'fearless.json')), false);
    });
  });
});

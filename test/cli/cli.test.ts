import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { version } from '../../package.json';
import { sarifErrors } from './sarif-schema';
// The shipped artefact, not the sources: this is what `npx fearless` and `npm start` run.
import { CLI, type Run, TempProjects, fearless } from '../support/cli-project';
import type { JsonDiagnostic } from '../../server/src/cli/format-json';

/** `unsynchronized-shared-write` at 2:3–2:9, with the safe fix `Atomics.add(a, 0, 1)`. */
const BUMP = 'export function bump(a: Int32Array<SharedArrayBuffer>) {\n  a[0]++;\n}\n';
/** `unsynchronized-shared-write` at 2:3–2:12 that no Atomics call can fix: they need integer arrays. */
const SCALE = 'export function scale(f: Float64Array<SharedArrayBuffer>) {\n  f[0] += 1;\n}\n';
const CLEAN = 'export const answer = 42;\n';

const projects = new TempProjects('fearless-cli-');
const project = (files: Record<string, string>): string => projects.make(files);

type Diagnostic = JsonDiagnostic;

function json(run: Run): { version: number; files: number; diagnostics: Diagnostic[]; skipped: { file: string; reason: string }[] } {
  try {
    return JSON.parse(run.stdout);
  } catch {
    assert.fail(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

function where(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.rule}`;
}

describe('fearless CLI (dist/cli.js)', function () {
  before(function () {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  });

  after(() => projects.removeAll());

  describe('exit codes', function () {
    it('exits 0 on a clean project and says so', function () {
      const run = fearless(project({ 'src/main.ts': CLEAN }), 'check');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /No problems \(1 file checked\)/);
    });

    it('exits 0 with warnings only, 1 once they exceed --max-warnings', function () {
      const dir = project({ 'src/main.ts': BUMP });
      assert.equal(fearless(dir, 'check').code, 0);
      assert.equal(fearless(dir, 'check', '--max-warnings', '1').code, 0);
      assert.equal(fearless(dir, 'check', '--max-warnings', '0').code, 1);
    });

    it('exits 1 on an error-severity finding, 0 with --exit-zero', function () {
      const dir = project({
        'src/main.ts': BUMP,
        'strict.json': JSON.stringify({ rules: { 'unsynchronized-shared-write': 'error' } }),
      });
      const run = fearless(dir, 'check', '--config', 'strict.json', '--format', 'json');
      assert.equal(run.code, 1, run.stderr);
      assert.deepEqual(json(run).diagnostics.map((d) => d.severity), ['error']);
      assert.equal(fearless(dir, 'check', '--config', 'strict.json', '--exit-zero').code, 0);
    });

    it('exits 2 on bad usage, --exit-zero or not, with a message and no stack', function () {
      const dir = project({ 'src/main.ts': BUMP });
      for (const args of [
        ['check', '--bogus'],
        ['check', '--exit-zero', '--bogus'],
        ['check', '--format', 'xml'],
        ['check', '--max-warnings', 'many'],
        ['check', 'no-such-dir'],
        ['check', '--exit-zero', 'no-such-dir'],
        ['check', '--config', 'missing.json'],
        ['launch'],
      ]) {
        const run = fearless(dir, ...args);
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
        assert.ok(run.stderr.trim().length > 0, `${args.join(' ')}: says why`);
        assert.doesNotMatch(run.stderr, /^\s+at /m, `${args.join(' ')}: no stack trace`);
      }
      assert.match(fearless(dir, 'check', 'no-such-dir').stderr, /no-such-dir/);
      assert.match(fearless(dir, 'check', '--bogus').stderr, /--bogus/);
    });

    it('prints its version and help', function () {
      const dir = project({});
      const versionRun = fearless(dir, '--version');
      assert.equal(versionRun.code, 0);
      assert.equal(versionRun.stdout.trim(), version);
      const help = fearless(dir, 'check', '--help');
      assert.equal(help.code, 0);
      for (const flag of ['--format', '--fix', '--config', '--max-warnings', '--hints', '--exit-zero', '--no-color']) {
        assert.ok(help.stdout.includes(flag), flag);
      }
    });
  });

  describe('formats', function () {
    it('stylish: relative path, 1-based position, rule, fixable count, no color into a pipe', function () {
      const run = fearless(project({ 'src/main.ts': BUMP }), 'check');
      assert.match(run.stdout, /^src\/main\.ts$/m);
      assert.match(run.stdout, /^ {2}2:3 {2}warning {2}.+ {2}unsynchronized-shared-write$/m);
      assert.match(run.stdout, /✖ 1 problem \(0 errors, 1 warning\)/);
      assert.match(run.stdout, /1 fixable with --fix/);
      assert.doesNotMatch(run.stdout, /\x1b\[/);
    });

    it('json: the contract object, paths relative to the current directory', function () {
      const run = fearless(project({ 'src/main.ts': BUMP }), 'check', '--format', 'json');
      const out = json(run);
      assert.deepEqual(Object.keys(out), ['version', 'files', 'diagnostics', 'skipped', 'untyped']);
      assert.equal(out.version, 1);
      assert.equal(out.files, 1);
      assert.equal(out.diagnostics.length, 1, out.diagnostics.map(where).join('\n'));
      const [d] = out.diagnostics;
      assert.deepEqual(Object.keys(d).sort(),
        ['column', 'endColumn', 'endLine', 'file', 'fixes', 'line', 'message', 'rule', 'severity']);
      assert.deepEqual({ ...d, message: typeof d.message, fixes: d.fixes.length > 0 }, {
        file: 'src/main.ts', line: 2, column: 3, endLine: 2, endColumn: 9,
        rule: 'unsynchronized-shared-write', severity: 'warning', message: 'string', fixes: true,
      });
      assert.deepEqual(Object.keys(d.fixes[0]), ['title', 'edits']);
      assert.deepEqual(d.fixes[0].edits, [
        { file: 'src/main.ts', start: { line: 2, column: 3 }, end: { line: 2, column: 9 }, newText: 'Atomics.add(a, 0, 1)' },
      ]);
    });

    it('json: paths stay relative to where it runs, not to the checked folder', function () {
      const dir = project({ 'src/main.ts': BUMP });
      const out = json(fearless(path.join(dir, 'src'), 'check', 'main.ts', '--format', 'json'));
      assert.deepEqual(out.diagnostics.map((d) => d.file), ['main.ts']);
    });

    it('sarif: validates against the SARIF 2.1.0 schema', function () {
      const dir = project({ 'src/main.ts': BUMP });
      const run = fearless(dir, 'check', '--format', 'sarif');
      assert.equal(run.code, 0, run.stderr);
      const log = JSON.parse(run.stdout);
      assert.deepEqual(sarifErrors(log), []);
      const [sarifRun] = log.runs;
      assert.equal(sarifRun.tool.driver.name, 'fearless');
      assert.equal(sarifRun.tool.driver.version, version);
      assert.equal(sarifRun.results[0].ruleId, 'unsynchronized-shared-write');
      assert.match(sarifRun.tool.driver.rules[sarifRun.results[0].ruleIndex].helpUri, /\/unsynchronized-shared-write\.md$/);
      assert.deepEqual(sarifRun.results[0].locations[0].physicalLocation.artifactLocation, { uri: 'src/main.ts', uriBaseId: '%SRCROOT%' });
      assert.equal(sarifRun.originalUriBaseIds['%SRCROOT%'].uri, `${pathToFileURL(dir).href}/`);
    });

    it('locates related information in files that were not checked', function () {
      const dir = project({
        'src/types.ts': 'export interface Input {\n  counts: Int32Array<SharedArrayBuffer>;\n}\n',
        // `input.counts` is shared because its declared type says so: the related location is in types.ts.
        'src/worker.ts': "import type { Input } from './types.js';\nexport function bump(input: Input): void {\n  input.counts[0]++;\n}\n",
      });
      for (const format of ['json', 'sarif', 'stylish']) {
        const run = fearless(dir, 'check', '--format', format, 'src/worker.ts');
        assert.equal(run.code, 0, `${format}: ${run.stderr}`);
      }
      const [finding] = JSON.parse(fearless(dir, 'check', '--format', 'json', 'src/worker.ts').stdout).diagnostics;
      assert.equal(finding.rule, 'unsynchronized-shared-write');
    });
  });

  describe('--fix', function () {
    it('rewrites files with safe fixes and reports only what is left', function () {
      const crlf = BUMP.replace(/\n/g, '\r\n');
      const dir = project({ 'src/main.ts': crlf, 'src/scale.ts': SCALE });
      const run = fearless(dir, 'check', '--fix', '--format', 'json');
      assert.equal(run.code, 0, run.stderr);
      assert.equal(fs.readFileSync(path.join(dir, 'src/main.ts'), 'utf8'), crlf.replace('a[0]++', 'Atomics.add(a, 0, 1)'));
      assert.equal(fs.readFileSync(path.join(dir, 'src/scale.ts'), 'utf8'), SCALE);
      assert.deepEqual(json(run).diagnostics.map(where), ['src/scale.ts:2:3 unsynchronized-shared-write']);
    });

    it('says what it fixed in stylish output', function () {
      const dir = project({ 'src/main.ts': BUMP });
      const run = fearless(dir, 'check', '--fix');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Applied safe fixes to 1 file/);
      assert.match(run.stdout, /No problems/);
      assert.equal(fearless(dir, 'check', '--fix').stdout.includes('Applied'), false, 'nothing left to fix');
    });
  });

  describe('resilience', function () {
    it('reports a file that does not parse as one parse-error and checks the rest', function () {
      const dir = project({ 'src/broken.ts': 'export function broken( {\n', 'src/main.ts': BUMP });
      const run = fearless(dir, 'check', '--format', 'json');
      assert.equal(run.code, 1, run.stderr);
      const out = json(run);
      assert.equal(out.files, 2);
      const broken = out.diagnostics.filter((d) => d.file === 'src/broken.ts');
      assert.deepEqual(broken.map((d) => [d.rule, d.severity]), [['parse-error', 'error']]);
      assert.deepEqual(out.diagnostics.filter((d) => d.file === 'src/main.ts').map(where),
        ['src/main.ts:2:3 unsynchronized-shared-write']);
    });

    it('skips generated files found in folders, counts them, and checks them with --include-generated', function () {
      const dir = project({ 'src/main.ts': BUMP, 'src/gen/bump.ts': `// @generated\n${BUMP}` });
      const out = json(fearless(dir, 'check', '--format', 'json'));
      assert.equal(out.files, 1);
      assert.deepEqual(out.skipped, [{ file: 'src/gen/bump.ts', reason: 'generated' }]);
      assert.deepEqual(out.diagnostics.map(where), ['src/main.ts:2:3 unsynchronized-shared-write']);
      assert.match(fearless(dir, 'check').stdout, /^ {2}1 generated file skipped \(check them with --include-generated\)$/m);
      const all = json(fearless(dir, 'check', '--format', 'json', '--include-generated'));
      assert.deepEqual([all.files, all.skipped], [2, []]);
      assert.deepEqual(all.diagnostics.map(where),
        ['src/gen/bump.ts:3:3 unsynchronized-shared-write', 'src/main.ts:2:3 unsynchronized-shared-write']);
      assert.deepEqual(json(fearless(dir, 'check', 'src/gen/bump.ts', '--format', 'json')).diagnostics.map(where),
        ['src/gen/bump.ts:3:3 unsynchronized-shared-write'], 'a file named on the command line is checked');
    });
  });

  describe('without installed types', function () {
    // What a user gets in a fresh clone before `npm ci`, or in a plain JS project: no node_modules at all.
    const MAIN = [
      "import { MessageChannel, Worker } from 'node:worker_threads';",
      "const worker = new Worker(new URL('./worker.js', import.meta.url));",
      "worker.on('error', console.error);",
      "worker.on('exit', () => undefined);",
      'const buffer = new ArrayBuffer(8);',
      'worker.postMessage(buffer, [buffer]);',
      'console.log(buffer.byteLength);',
      'const { port1 } = new MessageChannel();',
      'worker.postMessage({ port: port1 });',
      'const shared = new SharedArrayBuffer(8);',
      'worker.postMessage(shared, [shared]);',
      'worker.postMessage({ done: () => undefined });',
      '',
    ].join('\n');
    const WORKER = "import { parentPort } from 'node:worker_threads';\nparentPort?.on('message', () => undefined);\n";

    it('checks the Send rules with the declarations it bundles, and says nothing is missing', function () {
      const dir = project({ 'package.json': '{ "type": "module" }', 'src/main.ts': MAIN, 'src/worker.ts': WORKER });
      const run = fearless(dir, 'check', '--format', 'json');
      assert.deepEqual(json(run).diagnostics.map(where), [
        'src/main.ts:7:13 use-after-transfer',
        'src/main.ts:9:22 transfer-list-missing-port',
        'src/main.ts:11:29 transfer-shared-buffer',
        'src/main.ts:12:22 send-non-cloneable',
      ]);
      assert.equal(run.stderr, '');
    });

    it('says once on stderr, and in the JSON, which uses it still cannot type and which rules they escape', function () {
      const bare = "const { Worker } = require('node:worker_threads');\nexport const w = new Worker(__filename);\nw.postMessage({ f: () => 1 });\n";
      const dir = project({ 'src/bare.ts': bare, 'src/also.ts': bare });
      const run = fearless(dir, 'check', '--format', 'json');
      assert.deepEqual(json(run).diagnostics, []);
      const untyped = (JSON.parse(run.stdout) as { untyped: { file: string; line: number; column: number; name: string; rules: string[] }[] }).untyped;
      assert.deepEqual(untyped.map(u => `${u.file}:${u.line}:${u.column} ${u.name}`), [
        'src/also.ts:1:28 node:worker_threads', 'src/bare.ts:1:28 node:worker_threads',
      ]);
      assert.ok(untyped[0].rules.includes('send-non-cloneable'));
      assert.equal(run.stderr.match(/^fearless: warning: /gm)?.length, 1, run.stderr);
      assert.match(run.stderr, /2 uses of thread APIs without types in 2 files: .*send-non-cloneable.* could not check them/);
      assert.match(run.stderr, /src\/bare\.ts:1:28 {2}'node:worker_threads': a require\(\) in a TypeScript file is untyped: import it instead/);
    });
  });
});

/**
 * Type syntax in JavaScript files: what TypeScript parses completely (Flow's annotations, `import
 * type`, type aliases) is analysed as it is; a Flow file whose syntax derails TypeScript's parser is
 * analysed with its types blanked out, at the same offsets, and fixes edit its own text; a file that
 * is simply broken, Flow's or not, still gets its one `parse-error`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyFixes } from '../../server/src/engine/apply-edits';
import { type CheckResult, checkPaths } from '../../server/src/engine/check';
import type { Finding } from '../../server/src/core/finding';
import { readFlow } from '../../server/src/analysis/program/flow';
import { ts } from '../../server/src/analysis/ts';
import { RULE_SET } from '../../server/src/rules/registry';

/** Flow syntax TypeScript has no reading for, each kind once, then a worker with no 'error' handler (line 13). */
const UNREADABLE = [
  '// @flow',
  "import typeof WorkerThreads from 'worker_threads';",
  "import { Worker } from 'worker_threads';",
  'export type Job = {| +id: number, -name: string, ...Other |};',
  'opaque type Token = string;',
  'function isJob(x: mixed): boolean %checks {',
  "  return typeof x === 'object';",
  '}',
  // A return type that pushes the arrow to a later line: flow-remove-types moves the arrow up.
  'export const describe = (job: Job): {|',
  '  id: number,',
  '|} => ({ id: job.id });',
  'export function start(job: Job): void {',
  "  const worker = new Worker(((__dirname + '/child.js': any): string), { workerData: job });",
  "  worker.on('exit', (code: number) => console.log(code));",
  '}',
  '',
].join('\n');

const FILES: Record<string, string> = {
  // parcel's style: pragma, `import type`, aliases, `?T`, `mixed`, and a worker with no 'error' handler.
  'flow-worker.js': [
    '// @flow',
    "import type { WorkerOptions } from 'worker_threads';",
    "import { Worker } from 'worker_threads';",
    "import path from 'path';",
    '',
    'type Job = { id: number, name?: ?string };',
    '',
    'export function start(job: Job, options?: WorkerOptions): void {',
    "  const worker = new Worker(path.join(__dirname, 'child.js'), { ...options, workerData: job });",
    "  worker.on('message', (m: mixed) => console.log(m));",
    "  worker.on('exit', (code: number) => console.log(code));",
    '}',
    '',
  ].join('\n'),
  'child.js': "// @flow\nimport { parentPort } from 'worker_threads';\n\nif (parentPort) parentPort.postMessage('ready');\n",
  // TypeScript's own syntax in a .js file, no pragma: parsed completely too.
  'typed.js': "export function scale(x: number): number {\n  return x * 2;\n}\n",
  'flow-unreadable.js': UNREADABLE,
  // A fixable finding in a file that is read with its types blanked out.
  'flow-shared.js': [
    '/* @flow */',
    "import { Worker } from 'worker_threads';",
    'type Options = {| size: number |};',
    'export function run(options: Options): void {',
    '  const shared = new Int32Array(new SharedArrayBuffer(options.size * 4));',
    "  const worker = new Worker(__dirname + '/child.js', { workerData: shared });",
    "  worker.on('exit', () => {});",
    "  worker.on('error', (e: Error) => console.error(e));",
    '  shared[0]++;',
    '}',
    '',
  ].join('\n'),
  // Valid Flow up to line 4, then a brace never closed: TypeScript's first complaint would be the `{|`.
  'flow-broken.js': "// @flow\ntype Opts = {| size: number |};\nexport function broken(o: Opts) {\n  return o.size;\n",
  'broken.js': 'export function broken( {\n',
};

describe('type syntax in JavaScript files', () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-flow-')));
  let result: CheckResult;
  let findings: Finding[] = [];
  before(() => {
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
    result = checkPaths(['.'], { rules: RULE_SET, cwd: dir });
    findings = result.findings;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const of = (name: string): Finding[] => findings.filter(f => f.span.file === path.join(dir, name));
  const line = (f: Finding): number => fs.readFileSync(f.span.file, 'utf8').slice(0, f.span.start).split('\n').length;
  const column = (f: Finding): number => f.span.start - fs.readFileSync(f.span.file, 'utf8').lastIndexOf('\n', f.span.start - 1);

  it('analyses a Flow file TypeScript parses completely, and finds its bug', () => {
    assert.deepEqual(of('flow-worker.js').map(f => [f.rule, line(f)]), [['unhandled-worker-error', 9]]);
  });

  it('analyses TypeScript-only syntax in a .js file', () => {
    assert.deepEqual(of('typed.js'), []);
  });

  it('analyses a Flow file whose syntax TypeScript cannot parse, at the file\'s own positions', () => {
    assert.deepEqual(of('flow-unreadable.js').map(f => [f.rule, line(f), column(f)]), [['unhandled-worker-error', 13, 18]]);
  });

  it('fixes a Flow file in its own text, types and all', () => {
    const file = path.join(dir, 'flow-shared.js');
    assert.deepEqual(of('flow-shared.js').map(f => [f.rule, line(f)]), [['unsynchronized-shared-write', 9]]);
    assert.equal(result.texts.get(file), FILES['flow-shared.js']);
    const fixed = applyFixes(of('flow-shared.js'), result.texts).get(file);
    assert.equal(fixed, FILES['flow-shared.js'].replace('shared[0]++', 'Atomics.add(shared, 0, 1)'));
  });

  it('reports a Flow file that Flow cannot parse either once, where Flow\'s parser stopped', () => {
    const [finding, ...rest] = of('flow-broken.js');
    assert.deepEqual(rest, []);
    assert.equal(finding?.rule, 'parse-error');
    assert.equal(line(finding), 5);
    assert.equal(finding.message, 'Parsing error: Unexpected end of input, expected the token `}`. The file was not analysed.');
  });

  it('blanks out Flow\'s types and nothing else, leaving every arrow where it was', () => {
    const { text, error } = readFlow(UNREADABLE);
    assert.equal(error, undefined);
    assert.equal(text.length, UNREADABLE.length);
    for (let i = 0; i < text.length; i++) {
      if (text[i] !== UNREADABLE[i]) assert.ok(text[i] === ' ' && !/[\n\r]/.test(UNREADABLE[i]), `offset ${i}: '${UNREADABLE[i]}' became '${text[i]}'`);
    }
    assert.equal(text.indexOf('=>'), UNREADABLE.indexOf('|} =>') + 3);
    const tree = ts.createSourceFile('flow.js', text, ts.ScriptTarget.Latest, true);
    assert.deepEqual((tree as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics, []);
  });

  it('still reports a broken file, without blaming Flow', () => {
    const [finding, ...rest] = of('broken.js');
    assert.deepEqual(rest, []);
    assert.equal(finding?.rule, 'parse-error');
    assert.doesNotMatch(finding.message, /Flow/);
    assert.doesNotMatch(finding.message, /\.\./, 'one full stop after the parser\'s message');
  });
});

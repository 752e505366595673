/**
 * Type syntax in JavaScript files: what TypeScript parses completely (Flow's annotations, `import
 * type`, type aliases) is analysed; what derails its parser is one `parse-error`, which names Flow
 * when the file is Flow's; a file that is simply broken still gets its `parse-error`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkPaths } from '../../server/src/analysis/check';
import type { Finding } from '../../server/src/analysis/finding';

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
  // An exact object type: TypeScript's parser has no reading for `{|`.
  'flow-exact.js': "// @flow\ntype Opts = {| size: number |};\nexport const size = 1;\n",
  'broken.js': 'export function broken( {\n',
};

describe('type syntax in JavaScript files', () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-flow-')));
  let findings: Finding[] = [];
  before(() => {
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
    findings = checkPaths(['.'], { cwd: dir }).findings;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const of = (name: string): Finding[] => findings.filter(f => f.span.file === path.join(dir, name));
  const line = (f: Finding): number => fs.readFileSync(f.span.file, 'utf8').slice(0, f.span.start).split('\n').length;

  it('analyses a Flow file TypeScript parses completely, and finds its bug', () => {
    assert.deepEqual(of('flow-worker.js').map(f => [f.rule, line(f)]), [['unhandled-worker-error', 9]]);
  });

  it('analyses TypeScript-only syntax in a .js file', () => {
    assert.deepEqual(of('typed.js'), []);
  });

  it('reports Flow syntax TypeScript cannot parse as a parse-error that names Flow', () => {
    const [finding, ...rest] = of('flow-exact.js');
    assert.deepEqual(rest, []);
    assert.equal(finding?.rule, 'parse-error');
    assert.match(finding.message, /looks like Flow/);
    assert.equal(line(finding), 2);
  });

  it('still reports a broken file, without blaming Flow', () => {
    const [finding, ...rest] = of('broken.js');
    assert.deepEqual(rest, []);
    assert.equal(finding?.rule, 'parse-error');
    assert.doesNotMatch(finding.message, /Flow/);
    assert.doesNotMatch(finding.message, /\.\./, 'one full stop after the parser\'s message');
  });
});

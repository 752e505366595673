/**
 * `fearless graph`: the thread map of test/fixtures-graph (main.ts spawns worker.ts and sends it a
 * SharedArrayBuffer; both use Atomics on it, the worker also writes it plainly) in each format, from
 * the shipped CLI; and the Mermaid and DOT escaping of names no source file of ours has.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ThreadMap } from '../../server/src/views/thread-map';
import { formatGraphDot } from '../../server/src/cli/format-graph-dot';
import { formatGraphMermaid } from '../../server/src/cli/format-graph-mermaid';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURE = path.join(ROOT, 'test', 'fixtures-graph');

function fearless(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The fixture's map, in the JSON every format is drawn from. */
const FIXTURE_MAP = {
  version: 1,
  modules: [
    { id: 'main.ts', role: 'main' },
    { id: 'worker.ts', role: 'worker' },
  ],
  spawns: [
    { from: 'main.ts', to: 'worker.ts', line: 6, sends: ['counts', 'label'], join: 'joined' },
  ],
  buffers: [
    {
      id: 'main.ts:4', module: 'main.ts', line: 4, name: 'counts',
      users: [
        { module: 'main.ts', touches: ['atomic'] },
        { module: 'worker.ts', touches: ['atomic', 'plain write'] },
      ],
    },
  ],
};

describe('fearless graph (dist/cli.js)', function () {
  before(function () {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  });

  it('json: the thread map of a folder, paths relative to the current directory', function () {
    const run = fearless(FIXTURE, 'graph', '--format', 'json');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), FIXTURE_MAP);
    // stable: keys in the contract's order, the same bytes on every run
    assert.equal(run.stdout, `${JSON.stringify(FIXTURE_MAP, null, 2)}\n`);
    assert.equal(fearless(FIXTURE, 'graph', '--format', 'json').stdout, run.stdout);
  });

  it('json: ids stay relative to where it runs, not to the mapped folder', function () {
    const run = fearless(path.dirname(FIXTURE), 'graph', 'fixtures-graph', '--format', 'json');
    assert.deepEqual((JSON.parse(run.stdout) as ThreadMap).modules.map(m => m.id), ['fixtures-graph/main.ts', 'fixtures-graph/worker.ts']);
  });

  it('mermaid (the default): a flowchart with a node per module and buffer, spawn and touch edges, plain writes in red', function () {
    const run = fearless(FIXTURE, 'graph');
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'flowchart LR');
    for (const line of [
      '  m0["main.ts<br/>main thread"]:::main',
      '  m1["worker.ts<br/>worker thread"]:::worker',
      '  b0[("counts<br/>main.ts:4")]:::buffer',
      '  m0 ==>|"workerData: counts, label<br/>joined"| m1',
      '  m0 ---|"atomic"| b0',
      '  m1 -.-|"atomic, plain write"| b0',
      '  linkStyle 2 stroke:#dc2626,stroke-width:2px,color:#dc2626',
    ]) assert.ok(lines.includes(line), `missing ${JSON.stringify(line)} in\n${run.stdout}`);
    assert.ok(lines.some(l => /^ {2}classDef buffer fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6}/.test(l)), run.stdout);
  });

  it('dot: a digraph with the same nodes and edges, plain writes dashed and red', function () {
    const run = fearless(FIXTURE, 'graph', '--format', 'dot');
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'digraph threads {');
    assert.equal(lines[lines.length - 1], '}');
    const statement = (prefix: string): string => {
      const found = lines.find(l => l.startsWith(`  ${prefix} [`));
      assert.ok(found, `no statement for ${prefix} in\n${run.stdout}`);
      return found;
    };
    assert.match(statement('m0'), /label="main\.ts\\nmain thread", shape="box"/);
    assert.match(statement('m1'), /label="worker\.ts\\nworker thread", shape="box"/);
    assert.match(statement('b0'), /label="counts\\nmain\.ts:4", shape="cylinder"/);
    assert.match(statement('m0 -> m1'), /label="workerData: counts, label\\njoined", penwidth="2"/);
    assert.match(statement('m0 -> b0'), /label="atomic", dir="none", class="touch"\];$/);
    assert.match(statement('m1 -> b0'), /label="atomic, plain write", dir="none", style="dashed", color="#dc2626".*class="touch plain-write"/);
  });

  it('draws the threads of the examples: wordfreq main.ts spawns worker.ts', function () {
    this.timeout(60_000);
    const run = fearless(ROOT, 'graph', 'examples', '--format', 'mermaid');
    assert.equal(run.code, 0, run.stderr);
    const key = (module: string, role: string): string => {
      const match = new RegExp(`^ {2}(m\\d+)\\["examples/wordfreq/src/${module}<br/>${role}"\\]:::`, 'm').exec(run.stdout);
      assert.ok(match, `no node for ${module} in\n${run.stdout}`);
      return match[1];
    };
    const spawn = new RegExp(`^ {2}${key('main.ts', 'main thread')} ==>\\|"[^"]*joined"\\| ${key('worker.ts', 'worker thread')}$`, 'm');
    assert.match(run.stdout, spawn);
    // bench.ts's cross-check spawns a module that no longer exists: drawn, and said to be missing.
    key('count-worker.js', 'not found');
    const json = JSON.parse(fearless(ROOT, 'graph', 'examples', '--format', 'json').stdout) as ThreadMap;
    assert.deepEqual(json.modules.filter(m => m.missing), [{ id: 'examples/wordfreq/src/count-worker.js', role: 'worker', missing: true }]);
  });

  it('exits 2 on bad usage, with a message and no stack', function () {
    for (const args of [['--format', 'svg'], ['no-such-dir'], ['--config', 'missing.json'], ['--bogus']]) {
      const run = fearless(FIXTURE, 'graph', ...args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.ok(run.stderr.trim().length > 0, `${args.join(' ')}: says why`);
      assert.doesNotMatch(run.stderr, /^\s+at /m, `${args.join(' ')}: no stack trace`);
    }
  });
});

describe('graph labels in Mermaid and DOT', function () {
  // Paths can hold what either syntax reads as its own: quotes, brackets, pipes, entities, markup, a line break.
  const NASTY = 'src/we"ird [x] {y} (z) |p| #35; <b>&amp;</b> `tick`\\N\nline.ts';
  const map: ThreadMap = {
    version: 1,
    modules: [
      { id: NASTY, file: `/p/${NASTY}`, role: 'main' },
      { id: 'w.ts', file: '/p/w.ts', role: 'unknown' },
    ],
    spawns: [{ from: NASTY, to: 'w.ts', line: 3, sends: ['a"b', '<c>'], join: 'never' }],
    buffers: [{ id: `${NASTY}:4`, module: NASTY, line: 4, users: [{ module: 'w.ts', touches: ['plain write'] }] }],
  };
  const [first, second] = NASTY.split('\n');

  it('Mermaid: quoted labels with entities for what Mermaid would read, a <br/> per line', function () {
    const out = formatGraphMermaid(map);
    const m0 = /^ {2}m0\["([^"]*)"\]:::main$/m.exec(out);
    assert.ok(m0, `m0 is one well-formed quoted node:\n${out}`);
    const decode = (label: string): string => label.replace(/#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
    const parts = m0[1].split('<br/>');
    for (const part of parts) assert.doesNotMatch(part, /[<>&`]|#(?!\d+;)/, `no raw markup, entity or backtick in ${part}`);
    assert.deepEqual(parts.map(decode), [first, second, 'main thread']);
    const spawn = /^ {2}m0 ==>\|"([^"]*)"\| m1$/m.exec(out);
    assert.ok(spawn, out);
    assert.deepEqual(spawn[1].split('<br/>').map(decode), ['workerData: a"b, <c>', 'never joined']);
    assert.match(out, /^ {2}b0\[\("([^"]*)"\)\]:::buffer$/m);
    assert.match(out, /^ {2}m1 -\.-\|"plain write"\| b0$/m);
  });

  it('DOT: escString labels, backslashes and quotes escaped, \\n between lines', function () {
    const out = formatGraphDot(map);
    const m0 = /^ {2}m0 \[label="((?:[^"\\]|\\.)*)"/m.exec(out);
    assert.ok(m0, `m0 has one well-formed quoted label:\n${out}`);
    const lines = m0[1].split('\\n').map(l => l.replace(/\\(.)/g, '$1').replace(/&amp;/g, '&'));
    assert.deepEqual(lines, [first, second, 'main thread']);
    assert.match(out, /^ {2}m0 -> m1 \[label="workerData: a\\"b, <c>\\nnever joined"/m);
    assert.match(out, /^ {2}m1 -> b0 \[label="plain write", dir="none", style="dashed"/m);
  });
});

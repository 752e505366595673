import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { progressLine, type ProgressStream } from '../../server/src/cli/progress';

const CWD = path.resolve('/project');
const ERASE = '\r\x1b[K';

class FakeTerminal implements ProgressStream {
  readonly writes: string[] = [];
  readonly isTTY: boolean | undefined;
  readonly columns: number | undefined;
  constructor(shape: { isTTY?: boolean; columns?: number } = { isTTY: true, columns: 80 }) {
    this.isTTY = shape.isTTY;
    this.columns = shape.columns;
  }
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
}

/** A clock the test moves by hand, starting at 1000 (not 0, so that no origin is assumed). */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1000;
  return { now: () => time, advance: (ms) => { time += ms; } };
}

function file(relative: string): string {
  return path.join(CWD, relative);
}

describe('progress line (cli/progress.ts)', function () {
  it('shows nothing during the first two seconds, then files done and the folder', function () {
    const terminal = new FakeTerminal();
    const clock = fakeClock();
    const line = progressLine(terminal, { cwd: CWD, now: clock.now, env: {} });
    line.onProgress({ done: 1, total: 1000, file: file('src/a.ts') });
    clock.advance(1999);
    line.onProgress({ done: 2, total: 1000, file: file('src/b.ts') });
    assert.deepEqual(terminal.writes, []);
    clock.advance(1);
    line.onProgress({ done: 312, total: 1000, file: file('src/models/user.ts') });
    assert.deepEqual(terminal.writes, [`${ERASE}fearless: 312/1000 files · ${path.join('src', 'models')}`]);
  });

  it('redraws at most once per 100 ms', function () {
    const terminal = new FakeTerminal();
    const clock = fakeClock();
    const line = progressLine(terminal, { cwd: CWD, now: clock.now, env: {} });
    clock.advance(2000);
    line.onProgress({ done: 1, total: 5, file: file('a.ts') });
    clock.advance(99);
    line.onProgress({ done: 2, total: 5, file: file('b.ts') });
    assert.equal(terminal.writes.length, 1);
    clock.advance(1);
    line.onProgress({ done: 3, total: 5, file: file('c.ts') });
    assert.deepEqual(terminal.writes, [`${ERASE}fearless: 1/5 files · .`, `${ERASE}fearless: 3/5 files · .`]);
  });

  it('erases the line it drew when cleared, and only then', function () {
    const terminal = new FakeTerminal();
    const clock = fakeClock();
    const line = progressLine(terminal, { cwd: CWD, now: clock.now, env: {} });
    line.clear();
    assert.deepEqual(terminal.writes, [], 'nothing drawn, nothing to erase');
    clock.advance(2500);
    line.onProgress({ done: 1, total: 2, file: file('a.ts') });
    line.clear();
    line.clear();
    assert.equal(terminal.writes.length, 2);
    assert.equal(terminal.writes[1], ERASE);
  });

  it('writes nothing on a pipe, in CI, or on a dumb terminal', function () {
    const cases: { name: string; terminal: FakeTerminal; env: NodeJS.ProcessEnv }[] = [
      { name: 'pipe', terminal: new FakeTerminal({ columns: 80 }), env: {} },
      { name: 'isTTY false', terminal: new FakeTerminal({ isTTY: false, columns: 80 }), env: {} },
      { name: 'CI=true', terminal: new FakeTerminal(), env: { CI: 'true' } },
      { name: 'CI=1', terminal: new FakeTerminal(), env: { CI: '1' } },
      { name: 'TERM=dumb', terminal: new FakeTerminal(), env: { TERM: 'dumb' } },
    ];
    for (const { name, terminal, env } of cases) {
      const clock = fakeClock();
      const line = progressLine(terminal, { cwd: CWD, now: clock.now, env });
      clock.advance(5000);
      line.onProgress({ done: 1, total: 2, file: file('a.ts') });
      line.clear();
      assert.deepEqual(terminal.writes, [], name);
    }
  });

  it('still draws when CI is set to false', function () {
    const terminal = new FakeTerminal();
    const clock = fakeClock();
    const line = progressLine(terminal, { cwd: CWD, now: clock.now, env: { CI: 'false' } });
    clock.advance(2000);
    line.onProgress({ done: 1, total: 2, file: file('a.ts') });
    assert.equal(terminal.writes.length, 1);
  });

  it('fits the terminal: a long folder keeps its end, a narrow terminal keeps the count', function () {
    const deep = path.join('packages', 'server', 'src', 'analysis', 'rules', 'support', 'really-long-folder-name');
    const widths = [20, 40, 60, 80, 200];
    for (const columns of widths) {
      const terminal = new FakeTerminal({ isTTY: true, columns });
      const clock = fakeClock();
      const line = progressLine(terminal, { cwd: CWD, now: clock.now, env: {} });
      clock.advance(2000);
      line.onProgress({ done: 312, total: 1000, file: file(path.join(deep, 'x.ts')) });
      const [written] = terminal.writes;
      assert.ok(written?.startsWith(ERASE), `${columns}: ${written}`);
      const text = written.slice(ERASE.length);
      assert.ok(Array.from(text).length < columns, `${columns} columns: ${JSON.stringify(text)} is ${text.length} long`);
      if (columns === 200) assert.equal(text, `fearless: 312/1000 files · ${deep}`);
      if (columns === 60) assert.match(text, /^fearless: 312\/1000 files · ….*really-long-folder-name$/);
      if (columns === 20) assert.equal(text, 'fearless: 312/1000');
    }
  });

  it('assumes 80 columns when the terminal does not say', function () {
    const terminal = new FakeTerminal({ isTTY: true });
    const clock = fakeClock();
    const line = progressLine(terminal, { cwd: CWD, now: clock.now, env: {} });
    clock.advance(2000);
    line.onProgress({ done: 1, total: 2, file: file(path.join('a'.repeat(200), 'x.ts')) });
    assert.equal(terminal.writes[0]?.length, ERASE.length + 79);
  });
});

describe('progress line in `fearless check` (from source)', function () {
  const CLI = path.resolve(__dirname, '..', '..', 'server', 'src', 'cli', 'main.ts');
  let dir: string;

  before(function () {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-progress-')));
    fs.writeFileSync(path.join(dir, 'main.ts'), 'export const answer = 42;\n');
  });

  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function fearless(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const env = { ...process.env };
    delete env.CI;
    const result = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), CLI, ...args], {
      cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('draws nothing on a piped stderr, and accepts --no-progress', function () {
    for (const args of [['check'], ['check', '--no-progress']]) {
      const run = fearless(...args);
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /\r|\x1b\[K|files ·/, args.join(' '));
    }
  });

  it('lists --no-progress in the help of check', function () {
    const run = fearless('check', '--help');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /--no-progress\s+\S/);
  });
});

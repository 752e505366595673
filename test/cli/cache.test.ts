import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The shipped artefact, as in cli.test.ts (FEARLESS_CLI: another build of it).
const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.resolve(process.env.FEARLESS_CLI ?? path.join(ROOT, 'dist', 'cli.js'));

const TSCONFIG = JSON.stringify({ compilerOptions: { target: 'es2022', lib: ['es2024'], module: 'nodenext', strict: true } });
/** `unsynchronized-shared-write`, with the safe fix `Atomics.add(a, 0, 1)`. */
const BUMP = 'export function bump(a: Int32Array<SharedArrayBuffer>) {\n  a[0]++;\n}\n';
const CLEAN = 'export const answer = 42;\n';

const made: string[] = [];

function project(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-cache-cli-')));
  made.push(dir);
  for (const [name, text] of Object.entries({ 'tsconfig.json': TSCONFIG, ...files })) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function fearless(cwd: string, ...args: string[]): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The cache files in a folder (a file named after the working directory, when the folder is given). */
function cacheFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.startsWith('.fearlesscache')) : [];
}

describe('fearless check --cache', function () {
  this.timeout(120000);

  after(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps .fearlesscache in the working directory with --cache, and writes nothing without it', function () {
    const dir = project({ 'bump.ts': BUMP, 'clean.ts': CLEAN });
    const plain = fearless(dir, 'check', '--format', 'json');
    assert.deepEqual(cacheFiles(dir), []);
    assert.equal(fearless(dir, 'check', '--format', 'json', '--cache-location', 'elsewhere').stdout, plain.stdout);
    assert.equal(fs.existsSync(path.join(dir, 'elsewhere')), false);
    const cached = fearless(dir, 'check', '--format', 'json', '--cache');
    assert.deepEqual(cacheFiles(dir), ['.fearlesscache']);
    assert.equal(cached.stdout, plain.stdout);
    assert.equal(cached.code, plain.code);
    const again = fearless(dir, 'check', '--format', 'json', '--cache');
    assert.equal(again.stdout, plain.stdout);
    assert.equal(again.code, plain.code);
  });

  it('takes --cache-location as a file, or as a folder when it exists or ends with a separator', function () {
    const dir = project({ 'clean.ts': CLEAN });
    fearless(dir, 'check', '--cache', '--cache-location', path.join('caches', 'fearless.json'));
    assert.ok(fs.statSync(path.join(dir, 'caches', 'fearless.json')).isFile());
    fs.mkdirSync(path.join(dir, 'existing'));
    fearless(dir, 'check', '--cache', '--cache-location', 'existing');
    const named = cacheFiles(path.join(dir, 'existing'));
    assert.equal(named.length, 1);
    assert.match(named[0], /^\.fearlesscache_[0-9a-f]+$/);
    fearless(dir, 'check', '--cache', '--cache-location', `new${path.sep}`);
    assert.deepEqual(cacheFiles(path.join(dir, 'new')), named);
    assert.deepEqual(cacheFiles(dir), []);
  });

  it('ignores a damaged cache and writes it again; warns when it cannot write it', function () {
    const dir = project({ 'bump.ts': BUMP });
    const plain = fearless(dir, 'check', '--format', 'json');
    fs.writeFileSync(path.join(dir, '.fearlesscache'), '{"format": 1, "key": "trunc');
    const damaged = fearless(dir, 'check', '--format', 'json', '--cache');
    assert.equal(damaged.stdout, plain.stdout);
    assert.equal(damaged.code, plain.code);
    assert.equal(damaged.stderr, plain.stderr);
    assert.equal(typeof JSON.parse(fs.readFileSync(path.join(dir, '.fearlesscache'), 'utf8')).key, 'string');
    const blocked = fearless(dir, 'check', '--format', 'json', '--cache', '--cache-location', path.join('bump.ts', 'cache'));
    assert.equal(blocked.stdout, plain.stdout);
    assert.equal(blocked.code, plain.code);
    assert.match(blocked.stderr, /^fearless: warning: could not write the cache: /m);
  });

  it('analyses again the files --fix wrote', function () {
    const dir = project({ 'bump.ts': BUMP, 'clean.ts': CLEAN });
    const fixed = fearless(dir, 'check', '--format', 'json', '--fix', '--cache');
    assert.equal(JSON.parse(fixed.stdout).diagnostics.length, 0);
    assert.match(fs.readFileSync(path.join(dir, 'bump.ts'), 'utf8'), /Atomics\.add\(a, 0, 1\)/);
    const plain = fearless(dir, 'check', '--format', 'json');
    assert.equal(fearless(dir, 'check', '--format', 'json', '--cache').stdout, plain.stdout);
    // Back to the racy text: the kept result of the fixed file does not hide the race.
    fs.writeFileSync(path.join(dir, 'bump.ts'), BUMP);
    const racy = fearless(dir, 'check', '--format', 'json', '--cache');
    assert.deepEqual(JSON.parse(racy.stdout).diagnostics.map((d: { rule: string }) => d.rule), ['unsynchronized-shared-write']);
  });

  it('reports on examples/ what it reports without the cache, on the first run and the next', function () {
    const location = path.join(project({}), 'cache');
    const plain = fearless(ROOT, 'check', 'examples', '--format', 'json');
    assert.ok(JSON.parse(plain.stdout).diagnostics.length > 0);
    for (const run of ['first', 'second']) {
      const cached = fearless(ROOT, 'check', 'examples', '--format', 'json', '--cache', '--cache-location', location);
      assert.equal(cached.stdout, plain.stdout, run);
      assert.equal(cached.stderr, plain.stderr, run);
      assert.equal(cached.code, plain.code, run);
    }
  });
});

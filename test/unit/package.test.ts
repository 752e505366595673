/**
 * The npm package as `npm pack` makes it: what it ships, where its links point, and the Node it
 * promises. Needs the bundles built (`npm run build`), as `npm test` does first.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { RULE_METAS } from '../../server/src/rules/registry';
import { HOMEPAGE, ruleDocUrl } from '../../server/src/core/rule-meta';
import { TSCONFIG, writeUnder } from '../support/cli-project';

const ROOT = path.join(__dirname, '..', '..');
const read = (f: string): string => fs.readFileSync(path.join(ROOT, f), 'utf8');
const pkg = JSON.parse(read('package.json'));

/** What runs (the CLI and the language server, bundled) and what documents it; nothing else. */
const SHIPPED = [
  /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^CHANGELOG\.md$/,
  /^dist\/(cli|server)\.js$/, /^docs\/rules\/[\w-]+\.md$/, /^schemas\/fearless\.schema\.json$/,
];

/** Relative link targets in a Markdown text (anchors and absolute URLs aside). */
function relativeLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)].map(m => m[1]).filter(target => !/^[a-z]+:/.test(target));
}

describe('the npm package', function () {
  let files: string[];

  before(function () {
    this.timeout(120_000);
    for (const bundle of ['cli.js', 'server.js']) {
      assert.ok(fs.existsSync(path.join(ROOT, 'dist', bundle)), `dist/${bundle} is missing: run \`npm run build\` first`);
    }
    // --ignore-scripts: the prepack build would replace the bundles the other tests run.
    const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    files = (JSON.parse(run.stdout)[0].files as { path: string }[]).map(f => f.path).sort();
  });

  it('ships only the bundles that run, the rule pages, the schema, README, LICENSE and CHANGELOG', () => {
    assert.deepEqual(files.filter(f => !SHIPPED.some(p => p.test(f))), [], 'files npm pack would ship besides those');
    const needed = [
      'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/cli.js', 'dist/server.js', 'schemas/fearless.schema.json',
      ...RULE_METAS.map(m => `docs/rules/${m.id}.md`),
    ];
    assert.deepEqual(needed.filter(f => !files.includes(f)), [], 'files the package needs but would not ship');
  });

  it('can be published: not private, a bin with a shebang, no dependencies', () => {
    assert.equal(pkg.private, undefined, '"private": true refuses to publish');
    assert.deepEqual(pkg.bin, { fearless: 'dist/cli.js' });
    assert.ok(read('server/src/cli/main.ts').startsWith('#!/usr/bin/env node\n'), 'the bin starts with a shebang');
    assert.deepEqual(pkg.dependencies ?? {}, {}, 'everything is bundled: installing it installs nothing else');
  });

  it('installs from its tarball with nothing else, and npx fearless checks a project', function () {
    this.timeout(120_000);
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-npx-')));
    try {
      const npm = (cwd: string, ...args: string[]) => {
        const run = spawnSync('npm', args, { cwd, encoding: 'utf8' });
        assert.equal(run.status, 0, `npm ${args.join(' ')}: ${run.stderr}`);
        return run.stdout;
      };
      npm(ROOT, 'pack', '--ignore-scripts', '--pack-destination', dir, '--silent');
      const project = path.join(dir, 'project');
      writeUnder(project, 'package.json', '{ "name": "uses-fearless", "private": true }\n');
      writeUnder(project, 'tsconfig.json', TSCONFIG);
      writeUnder(project, 'src/main.ts', 'export function bump(a: Int32Array<SharedArrayBuffer>) {\n  a[0]++;\n}\n');
      // --offline: the package has no dependency to fetch.
      npm(project, 'install', '--offline', '--no-audit', '--no-fund', path.join(dir, `fearless-${pkg.version}.tgz`));
      const check = spawnSync('npx', ['--offline', 'fearless', 'check', '--format', 'json'], { cwd: project, encoding: 'utf8' });
      assert.equal(check.status, 0, check.stderr);
      assert.deepEqual(JSON.parse(check.stdout).diagnostics.map((d: { rule: string }) => d.rule), ['unsynchronized-shared-write']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declares one project URL, which every rule link, SARIF helpUri and informationUri start with', () => {
    assert.match(pkg.homepage, /^https:\/\/github\.com\/[\w-]+\/[\w-]+$/);
    assert.deepEqual(pkg.repository, { type: 'git', url: `git+${pkg.homepage}.git` });
    assert.deepEqual(pkg.bugs, { url: `${pkg.homepage}/issues` });
    assert.equal(HOMEPAGE, pkg.homepage);
    for (const { id } of RULE_METAS) {
      assert.equal(ruleDocUrl(id), `${pkg.homepage}/blob/main/docs/rules/${id}.md`);
      assert.ok(files.includes(`docs/rules/${id}.md`), `the page ${ruleDocUrl(id)} links to is shipped`);
    }
    // Any other URL of the project in the code would be a second source that can drift.
    const sources = ['server/src', 'client/src'].flatMap(dir => fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter(f => f.endsWith('.ts')).map(f => path.join(dir, f)));
    assert.deepEqual(sources.filter(f => read(f).includes('github.com/fearless')), [], 'sources that spell the project URL out');
  });

  it('cites no file it does not ship: rule pages link to shipped pages, the README to files of the repository', () => {
    for (const page of files.filter(f => f.endsWith('.md') && f !== 'README.md' && f !== 'CHANGELOG.md')) {
      for (const target of relativeLinks(read(page))) {
        const file = path.posix.join(path.posix.dirname(page), target);
        assert.ok(files.includes(file), `${page} links to ${target}, which the package does not ship`);
      }
    }
    // npm's site and vsce (scripts/package.mjs) turn the README's relative links into links into the repository.
    for (const target of relativeLinks(read('README.md'))) {
      assert.ok(fs.existsSync(path.join(ROOT, target)), `README.md links to ${target}, which is not in the repository`);
    }
    for (const page of files.filter(f => f.endsWith('.md'))) {
      assert.doesNotMatch(read(page), /\b(RULES|ARCHITECTURE)\.md\b|\.\.\/shared\//, `${page} cites a design file the repository does not have`);
    }
  });

  it('promises one Node version in engines and the README, on which npm ci warns of no engine', () => {
    const floor = semver.minVersion(pkg.engines.node)!.version;
    const [major, minor] = floor.split('.');
    assert.match(read('README.md'), new RegExp(`Node ${major}\\.${minor} or later`));
    const lock = JSON.parse(read('package-lock.json'));
    const wanting = Object.entries(lock.packages as Record<string, { version?: string; engines?: { node?: string } }>)
      .filter(([name, p]) => name !== '' && typeof p.engines?.node === 'string' && !semver.satisfies(floor, p.engines.node))
      .map(([name, p]) => `${name}@${p.version} wants node ${p.engines!.node}`);
    assert.deepEqual(wanting, [], `packages that print EBADENGINE on Node ${floor}`);
  });
});

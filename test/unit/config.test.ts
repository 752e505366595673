import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closestName, configIn, formatConfigProblem, loadConfigFile, parseConfigText } from '../../server/src/config/config-file.js';
import { ConfigResolver } from '../../server/src/config/resolver.js';

const RULES = ['busy-wait', 'unsynchronized-shared-write', 'unjoined-worker'];

describe('config', () => {
  const EMPTY = { root: false, rules: {}, include: [], exclude: [], ignores: [], overrides: [] };

  describe('parseConfigText', () => {
    const parse = (text: string, fromPackageJsonKey = false) =>
      parseConfigText(text, '/p/fearless.json', RULES, fromPackageJsonKey);

    it('reads a full configuration, tolerating comments and trailing commas', () => {
      const { config, problems } = parse(`{
        // noisy in this code base
        "rules": { "busy-wait": "off", "unjoined-worker": "error", },
        "environment": "node",
        "include": ["src/**"],
        "exclude": ["src/vendor/**"],
      }`);
      assert.deepEqual(problems, []);
      assert.deepEqual(config, {
        ...EMPTY,
        rules: { 'busy-wait': 'off', 'unjoined-worker': 'error' },
        environment: 'node',
        include: ['src/**'],
        exclude: ['src/vendor/**'],
      });
    });

    it('reports broken JSON with its position and falls back to the defaults', () => {
      const { config, problems } = parse('{\n  "rules": { "busy-wait": "off" }\n  "environment": "web"\n}');
      assert.deepEqual(config, EMPTY);
      assert.deepEqual(problems, [{ file: '/p/fearless.json', message: 'JSON syntax error: Expected a comma', line: 3, column: 3, length: 13 }]);
    });

    it('counts positions after a byte-order mark and CRLF line breaks', () => {
      const { problems } = parse('\uFEFF{\r\n  "rulez": {}\r\n}');
      assert.equal(problems.length, 1);
      assert.equal(problems[0].line, 2);
      assert.equal(problems[0].column, 3);
    });

    it('reports an unknown key with the keys it expected', () => {
      const { problems } = parse('{ "rulez": {} }');
      assert.equal(
        problems[0].message,
        'Unknown key "rulez"; did you mean "rules"? (expected root, rules, environment, overrides, ignores, include, exclude)',
      );
    });

    it('allows a $schema key for editors', () => {
      assert.deepEqual(parse('{ "$schema": "./schema.json" }').problems, []);
    });

    it('suggests the nearest rule id for an unknown one and ignores the entry', () => {
      const { config, problems } = parse('{ "rules": { "busy-wiat": "off", "frobnicate": "off" } }');
      assert.deepEqual(config.rules, {});
      assert.deepEqual(
        problems.map((p) => p.message),
        ['Unknown rule "busy-wiat" in "rules"; did you mean "busy-wait"?', 'Unknown rule "frobnicate" in "rules"'],
      );
      assert.deepEqual([problems[0].line, problems[0].column], [1, 14]);
    });

    it('accepts unused-ignore although the engine does not list it', () => {
      const { config, problems } = parse('{ "rules": { "unused-ignore": "off" } }');
      assert.deepEqual(problems, []);
      assert.deepEqual(config.rules, { 'unused-ignore': 'off' });
    });

    it('rejects a bad severity, naming the rule and the value', () => {
      const { config, problems } = parse('{ "rules": { "busy-wait": "warn", "unjoined-worker": 2 } }');
      assert.deepEqual(config.rules, {});
      assert.deepEqual(
        problems.map((p) => p.message),
        [
          'Invalid severity "warn" for rule "busy-wait"; did you mean "warning"? (expected off, hint, info, warning, error)',
          'Invalid severity 2 for rule "unjoined-worker" (expected off, hint, info, warning, error)',
        ],
      );
    });

    it('rejects wrong shapes and keeps the rest', () => {
      const { config, problems } = parse(
        '{ "rules": [], "environment": "browser", "include": "src", "exclude": ["a", 1], "extra": 1 }',
      );
      assert.deepEqual(config, { ...EMPTY, exclude: ['a'] });
      assert.deepEqual(
        problems.map((p) => p.message),
        [
          '"rules" must be an object mapping rule ids to severities, got an array',
          'Invalid "environment" "browser" (expected node, web, auto)',
          '"include" must be an array of glob patterns, got "src"',
          '"exclude"[1] must be a glob pattern string, got 1',
          'Unknown key "extra" (expected root, rules, environment, overrides, ignores, include, exclude)',
        ],
      );
    });

    it('requires an object at the top', () => {
      const { problems } = parse('[]');
      assert.equal(problems[0].message, 'The configuration must be an object, got an array');
    });

    it('reads the "fearless" key of a package.json', () => {
      const { config, problems } = parse('{ "name": "x", "fearless": { "environment": "web" } }', true);
      assert.deepEqual(problems, []);
      assert.equal(config.environment, 'web');
      assert.equal(parse('{ "name": "x" }', true).problems[0].message, 'package.json has no "fearless" key');
    });

    it('reads root, ignores and overrides', () => {
      const { config, problems } = parse(`{
        "root": true,
        "ignores": ["dist/**"],
        "overrides": [{ "files": ["**/*.test.ts"], "rules": { "busy-wait": "off" }, "environment": "node" }]
      }`);
      assert.deepEqual(problems, []);
      assert.deepEqual(config, {
        ...EMPTY, root: true, ignores: ['dist/**'],
        overrides: [{ files: ['**/*.test.ts'], rules: { 'busy-wait': 'off' }, environment: 'node' }],
      });
    });

    it('names the override a mistake is in, and leaves out an override without files', () => {
      const { config, problems } = parse(`{
        "root": "yes",
        "overrides": [
          { "files": ["a/**"], "rules": { "busy-wiat": "off" }, "enviroment": "web" },
          { "rules": { "busy-wait": "off" } },
          { "files": [], "environment": "moon" },
          3
        ]
      }`);
      assert.deepEqual(config.overrides, [{ files: ['a/**'], rules: {} }]);
      assert.deepEqual(problems.map(p => p.message), [
        '"root" must be true or false, got "yes"',
        'Unknown rule "busy-wiat" in "overrides"[0]."rules"; did you mean "busy-wait"?',
        'Unknown key "enviroment"; did you mean "environment"? (expected files, rules, environment)',
        '"overrides"[1] has no "files": the glob patterns it applies to',
        'Invalid "overrides"[2]."environment" "moon" (expected node, web, auto)',
        '"overrides"[2]."files" is empty: it would match nothing',
        '"overrides"[3] must be an object with "files" and "rules" or "environment", got 3',
      ]);
    });
  });

  describe('files on disk', () => {
    let root: string;
    beforeEach(() => {
      root = realpathSync(mkdtempSync(path.join(tmpdir(), 'fearless-config-')));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const write = (relative: string, content: unknown) => {
      const file = path.join(root, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      return file;
    };

    it('finds a directory\'s fearless.json before its package.json, and passes a package.json without the key', () => {
      const file = write('fearless.json', { environment: 'web' });
      write('package.json', { fearless: { environment: 'node' } });
      assert.equal(configIn(root, RULES)?.file, file);
      write('pkg/package.json', { name: 'pkg' });
      assert.equal(configIn(path.join(root, 'pkg'), RULES), undefined);
      const keyed = write('keyed/package.json', { fearless: { rules: { 'busy-wait': 'error' } } });
      assert.deepEqual(configIn(path.join(root, 'keyed'), RULES)?.config.rules, { 'busy-wait': 'error' });
      assert.equal(configIn(path.join(root, 'keyed'), RULES)?.file, keyed);
    });

    it('reports a missing explicit file', () => {
      const file = path.join(root, 'nope.json');
      assert.deepEqual(loadConfigFile(file, RULES).problems, [{ file, message: `Cannot read config file ${file}: no such file` }]);
    });

    it('reports problems against the file they are in', () => {
      const file = write('fearless.json', '{\n  "environment": "moon"\n}');
      const { problems } = configIn(root, RULES)!;
      assert.deepEqual(problems, [{ file, message: 'Invalid "environment" "moon" (expected node, web, auto)', line: 2, column: 18, length: 6 }]);
      assert.equal(formatConfigProblem(problems[0], root), 'fearless.json:2:18: Invalid "environment" "moon" (expected node, web, auto)');
    });

    it('lays nearer files over farther ones, up to the first with root: true', () => {
      write('fearless.json', { rules: { 'busy-wait': 'error' }, environment: 'web' });
      write('repo/fearless.json', { root: true, rules: { 'unjoined-worker': 'hint' } });
      write('repo/pkg/package.json', { fearless: { rules: { 'busy-wait': 'off' }, environment: 'node' } });
      const resolver = new ConfigResolver(RULES);
      const deep = resolver.resolve(path.join(root, 'repo/pkg/src/a.ts'));
      assert.deepEqual(deep.config, { rules: { 'unjoined-worker': 'hint', 'busy-wait': 'off' }, environment: 'node' });
      assert.deepEqual(deep.files, [path.join(root, 'repo/fearless.json'), path.join(root, 'repo/pkg/package.json')]);
      assert.deepEqual(resolver.resolve(path.join(root, 'a.ts')).config, { rules: { 'busy-wait': 'error' }, environment: 'web' });
    });

    it('applies overrides in order over their file, each glob relative to that file', () => {
      write('fearless.json', {
        rules: { 'busy-wait': 'warning' },
        overrides: [
          { files: ['src/**/*.test.ts'], rules: { 'busy-wait': 'off' } },
          { files: ['src/slow/**'], rules: { 'busy-wait': 'error' } },
        ],
      });
      const resolver = new ConfigResolver(RULES);
      const severity = (rel: string) => resolver.resolve(path.join(root, rel)).config.rules['busy-wait'];
      assert.equal(severity('src/a.ts'), 'warning');
      assert.equal(severity('src/a.test.ts'), 'off');
      assert.equal(severity('src/slow/a.test.ts'), 'error');
      assert.equal(severity('test/src/a.test.ts'), 'warning');
    });

    it('keeps a file out of walks by include, exclude and ignores; only ignores mark it ignored', () => {
      write('fearless.json', { include: ['src/**'], exclude: ['src/vendor/**'], ignores: ['src/gen/**'] });
      const resolver = new ConfigResolver(RULES);
      const at = (rel: string) => resolver.resolve(path.join(root, rel));
      assert.deepEqual([at('src/a.ts').included, at('src/a.ts').ignored], [true, false]);
      assert.deepEqual([at('lib/a.ts').included, at('src/vendor/a.ts').included], [false, false]);
      assert.deepEqual([at('src/gen/a.ts').ignored, resolver.selects(path.join(root, 'src/gen/a.ts'))], [true, false]);
    });

    it('uses an explicit file alone, its globs relative to it, and lays it over a base', () => {
      write('fearless.json', { rules: { 'busy-wait': 'error' } });
      const explicit = write('conf/strict.json', { overrides: [{ files: ['../src/**'], rules: { 'unjoined-worker': 'off' } }] });
      const resolver = new ConfigResolver(RULES, { explicitFile: explicit });
      const resolved = resolver.resolve(path.join(root, 'src/a.ts'), { rules: { 'busy-wait': 'hint' }, environment: 'web' });
      assert.deepEqual(resolved.config, { rules: { 'busy-wait': 'hint', 'unjoined-worker': 'off' }, environment: 'web' });
      assert.deepEqual(resolved.files, [explicit]);
    });

    it('reads each file once, tells of it, and collects its problems', () => {
      write('fearless.json', '{ "rules": { "busy-wiat": "off" } }');
      const told: string[] = [];
      const resolver = new ConfigResolver(RULES, { onRead: loaded => told.push(loaded.file) });
      resolver.resolve(path.join(root, 'a/b.ts'));
      resolver.resolve(path.join(root, 'c.ts'));
      assert.deepEqual(told, [path.join(root, 'fearless.json')]);
      assert.deepEqual(resolver.problems.map(p => p.message), ['Unknown rule "busy-wiat" in "rules"; did you mean "busy-wait"?']);
      assert.ok(resolver.hasRead(path.join(root, 'fearless.json')));
    });
  });

  it('suggests only near names', () => {
    assert.equal(closestName('busywait', RULES), 'busy-wait');
    assert.equal(closestName('x', ['off']), undefined);
    assert.equal(closestName('unrelated-thing', RULES), undefined);
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DEFAULT_CONFIG,
  closestName,
  configBaseDir,
  formatConfigProblem,
  loadConfig,
  mergeConfig,
  parseConfigText,
} from '../../server/src/config.js';

const RULES = ['busy-wait', 'unsynchronized-shared-write', 'unjoined-worker'];

describe('config', () => {
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
        rules: { 'busy-wait': 'off', 'unjoined-worker': 'error' },
        environment: 'node',
        include: ['src/**'],
        exclude: ['src/vendor/**'],
      });
    });

    it('reports broken JSON with its position and falls back to the defaults', () => {
      const { config, problems } = parse('{\n  "rules": { "busy-wait": "off" }\n  "environment": "web"\n}');
      assert.deepEqual(config, DEFAULT_CONFIG);
      assert.deepEqual(problems, [{ file: '/p/fearless.json', message: 'JSON syntax error: Expected a comma', line: 3, column: 3 }]);
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
        'Unknown key "rulez"; did you mean "rules"? (expected rules, environment, include, exclude)',
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
      assert.deepEqual(config, { ...DEFAULT_CONFIG, exclude: ['a'] });
      assert.deepEqual(
        problems.map((p) => p.message),
        [
          '"rules" must be an object mapping rule ids to severities, got an array',
          'Invalid "environment" "browser" (expected node, web, auto)',
          '"include" must be an array of glob patterns, got "src"',
          '"exclude"[1] must be a glob pattern string, got 1',
          'Unknown key "extra" (expected rules, environment, include, exclude)',
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
  });

  describe('loadConfig', () => {
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

    it('looks upward, past a package.json without the key', () => {
      const file = write('fearless.json', { environment: 'node' });
      write('pkg/package.json', { name: 'pkg' });
      mkdirSync(path.join(root, 'pkg/src/deep'), { recursive: true });
      const loaded = loadConfig(path.join(root, 'pkg/src/deep'), RULES);
      assert.equal(loaded.file, file);
      assert.equal(loaded.config.environment, 'node');
      assert.equal(configBaseDir(loaded, path.join(root, 'pkg/src/deep')), root);
    });

    it('uses the "fearless" key of the nearest package.json', () => {
      write('fearless.json', { environment: 'node' });
      const file = write('pkg/package.json', { name: 'pkg', fearless: { rules: { 'busy-wait': 'error' } } });
      const loaded = loadConfig(path.join(root, 'pkg'), RULES);
      assert.equal(loaded.file, file);
      assert.deepEqual(loaded.config.rules, { 'busy-wait': 'error' });
    });

    it('prefers fearless.json over package.json in the same directory', () => {
      const file = write('fearless.json', { environment: 'web' });
      write('package.json', { fearless: { environment: 'node' } });
      const loaded = loadConfig(root, RULES);
      assert.equal(loaded.file, file);
      assert.equal(loaded.config.environment, 'web');
    });

    it('reads an explicit file, relative to the start directory, in either shape', () => {
      write('conf/strict.json', { rules: { 'busy-wait': 'error' } });
      write('conf/package.json', { fearless: { environment: 'web' } });
      write('fearless.json', { environment: 'node' });
      const explicit = loadConfig(root, RULES, 'conf/strict.json');
      assert.equal(explicit.file, path.join(root, 'conf/strict.json'));
      assert.deepEqual(explicit.config.rules, { 'busy-wait': 'error' });
      assert.equal(explicit.config.environment, 'auto');
      assert.equal(loadConfig(root, RULES, 'conf/package.json').config.environment, 'web');
    });

    it('reports a missing explicit file and uses the defaults', () => {
      const loaded = loadConfig(root, RULES, 'nope.json');
      const file = path.join(root, 'nope.json');
      assert.deepEqual(loaded.config, DEFAULT_CONFIG);
      assert.deepEqual(loaded.problems, [{ file, message: `Cannot read config file ${file}: no such file` }]);
    });

    it('reports problems against the file they are in', () => {
      const file = write('fearless.json', '{\n  "environment": "moon"\n}');
      const loaded = loadConfig(root, RULES);
      assert.deepEqual(loaded.problems, [{ file, message: 'Invalid "environment" "moon" (expected node, web, auto)', line: 2, column: 18 }]);
      assert.equal(formatConfigProblem(loaded.problems[0], root), 'fearless.json:2:18: Invalid "environment" "moon" (expected node, web, auto)');
    });

    it('never hands out DEFAULT_CONFIG itself', () => {
      write('fearless.json', '{}');
      const loaded = loadConfig(root, RULES);
      loaded.config.rules['busy-wait'] = 'off';
      loaded.config.include.push('x');
      assert.deepEqual(DEFAULT_CONFIG, { rules: {}, environment: 'auto', include: [], exclude: [] });
    });
  });

  it('takes globs relative to the start directory when no file was found', () => {
    assert.equal(configBaseDir({ config: DEFAULT_CONFIG, problems: [] }, '/work/app'), path.resolve('/work/app'));
  });

  it('merges per rule id, later wins', () => {
    const settings = mergeConfig(DEFAULT_CONFIG, { rules: { 'busy-wait': 'off', 'unjoined-worker': 'hint' }, include: ['a'] });
    const merged = mergeConfig(settings, { rules: { 'busy-wait': 'error' }, environment: 'web' });
    assert.deepEqual(merged, {
      rules: { 'busy-wait': 'error', 'unjoined-worker': 'hint' },
      environment: 'web',
      include: ['a'],
      exclude: [],
    });
  });

  it('suggests only near names', () => {
    assert.equal(closestName('busywait', RULES), 'busy-wait');
    assert.equal(closestName('x', ['off']), undefined);
    assert.equal(closestName('unrelated-thing', RULES), undefined);
  });
});

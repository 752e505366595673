/**
 * The project configuration in the language server: a wrong fearless.json, or a wrong "fearless"
 * key in package.json, is shown as diagnostics on that file (as typed, when it is open), and the
 * rest of the configuration still applies; each file gets the configuration above it, overrides
 * and ignores included.
 */
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient } from './support/lsp-client';

const BUGGY = `export function bump(counts: Int32Array<SharedArrayBuffer>): void {
  counts[0]++;
}
`;
const RULE = 'unsynchronized-shared-write';

/** What a client shows of a diagnostic: where (0-based line:character-line:character) and what. */
const shown = (d: Diagnostic): string =>
  `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.severity} ${d.message}`;

describe('language server: the project configuration', () => {
  describe('mistakes as diagnostics on the configuration file', () => {
    let client: TestClient;
    before(async () => {
      client = await TestClient.start({
        files: {
          'fearless.json': `{\n  "rules": {\n    "${RULE}": "error",\n    "busy-wiat": "off",\n    "busy-wait": "warn"\n  }\n}\n`,
          'pkg/package.json': '{\n  "name": "pkg",\n  "fearless": { "enviroment": "node" }\n}\n',
          'pkg/a.ts': BUGGY,
          'other/package.json': '{ "name": "other", "broken": [ }',
          'a.ts': BUGGY,
        },
      });
    });
    after(() => client.stop());

    it('publishes each mistake at its place, and analyses with the rest', async () => {
      const diagnostics = await client.waitFor('fearless.json diagnostics', () => client.latest('fearless.json')?.diagnostics);
      assert.deepEqual(diagnostics.map(shown), [
        '3:4-3:15 1 Unknown rule "busy-wiat" in "rules"; did you mean "busy-wait"?',
        '4:17-4:23 1 Invalid severity "warn" for rule "busy-wait"; did you mean "warning"? (expected off, hint, info, warning, error)',
      ]);
      assert.ok(diagnostics.every(d => d.source === 'fearless'));
      await client.open('a.ts');
      assert.deepEqual((await client.diagnostics('a.ts', 1)).map(d => d.severity), [1], 'its valid rules apply');
    });

    it('judges the "fearless" key of a package.json a file is analysed under, and no package.json without one', async () => {
      await client.open('pkg/a.ts');
      assert.deepEqual((await client.diagnostics('pkg/a.ts', 1)).map(d => d.severity), [1], 'the root fearless.json still applies');
      const diagnostics = await client.waitFor('package.json diagnostics', () => client.latest('pkg/package.json')?.diagnostics);
      assert.deepEqual(diagnostics.map(shown),
        ['2:16-2:28 1 Unknown key "enviroment"; did you mean "environment"? (expected root, rules, environment, overrides, ignores, include, exclude)']);
      await client.open('other/package.json');
      await client.change('other/package.json', '{ "name": "other", "broken": [ }  ');
      await new Promise(resolve => setTimeout(resolve, 300));
      assert.equal(client.latest('other/package.json'), undefined, 'not ours to judge');
    });

    it('validates an open fearless.json as it is typed, and the disk\'s text once it is closed', async () => {
      await client.open('fearless.json');
      await client.change('fearless.json', '{\n  "rules": {}\n  "root": true\n}\n');
      const typed = await client.waitFor('the typed text judged', () => {
        const latest = client.latest('fearless.json')?.diagnostics;
        return latest?.some(d => shown(d).includes('JSON syntax error')) ? latest : undefined;
      });
      assert.deepEqual(typed.map(shown), ['2:2-2:8 1 JSON syntax error: Expected a comma']);
      await client.change('fearless.json', '{\n  "rules": {},\n  "root": true\n}\n');
      await client.waitFor('cleared as it is typed right', () => client.latest('fearless.json')?.diagnostics.length === 0 || undefined);
      await client.close('fearless.json');
      await client.waitFor('the disk\'s mistakes again', () => (client.latest('fearless.json')?.diagnostics.length ?? 0) === 2 || undefined);
    });

    it('clears the diagnostics once the file is mended on disk', async () => {
      client.write('pkg/package.json', '{\n  "name": "pkg",\n  "fearless": { "environment": "node" }\n}\n');
      client.write('fearless.json', `{ "rules": { "${RULE}": "hint" } }\n`);
      await client.notify('workspace/didChangeWatchedFiles', {
        changes: [{ uri: client.uri('fearless.json'), type: 2 }, { uri: client.uri('pkg/package.json'), type: 2 }],
      });
      await client.waitFor('fearless.json cleared', () => client.latest('fearless.json')?.diagnostics.length === 0 || undefined);
      await client.waitFor('package.json cleared', () => client.latest('pkg/package.json')?.diagnostics.length === 0 || undefined);
      await client.waitFor('a.ts under the mended file', () => client.latest('a.ts')?.diagnostics[0]?.severity === 4 || undefined);
    });
  });

  describe('per file', () => {
    let client: TestClient;
    before(async () => {
      client = await TestClient.start({
        files: {
          'fearless.json': JSON.stringify({
            rules: { [RULE]: 'error' },
            ignores: ['gen/**'],
            overrides: [{ files: ['**/*.test.ts'], rules: { [RULE]: 'info' } }],
          }),
          'sub/fearless.json': JSON.stringify({ root: true, rules: { [RULE]: 'hint' } }),
          'a.ts': BUGGY,
          'a.test.ts': BUGGY,
          'sub/b.ts': BUGGY,
          'gen/c.ts': BUGGY,
        },
      });
    });
    after(() => client.stop());

    it('uses the configuration above each file, its overrides, and analyses nothing "ignores" match', async () => {
      for (const rel of ['a.ts', 'a.test.ts', 'sub/b.ts', 'gen/c.ts']) await client.open(rel);
      assert.deepEqual((await client.diagnostics('a.ts', 1)).map(d => d.severity), [1]);
      assert.deepEqual((await client.diagnostics('a.test.ts', 1)).map(d => d.severity), [3]);
      assert.deepEqual((await client.diagnostics('sub/b.ts', 1)).map(d => d.severity), [4]);
      assert.deepEqual(await client.diagnostics('gen/c.ts', 1), []);
    });
  });
});

/** schemas/fearless.schema.json (what editors complete and check fearless.json with) agrees with the parser in config.ts. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parseConfigText } from '../../server/src/config/config-file';
import { RULE_METAS } from '../../server/src/rules/registry';

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schemas', 'fearless.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);
const RULE_IDS = RULE_METAS.map(m => m.id);

const parserProblems = (value: unknown): string[] =>
  parseConfigText(JSON.stringify(value), '/p/fearless.json', RULE_IDS, false).problems.map(p => p.message);

describe('the fearless.json schema', () => {
  it('accepts what the parser accepts: every key, and the file fearless init writes', () => {
    const full = {
      $schema: './node_modules/fearless/schemas/fearless.schema.json',
      root: true,
      rules: { 'busy-wait': 'error', 'unused-ignore': 'off' },
      environment: 'node',
      overrides: [{ files: ['**/*.test.ts'], rules: { 'busy-wait': 'off' }, environment: 'web' }],
      ignores: ['dist/**'],
      include: ['src/**'],
      exclude: ['src/vendor/**'],
    };
    const starter = { $schema: full.$schema, root: true, rules: {}, ignores: [] };
    for (const config of [full, starter]) {
      assert.deepEqual(parserProblems(config), []);
      assert.ok(validate(config), JSON.stringify(validate.errors));
    }
  });

  it('rejects what the parser rejects', () => {
    const wrong: unknown[] = [
      { rulez: {} },
      { root: 'yes' },
      { rules: { 'busy-wait': 'warn' } },
      { rules: { 'busy-wiat': 'off' } },
      { overrides: [{ rules: { 'busy-wait': 'off' } }] },
      { overrides: [{ files: ['a/**'], enviroment: 'web' }] },
      { ignores: 'dist' },
    ];
    for (const config of wrong) {
      assert.notDeepEqual(parserProblems(config), [], JSON.stringify(config));
      assert.equal(validate(config), false, JSON.stringify(config));
    }
  });
});

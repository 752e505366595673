/** The extension manifest and the files it points at agree with the rule registry. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SEVERITIES } from '../../server/src/core/finding';
import { RULE_METAS } from '../../server/src/rules/registry';

const ROOT = path.join(__dirname, '..', '..');
const read = (f: string): string => fs.readFileSync(path.join(ROOT, f), 'utf8');

describe('manifest and rule registry', () => {
  const configurable = RULE_METAS.filter(m => !['parse-error', 'read-error', 'internal-error'].includes(m.id)).map(m => m.id).sort();

  it('the fearless.json schema names exactly the configurable rules', () => {
    const schema = JSON.parse(read('schemas/fearless.schema.json'));
    assert.deepEqual([...schema.properties.rules.propertyNames.enum].sort(), configurable);
  });

  it('the fearless.rules setting lists every configurable rule, with its severities and description', () => {
    const setting = JSON.parse(read('package.json')).contributes.configuration.properties['fearless.rules'];
    const expected = Object.fromEntries(RULE_METAS.filter(m => configurable.includes(m.id)).map(m => [m.id, {
      type: 'string', enum: ['off', ...SEVERITIES], description: m.description,
    }]));
    assert.deepEqual(setting.properties, expected, 'package.json contributes.configuration "fearless.rules".properties');
    assert.equal(setting.additionalProperties, false, 'a misspelt rule id is flagged in settings.json');
  });

  it('every rule has a doc page and a row in the README table', () => {
    const readme = read('README.md');
    for (const id of configurable) {
      assert.ok(fs.existsSync(path.join(ROOT, 'docs', 'rules', `${id}.md`)), `docs/rules/${id}.md`);
      assert.match(readme, new RegExp(`\\[\`${id}\`\\]\\(docs/rules/${id}\\.md\\)`), `README row for ${id}`);
    }
  });

  it('every file the manifest contributes exists', () => {
    const pkg = JSON.parse(read('package.json'));
    for (const g of pkg.contributes.grammars) JSON.parse(read(g.path));
    for (const v of pkg.contributes.jsonValidation) JSON.parse(read(v.url));
  });

  it('doc pages link only to pages that exist', () => {
    for (const page of fs.readdirSync(path.join(ROOT, 'docs', 'rules'))) {
      for (const m of read(`docs/rules/${page}`).matchAll(/\]\(\.\/([\w-]+\.md)\)/g)) {
        assert.ok(fs.existsSync(path.join(ROOT, 'docs', 'rules', m[1])), `${page} links to missing ${m[1]}`);
      }
    }
  });
});

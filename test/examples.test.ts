/** `examples/` is what a new user sees first: its findings are exactly its `//~` expectations. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkPaths } from '../server/src/engine/check';
import { compareFindings } from './support/expectations';
import { RULE_SET } from '../server/src/rules/registry';

const ROOT = path.join(__dirname, '..');

describe('examples/', () => {
  it('reports exactly the planted bugs', () => {
    const result = checkPaths(['examples'], { rules: RULE_SET, cwd: ROOT });
    assert.deepEqual(result.usageErrors, []);
    assert.deepEqual(result.internalErrors, []);
    assert.ok(result.files.length >= 4, `only ${result.files.length} files checked`);
    const problems = result.files.flatMap(file => compareFindings(
      path.relative(ROOT, file), result.texts.get(file) ?? '', result.findings.filter(f => f.span.file === file)));
    assert.deepEqual(problems, []);
  });
});

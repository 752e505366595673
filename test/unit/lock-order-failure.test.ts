/** A failure in one file's lock orders costs that file's orders only: the check goes on and says so. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkPaths } from '../../server/src/engine/check';
import { HeldLocks } from '../../server/src/analysis/locks/held';
import { RULE_SET } from '../../server/src/rules/registry';

const ROOT = path.join(__dirname, '..', '..');

describe('lock order failures', () => {
  it('are reported as internal errors, and every file is still judged', () => {
    const original = HeldLocks.prototype.functionsWithLocks;
    let failed = false;
    // The lock-order pass runs first; its first call fails once, as a bug in it would.
    HeldLocks.prototype.functionsWithLocks = function (this: HeldLocks, ...args) {
      if (!failed) {
        failed = true;
        throw new Error('planted failure');
      }
      return original.apply(this, args);
    };
    try {
      const result = checkPaths(['examples/wordfreq/src'], { rules: RULE_SET, cwd: ROOT });
      assert.equal(result.internalErrors.length, 1);
      assert.match(result.internalErrors[0], /^lock order of .*: Error: planted failure/);
      assert.ok(result.findings.some(f => f.rule === 'lock-not-released'), 'the lock rules still ran');
    } finally {
      HeldLocks.prototype.functionsWithLocks = original;
    }
  });
});

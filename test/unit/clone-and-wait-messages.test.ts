/**
 * What the fixtures' `//~` marks cannot say: the severity a Send finding gets when an optional part may
 * leave the problem out, and how a wait's cell reads in its message.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze-file';
import { Workspace } from '../../server/src/analysis/program/workspace';
import { DEFAULT_CONFIG } from '../../server/src/config/config-file';
import type { Finding } from '../../server/src/core/finding';
import { RULE_SET } from '../../server/src/rules/registry';

const SOURCES = {
  send: `import { Worker } from 'node:worker_threads';
export function send(w: Worker, done: () => void, job: { id: number; onProgress?: () => void }): void {
  w.postMessage({ done });
  w.postMessage(job);
}
`,
  wait: `import { parentPort } from 'node:worker_threads';
parentPort!.once('message', (buffers: Int32Array<SharedArrayBuffer>[]) => {
  Atomics.wait(buffers[0] as any, 0, 1);
});
`,
};

const analysed = new Map<keyof typeof SOURCES, Finding[]>();

function findings(source: keyof typeof SOURCES, rule: string): Finding[] {
  return analysed.get(source)!.filter(f => f.rule === rule);
}

describe('clone and wait findings, as reported', () => {
  // Under test/, with the fixtures' compiler options (Node's types), in one workspace.
  before(() => {
    const dir = fs.mkdtempSync(path.join(__dirname, '..', '.messages-'));
    try {
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{ "extends": "../support/tsconfig.fixtures-node.json" }');
      const workspace = new Workspace();
      const files = Object.keys(SOURCES).map(name => {
        const file = path.join(dir, `${name}.ts`);
        fs.writeFileSync(file, SOURCES[name as keyof typeof SOURCES]);
        workspace.add(file);
        return [name as keyof typeof SOURCES, file] as const;
      });
      for (const [name, file] of files) {
        const parsed = workspace.get(file)!;
        const result = analyzeFile(parsed.sourceFile, parsed.program, RULE_SET, DEFAULT_CONFIG);
        assert.deepEqual(result.errors, []);
        analysed.set(name, result.findings);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('Send findings on optional parts', () => {
    it('a function there whatever the value is an error; one in an optional slot is a warning, said to be so', () => {
      const found = findings('send', 'send-non-cloneable');
      assert.deepEqual(found.map(f => f.severity), ['error', 'warning']);
      assert.match(found[0].message, /^message\.done is a function:/);
      assert.match(found[1].message, /^job\.onProgress, when set, is a function:/);
    });
  });

  describe('wait-outside-loop message', () => {
    it('names the cell without the cast the code wrote', () => {
      const [found] = findings('wait', 'wait-outside-loop');
      assert.ok(found, 'the wait is flagged');
      assert.match(found.message, /'buffers\[0\]\[0\]'/);
    });
  });
});

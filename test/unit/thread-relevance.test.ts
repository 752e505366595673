/** The pre-filter that spares ordinary files the rules: it may let through too much, never too little. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Project } from '../../server/src/analysis/project';
import { mayTouchThreads } from '../../server/src/analysis/threads/thread-relevance';

const FILES: Record<string, string> = {
  'types.ts': 'export interface Input { counts: Int32Array<SharedArrayBuffer>; label: string }\n',
  // Reaches shared memory only through a name declared elsewhere: `counts`.
  'alias.ts': "import type { Input } from './types.js';\nexport function bump(input: Input): void { input.counts[0]++; }\n",
  // Through a helper whose body makes a worker, two modules away.
  'factory.ts': "import { Worker } from 'node:worker_threads';\nexport function makeWorker(): Worker { return new Worker('./w.js'); }\n",
  'wrapper.ts': "import { makeWorker } from './factory.js';\nexport const start = () => makeWorker();\n",
  'user.ts': "import { start } from './wrapper.js';\nexport function run(): void { start(); }\n",
  // A local `total` in a thread module is nobody else's `total`; `label` is a member that names no thread API.
  'worker.ts': "export function sum(a: Int32Array<SharedArrayBuffer>): number { const total = Atomics.load(a, 0); return total; }\n",
  'plain.ts': "interface Row { label: string }\nexport function tally(xs: number[], row: Row): string { let total = 0; for (const x of xs) total += x; const b = new Uint8Array(4); b[0] = total; return row.label; }\n",
  'ignored.ts': '// fearless-ignore-next-line busy-wait -- reason\nexport const x = 1;\n',
};

describe('thread relevance (the rules\' pre-filter)', () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-relevance-')));
  const project = new Project();
  const { workspace } = project;
  before(() => {
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', target: 'es2024', types: [] } }));
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
    for (const name of Object.keys(FILES)) workspace.add(path.join(dir, name));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const touches = (name: string): boolean => {
    const { sourceFile, program } = workspace.get(path.join(dir, name))!;
    return mayTouchThreads(sourceFile, program, project.context);
  };

  it('lets through files that reach thread APIs through names declared elsewhere', () => {
    for (const name of ['alias.ts', 'factory.ts', 'wrapper.ts', 'user.ts', 'worker.ts', 'ignored.ts']) assert.ok(touches(name), name);
  });

  it('spares a file that only uses unshared memory and unrelated names', () => {
    assert.equal(touches('plain.ts'), false);
  });
});

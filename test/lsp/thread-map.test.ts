/**
 * `fearless/threadMap` over JSON-RPC: the map of the workspace as the editor holds it (unsaved
 * edits included), and `fearless/threadMapChanged` once something it is drawn from changes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { ThreadMap } from '../../server/src/views/thread-map';
import { TestClient } from './support/lsp-client';

const FIXTURE = path.join(__dirname, '..', 'fixtures-graph');
const read = (name: string): string => fs.readFileSync(path.join(FIXTURE, name), 'utf8');
const CHANGED = 'fearless/threadMapChanged';

describe('fearless/threadMap', () => {
  let client: TestClient;
  const file = (rel: string): string => path.join(client.dir, rel);
  const threadMap = (params: unknown = null): Promise<ThreadMap> => client.request<ThreadMap>('fearless/threadMap', params);
  /** Resolves at the next change notification after this call. */
  const nextChange = (): Promise<unknown> => {
    const since = client.notifications.length;
    return client.waitFor(CHANGED, () => client.notifications.slice(since).find(n => n.method === CHANGED));
  };

  before(async () => {
    client = await TestClient.start({
      files: { 'app/main.ts': read('main.ts'), 'app/worker.ts': read('worker.ts'), 'app/tsconfig.json': read('tsconfig.json') },
    });
  });

  after(() => client.stop());

  it('answers with the map of every source file of the workspace', async () => {
    assert.deepEqual(await threadMap(), {
      version: 1,
      modules: [
        { id: 'app/main.ts', file: file('app/main.ts'), role: 'main' },
        { id: 'app/worker.ts', file: file('app/worker.ts'), role: 'worker' },
      ],
      spawns: [{ from: 'app/main.ts', to: 'app/worker.ts', line: 6, sends: ['counts', 'label'], join: 'joined' }],
      buffers: [{
        id: 'app/main.ts:4', module: 'app/main.ts', line: 4, name: 'counts',
        users: [{ module: 'app/main.ts', touches: ['atomic'] }, { module: 'app/worker.ts', touches: ['atomic', 'plain write'] }],
      }],
    });
  });

  it('maps one folder when asked, and refuses a folder it does not have', async () => {
    assert.deepEqual((await threadMap({ folderUri: client.uri('') })).modules.map(m => m.id), ['app/main.ts', 'app/worker.ts']);
    await assert.rejects(threadMap({ folderUri: client.uri('elsewhere') }), /not a workspace folder/);
  });

  it('follows unsaved edits, and says when the map may have changed', async () => {
    await client.open('app/worker.ts');
    const changed = nextChange();
    // The plain write made atomic: the worker now only touches the buffer through Atomics.
    await client.change('app/worker.ts', read('worker.ts').replace('totals[1] = 2;', 'Atomics.store(totals, 1, 2);'));
    await changed;
    const worker = (await threadMap()).buffers[0].users.find(u => u.module === 'app/worker.ts');
    assert.deepEqual(worker?.touches, ['atomic']);

    const reverted = nextChange();
    await client.close('app/worker.ts');
    await reverted;
    assert.deepEqual((await threadMap()).buffers[0].users.find(u => u.module === 'app/worker.ts')?.touches, ['atomic', 'plain write']);
  });

  it('follows files changed on disk', async () => {
    const changed = nextChange();
    client.write('app/second.ts', read('main.ts'));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('app/second.ts'), type: 1 }] });
    await changed;
    const map = await threadMap();
    assert.deepEqual(map.spawns.map(s => `${s.from} -> ${s.to}`), ['app/main.ts -> app/worker.ts', 'app/second.ts -> app/worker.ts']);
  });
});

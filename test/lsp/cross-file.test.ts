/**
 * What crosses files in the server: a module's thread comes from who spawns it, so editing the
 * spawner re-judges the worker; hover and code lens tell the thread facts of spawn sites, shared
 * memory and worker modules.
 */
import assert from 'node:assert/strict';
import type { CodeLens, Hover } from 'vscode-languageserver-protocol';
import { TestClient } from './support/lsp-client';

// A stage that spawns a worker of its own and blocks at its top level: judged as a main thread on its own
// (blocking-wait-on-main-thread), as a worker once main.ts spawns it.
const STAGE = `import path from 'node:path';
import { Worker } from 'node:worker_threads';

const state = new Int32Array(new SharedArrayBuffer(4));
const leaf = new Worker(path.join(__dirname, 'leaf.js'), { workerData: { state } });
leaf.on('error', (err) => console.error(err));
Atomics.wait(state, 0, 0);
`;
const LEAF = `import { workerData } from 'node:worker_threads';

const state = workerData.state as Int32Array<SharedArrayBuffer>;
Atomics.store(state, 0, 1);
Atomics.notify(state, 0);
`;
const MAIN_ALONE = `export function start(): void {
  console.log('nothing spawned yet');
}
`;
const MAIN_SPAWNING = `import path from 'node:path';
import { Worker } from 'node:worker_threads';

export function start(): Worker {
  const stage = new Worker(path.join(__dirname, 'stage.js'));
  stage.on('error', (err) => console.error(err));
  return stage;
}
`;

describe('language server across files', () => {
  let client: TestClient;

  before(async () => {
    client = await TestClient.start({ files: { 'stage.ts': STAGE, 'leaf.ts': LEAF, 'main.ts': MAIN_ALONE } });
  });

  after(() => client.stop());

  it('judges a worker again when the file that spawns it changes', async () => {
    await client.open('main.ts');
    await client.open('stage.ts');
    await client.diagnostics('main.ts', 1);
    const alone = await client.waitFor('stage.ts judged as a main thread', () => {
      const p = client.latest('stage.ts');
      return p?.diagnostics.some(d => d.code === 'blocking-wait-on-main-thread') ? p : undefined;
    });
    assert.equal(alone.diagnostics.find(d => d.code === 'blocking-wait-on-main-thread')!.range.start.line, 6);

    const before = client.published.length;
    await client.change('main.ts', MAIN_SPAWNING);
    await client.waitFor('stage.ts judged again as a worker', () =>
      client.published.slice(before).find(p => p.uri === client.uri('stage.ts') &&
        !p.diagnostics.some(d => d.code === 'blocking-wait-on-main-thread')));

    // And back: the spawn removed, the stage runs on the main thread again.
    const again = client.published.length;
    await client.change('main.ts', MAIN_ALONE);
    await client.waitFor('stage.ts judged again as a main thread', () =>
      client.published.slice(again).find(p => p.uri === client.uri('stage.ts') &&
        p.diagnostics.some(d => d.code === 'blocking-wait-on-main-thread')));
  });

  it('shows who spawns a worker module, and what becomes of each spawn, as code lenses', async () => {
    await client.change('main.ts', MAIN_SPAWNING);
    await client.open('leaf.ts');
    const lenses = (rel: string) => client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: client.uri(rel) } });
    const titles = async (rel: string) => (await lenses(rel)).map(l => l.command?.title);

    await client.waitFor('main.ts spawn site recorded', () => client.latest('stage.ts'));
    assert.deepEqual(await titles('main.ts'), ['handed off at main.ts:7: joined elsewhere, if at all', 'runs stage.ts']);
    const stage = await lenses('stage.ts');
    assert.deepEqual(stage.map(l => l.command?.title), ['spawned by main.ts:5', 'never joined', 'runs leaf.ts']);
    assert.equal(stage[0].command?.command, 'fearless.openLocation');
    assert.deepEqual(stage[0].command?.arguments, [client.uri('main.ts'), { start: { line: 4, character: 16 }, end: { line: 4, character: 60 } }]);
    assert.deepEqual(await titles('leaf.ts'), ['spawned by stage.ts:5']);

    // Joining the leaf changes the lens.
    const joined = `${STAGE}leaf.once('exit', () => console.log('leaf done'));\n`;
    await client.change('stage.ts', joined);
    assert.deepEqual((await titles('stage.ts')).slice(1), ['joined at stage.ts:8', 'runs leaf.ts']);
  });

  it('hovers with thread facts: shared memory, spawn sites and worker modules', async () => {
    const hover = async (rel: string, line: number, character: number): Promise<string> => {
      const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(rel) }, position: { line, character } });
      return h ? (h.contents as { value: string }).value : '';
    };
    const shared = await hover('stage.ts', 3, 7); // `state`: main.ts spawns the stage by now
    assert.match(shared, /\*\*Shared memory\*\* `state`/);
    assert.match(shared, /allocated at `stage\.ts:4`/);
    assert.match(shared, /on the worker thread: 1 atomic \(line 7\)/);
    assert.match(shared, /the other side: spawned by main\.ts:5/);

    const spawn = await hover('stage.ts', 4, 17); // `new Worker`
    assert.match(spawn, /\*\*Worker spawn\*\* → `leaf\.ts`/);
    assert.match(spawn, /sends `workerData`: `state`/);

    const worker = await hover('leaf.ts', 0, 10); // `workerData`
    assert.match(worker, /\*\*Worker module\*\*/);
    assert.match(worker, /spawned by stage\.ts:5/);
    assert.match(worker, /`workerData` holds: `state`/);

    const leafState = await hover('leaf.ts', 3, 15); // `state` in the worker
    assert.match(leafState, /on the worker thread: 2 atomic \(lines 4, 5\)/);
    assert.match(leafState, /the other side: spawned by stage\.ts:5/);

    assert.equal(await hover('main.ts', 3, 2), '', 'nothing to say about a keyword');
  });
});

describe('language server hover on locks and message handlers', () => {
  let client: TestClient;
  const POOL = `import { Worker } from 'node:worker_threads';

interface SpinMutex { lock(): void; unlock(): void }

export function run(cells: Int32Array<SharedArrayBuffer>, mutex: SpinMutex): Worker {
  mutex.lock();
  try {
    cells[0] += 1;
    cells[1] = cells[0];
  } finally {
    mutex.unlock();
  }
  const worker = new Worker(new URL('./echo.js', import.meta.url));
  worker.on('message', (m) => console.log(m));
  worker.on('error', (err) => console.error(err));
  return worker;
}
`;
  const ECHO = `import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (m) => parentPort?.postMessage(m));
`;

  before(async () => {
    client = await TestClient.start({ files: { 'pool.ts': POOL, 'echo.ts': ECHO } });
  });
  after(() => client.stop());

  const hover = async (rel: string, line: number, character: number): Promise<string> => {
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(rel) }, position: { line, character } });
    return h ? (h.contents as { value: string }).value : '';
  };

  it('tells where a lock is taken and what it guards', async () => {
    await client.open('pool.ts');
    await client.diagnostics('pool.ts', 1);
    const text = await hover('pool.ts', 5, 3); // `mutex` in `mutex.lock()`
    assert.match(text, /\*\*Lock\*\* `mutex`/);
    assert.match(text, /taken in this file on line 6/);
    assert.match(text, /guards 3 shared-memory accesses \(lines 8, 9, 9\)/);
  });

  it('tells who is on the other end of a message handler', async () => {
    assert.match(await hover('pool.ts', 13, 10), /receives what `echo\.ts` posts/);
    await client.open('echo.ts');
    await client.waitFor('the graph to know pool.ts', () => client.latest('echo.ts'));
    assert.match(await hover('echo.ts', 2, 13), /receives what the spawner posts: spawned by pool\.ts:13/);
  });
});

describe('language server cross-thread provenance', () => {
  let client: TestClient;
  const MAIN = (buffer: string) => `import { Worker } from 'node:worker_threads';

export function start(): Worker {
  const state = new Int32Array(new ${buffer}(8));
  const worker = new Worker(new URL('./worker.js', import.meta.url));
  worker.on('error', (err) => console.error(err));
  worker.postMessage({ state });
  return worker;
}
`;
  const WORKER = `import { parentPort } from 'node:worker_threads';

parentPort?.on('message', ({ state }: { state: Int32Array }) => {
  state[0] += 1;
});
`;
  before(async () => {
    client = await TestClient.start({ files: { 'package.json': '{ "type": "module" }', 'main.ts': MAIN('SharedArrayBuffer'), 'worker.ts': WORKER } });
  });
  after(() => client.stop());

  it('flags the worker by what main.ts sends, and judges it again when that changes', async () => {
    await client.open('main.ts');
    await client.open('worker.ts');
    const shared = await client.waitFor('the worker write flagged', () => {
      const p = client.latest('worker.ts');
      return p?.diagnostics.some(d => d.code === 'unsynchronized-shared-write') ? p : undefined;
    });
    const [d] = shared.diagnostics;
    assert.equal(d.range.start.line, 3);
    assert.equal(d.relatedInformation?.[0].location.uri, client.uri('main.ts'), 'points at the allocation in main.ts');

    const before = client.published.length;
    await client.change('main.ts', MAIN('ArrayBuffer'));
    await client.waitFor('the worker judged again: nothing shared any more', () =>
      client.published.slice(before).find(p => p.uri === client.uri('worker.ts') && p.diagnostics.length === 0));
  });
});

/**
 * The Locks family through the language server: findings with related information at where each lock was
 * taken, "Release in finally" applied as an editor applies it, and a lock-order inversion between two files
 * that appears once both files are analysed and goes away when one of them is edited.
 */
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { TestClient } from './support/lsp-client';

const LOCKS = `export interface Mutex {
  lock(): void;
  unlock(): void;
}

export declare const inventoryLock: Mutex;
export declare const ordersLock: Mutex;
`;
const RESERVE = `import { inventoryLock, ordersLock } from './locks';

export function reserve(stock: Int32Array<SharedArrayBuffer>, orders: Int32Array<SharedArrayBuffer>): void {
  inventoryLock.lock();
  try {
    ordersLock.lock();
    try {
      stock[0]--;
      orders[0]++;
    } finally {
      ordersLock.unlock();
    }
  } finally {
    inventoryLock.unlock();
  }
}
`;
const cancel = (first: string, second: string): string => `import { inventoryLock, ordersLock } from './locks';

export function cancel(stock: Int32Array<SharedArrayBuffer>, orders: Int32Array<SharedArrayBuffer>): void {
  ${first}.lock();
  try {
    ${second}.lock();
    try {
      orders[0]--;
      stock[0]++;
    } finally {
      ${second}.unlock();
    }
  } finally {
    ${first}.unlock();
  }
}
`;
const QUEUE = `import { ordersLock } from './locks';

export function take(queue: Int32Array<SharedArrayBuffer>, fetchNext: () => Promise<number>): Promise<number> | number {
  ordersLock.lock();
  if (queue[0] === 0) return fetchNext();
  queue[0]--;
  const job = queue[queue[0] + 1];
  ordersLock.unlock();
  return job;
}

export async function refill(queue: Int32Array<SharedArrayBuffer>, fetchNext: () => Promise<number>): Promise<void> {
  ordersLock.lock();
  try {
    queue[1] = await fetchNext();
    queue[0] = 1;
  } finally {
    ordersLock.unlock();
  }
}
`;

describe('language server: the Locks family', () => {
  let client: TestClient;

  before(async () => {
    client = await TestClient.start({ files: { 'locks.ts': LOCKS, 'reserve.ts': RESERVE, 'cancel.ts': cancel('ordersLock', 'inventoryLock'), 'queue.ts': QUEUE } });
  });

  after(() => client.stop());

  const byRule = (diags: Diagnostic[], rule: string): Diagnostic[] => diags.filter(d => d.code === rule);

  it('reports a lock left held and an await under a lock, pointing at where the lock was taken', async () => {
    await client.open('queue.ts');
    const diags = await client.diagnostics('queue.ts', 1);
    const [leak] = byRule(diags, 'lock-not-released');
    assert.ok(leak, 'lock-not-released');
    assert.equal(leak.range.start.line, 3);
    assert.equal(leak.relatedInformation?.[0].location.range.start.line, 4, 'points at the early return');
    const [suspended] = byRule(diags, 'await-holding-lock');
    assert.ok(suspended, 'await-holding-lock');
    assert.equal(suspended.range.start.line, 14);
    assert.equal(suspended.relatedInformation?.[0].location.range.start.line, 12, 'points at the acquisition');
  });

  it('releases in finally through a code action, and the finding goes away', async () => {
    const diags = await client.diagnostics('queue.ts', 1);
    const [leak] = byRule(diags, 'lock-not-released');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('queue.ts') }, range: leak.range, context: { diagnostics: [leak] },
    });
    const fix = actions.find(a => a.title === 'Release in finally');
    assert.ok(fix, `offered: ${actions.map(a => a.title).join(', ')}`);
    const edits = fix.edit!.changes![client.uri('queue.ts')] as TextEdit[];
    assert.match(edits[0].newText, /try \{[\s\S]*\} finally \{\n {4}ordersLock\.unlock\(\);\n {2}\}/);
    const version = await client.edit('queue.ts', edits);
    const after = await client.diagnostics('queue.ts', version);
    assert.deepEqual(byRule(after, 'lock-not-released'), []);
  });

  it('reports a lock-order inversion between two files at both sites, each pointing at the other order', async () => {
    await client.open('reserve.ts');
    await client.open('cancel.ts');
    const reserveSite = await client.waitFor('the inversion in reserve.ts', () => {
      const d = client.latest('reserve.ts')?.diagnostics.filter(x => x.code === 'lock-order-inversion');
      return d?.length ? d : undefined;
    });
    const cancelSite = await client.waitFor('the inversion in cancel.ts', () => {
      const d = client.latest('cancel.ts')?.diagnostics.filter(x => x.code === 'lock-order-inversion');
      return d?.length ? d : undefined;
    });
    assert.equal(reserveSite.length, 1, 'reported once in reserve.ts');
    assert.equal(cancelSite.length, 1, 'reported once in cancel.ts');
    assert.equal(reserveSite[0].range.start.line, 5, 'at the inner acquisition');
    const related = reserveSite[0].relatedInformation ?? [];
    const at = related.map(r => `${r.location.uri.endsWith('cancel.ts') ? 'cancel' : 'reserve'}:${r.location.range.start.line}`);
    assert.deepEqual(at, ['reserve:3', 'cancel:3', 'cancel:5'], 'this order and the other order');

    // Taking the locks in the same order in cancel.ts removes the inversion in both files.
    const before = client.published.length;
    await client.change('cancel.ts', cancel('inventoryLock', 'ordersLock'));
    await client.waitFor('reserve.ts judged again without the inversion', () =>
      client.published.slice(before).find(p => p.uri === client.uri('reserve.ts') && !p.diagnostics.some(d => d.code === 'lock-order-inversion')));
  });
});

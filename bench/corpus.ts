/**
 * A deterministic, realistic TypeScript project of N files for the performance comparison: about
 * 30% worker code (a pipeline that spawns a worker with a SharedArrayBuffer in `workerData`, posts
 * messages with a transfer list over a MessagePort, counts with Atomics and guards a table with a
 * spin lock in try/finally; the worker side), the rest ordinary typed modules that import each other
 * (models, services, utilities). Same N, same bytes, every run.
 */
import fs from 'node:fs';
import path from 'node:path';

function spinLock(): string {
  return `export class SpinLock {
  constructor(private readonly cell: Int32Array<SharedArrayBuffer>, private readonly index = 0) {}
  lock(): void {
    while (Atomics.compareExchange(this.cell, this.index, 0, 1) !== 0) Atomics.wait(this.cell, this.index, 1);
  }
  unlock(): void {
    Atomics.store(this.cell, this.index, 0);
    Atomics.notify(this.cell, this.index, 1);
  }
}
`;
}

function pipeline(i: number): string {
  return `import { MessageChannel, Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { SpinLock } from './lock.js';
import type { Model${i} } from './model${i}.js';

export interface Stage${i}Result { processed: number; checksum: number }

export async function runStage${i}(items: readonly Model${i}[]): Promise<Stage${i}Result> {
  const counters = new Int32Array(new SharedArrayBuffer(16));
  const table = new Float64Array(new SharedArrayBuffer(8 * 64));
  const lockCell = new Int32Array(new SharedArrayBuffer(4));
  const lock = new SpinLock(lockCell);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./worker${i}.js', import.meta.url), {
    workerData: { counters, table, lockCell, port: port2 },
    transferList: [port2],
  });
  worker.on('error', (err) => console.error(err));
  for (const item of items) {
    const payload = new Float64Array([item.value, item.weight]);
    port1.postMessage({ id: item.id, payload }, [payload.buffer]);
  }
  port1.postMessage(null);
  lock.lock();
  try {
    table[0] += items.length;
  } finally {
    lock.unlock();
  }
  Atomics.add(counters, 0, 1);
  await once(worker, 'exit');
  port1.close();
  return { processed: Atomics.load(counters, 1), checksum: table[1] };
}
`;
}

function worker(i: number): string {
  return `// Stage ${i}'s worker: folds the items main.ts streams over the port into the shared table.
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { SpinLock } from './lock.js';

const { counters, table, lockCell, port } = workerData as {
  counters: Int32Array<SharedArrayBuffer>;
  table: Float64Array<SharedArrayBuffer>;
  lockCell: Int32Array<SharedArrayBuffer>;
  port: MessagePort;
};
const lock = new SpinLock(lockCell);

port.on('message', (msg: { id: number; payload: Float64Array } | null) => {
  if (msg === null) {
    port.close();
    parentPort?.close();
    return;
  }
  const [value, weight] = msg.payload;
  lock.lock();
  try {
    table[1] += value * weight;
    table[2 + (msg.id % 60)] = value;
  } finally {
    lock.unlock();
  }
  Atomics.add(counters, 1, 1);
});
`;
}

function model(i: number, n: number): string {
  const dep = i > 0 ? `import { normalise${i - 1} } from './model${i - 1}.js';\n` : '';
  const util = `import { clamp, mean } from './util.js';\n`;
  return `${dep}${util}
export interface Model${i} {
  id: number;
  name: string;
  value: number;
  weight: number;
  tags: readonly string[];
}

export class Repository${i} {
  private readonly items = new Map<number, Model${i}>();

  add(item: Model${i}): void {
    this.items.set(item.id, { ...item, value: clamp(item.value, 0, ${n}) });
  }

  byTag(tag: string): Model${i}[] {
    return [...this.items.values()].filter(m => m.tags.includes(tag));
  }

  average(): number {
    return mean([...this.items.values()].map(m => m.value * m.weight));
  }
}

export function normalise${i}(items: readonly Model${i}[]): Model${i}[] {
  const total = items.reduce((sum, m) => sum + m.weight, 0) || 1;
  return items.map(m => ({ ...m, weight: m.weight / total }))${i > 0 ? `.map(m => normalise${i - 1}([m as never])[0] ?? m)` : ''};
}

export function describe${i}(item: Model${i}): string {
  const buffer = new Uint8Array(item.name.length);
  for (let k = 0; k < item.name.length; k++) buffer[k] = item.name.charCodeAt(k) & 0x7f;
  return \`\${item.id}:\${String.fromCharCode(...buffer)}:\${item.tags.join(',')}\`;
}
`;
}

const UTIL = `export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}
`;

export interface Corpus {
  dir: string;
  files: number;
  /** A mid-size worker file to edit, and the file that spawns it. */
  workerFile: string;
  spawnerFile: string;
}

/** Writes the corpus of about `n` files under `dir` (replacing what was there). */
export function writeCorpus(dir: string, n: number): Corpus {
  fs.rmSync(dir, { recursive: true, force: true });
  const src = path.join(dir, 'src');
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `corpus-${n}`, private: true, type: 'module' }, null, 2));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'es2024', module: 'nodenext', moduleResolution: 'nodenext', strict: true, lib: ['es2024'], types: ['node'], noEmit: true, skipLibCheck: true },
    include: ['src'],
  }, null, 2));
  // The corpus resolves @types/node from the repository, as a project would from its own node_modules.
  fs.symlinkSync(path.resolve(__dirname, '..', 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(src, 'lock.ts'), spinLock());
  fs.writeFileSync(path.join(src, 'util.ts'), UTIL);
  // Each stage is three files (model, pipeline, worker): 2 of 3 worker-related would be too many,
  // so models outnumber stages: N = 2 + stages * 2 + models, with stages ≈ 15% of N (30% of files).
  const stages = Math.max(1, Math.round(n * 0.15));
  const models = Math.max(stages, n - 2 - stages * 2);
  for (let i = 0; i < models; i++) fs.writeFileSync(path.join(src, `model${i}.ts`), model(i, n));
  for (let i = 0; i < stages; i++) {
    fs.writeFileSync(path.join(src, `pipeline${i}.ts`), pipeline(i));
    fs.writeFileSync(path.join(src, `worker${i}.ts`), worker(i));
  }
  const mid = Math.floor(stages / 2);
  return { dir, files: 2 + models + stages * 2, workerFile: path.join(src, `worker${mid}.ts`), spawnerFile: path.join(src, `pipeline${mid}.ts`) };
}

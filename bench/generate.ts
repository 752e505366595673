/**
 * Synthetic workloads for the benchmark: realistic shared-memory code repeated until a file or a
 * project is the size we want to measure. Every unit mixes what the rules look at (a worker spawn,
 * plain and atomic accesses to one module-level shared view, a polling loop, a lock region) so the
 * per-access analyses run on every unit and a cost that grows with the file shows up.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Roughly 24 lines: one function touching the module's shared view `cells`. */
function unit(i: number): string {
  return `
export function step${i}(limit: number, mutex: SpinMutex): number {
  let total = 0;
  if (limit > ${i}) {
    cells[${i % 16}]++;
  }
  for (let j = 0; j < limit; j++) {
    Atomics.add(cells, ${i % 16}, j);
    total += Atomics.load(cells, 1);
  }
  while (Atomics.load(cells, 2) === ${i}) {
    Atomics.wait(cells, 2, ${i});
  }
  mutex.lock();
  try {
    cells[3] = total;
  } finally {
    mutex.unlock();
  }
  const local = new Int32Array(8);
  local[0] = total;
  return local[0];
}
`;
}

const HEADER = `import { Worker } from 'node:worker_threads';

interface SpinMutex { lock(): void; unlock(): void }

const cells = new Int32Array(new SharedArrayBuffer(64 * 4));
const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { cells } });
worker.on('error', (err) => console.error(err));
`;

/** One module of about `lines` lines. */
export function bigModule(lines: number): string {
  const units = Math.max(1, Math.round(lines / 24));
  let text = HEADER;
  for (let i = 0; i < units; i++) text += unit(i);
  return text;
}

/** A tsconfig project of `files` modules of `linesEach` lines under `dir`. */
export function writeProject(dir: string, files: number, linesEach: number): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'es2024', module: 'nodenext', strict: true, lib: ['es2024'] },
    include: ['src'],
  }, null, 2));
  for (let f = 0; f < files; f++) fs.writeFileSync(path.join(dir, 'src', `module${f}.ts`), bigModule(linesEach));
}

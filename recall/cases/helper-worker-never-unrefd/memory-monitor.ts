// Reported: https://github.com/apify/apify-ts/pull/152
// A crawler started a helper worker to sample memory and never detached or stopped it: after the
// crawl finished, the Node process kept running until it was killed.
import { Worker } from 'node:worker_threads';

export class MemoryMonitor {
  private readonly worker: Worker;
  private lastRatio = 0;

  constructor(intervalMs: number) {
    this.worker = new Worker(new URL('./memory-worker.js', import.meta.url), { workerData: { intervalMs } }); //~ unjoined-worker
    this.worker.on('message', (ratio: number) => { this.lastRatio = ratio; });
    this.worker.on('error', (err: Error) => console.warn('memory sampling failed', err.message));
  }

  isOverloaded(): boolean {
    return this.lastRatio > 0.9;
  }
}

export async function crawl(urls: string[]): Promise<number> {
  const monitor = new MemoryMonitor(1000);
  let done = 0;
  for (const url of urls) {
    while (monitor.isOverloaded()) await new Promise((r) => setTimeout(r, 100));
    await fetch(url);
    done++;
  }
  return done;
}

// Reported: https://github.com/pathosDev/actor-ts/issues/700
// The cluster listened to its workers' 'message' and 'exit' (to restart them) but never 'error': an
// uncaught exception in one actor was rethrown on the host and killed it before any restart ran.
import { Worker } from 'node:worker_threads';

interface ClusterOptions {
  entry: URL;
  size: number;
  restart: boolean;
}

export class WorkerCluster {
  private readonly workers = new Map<number, Worker>();

  constructor(private readonly options: ClusterOptions) {}

  start(): void {
    for (let slot = 0; slot < this.options.size; slot++) this.spawn(slot);
  }

  private spawn(slot: number): void {
    const worker = new Worker(this.options.entry, { workerData: { slot } }); //~ unhandled-worker-error
    worker.on('message', (message: unknown) => this.route(slot, message));
    worker.on('exit', (code: number) => {
      this.workers.delete(slot);
      if (code !== 0 && this.options.restart) this.spawn(slot);
    });
    this.workers.set(slot, worker);
  }

  private route(slot: number, message: unknown): void {
    for (const [other, worker] of this.workers) if (other !== slot) worker.postMessage(message);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.terminate()));
  }
}

// The `thread-pool` snippet's pool, exported. It runs ./worker.js, the module beside this one.
import { Worker } from 'node:worker_threads';
import os from 'node:os';

type Job<In, Out> = { id: number; input: In; resolve: (value: Out) => void; reject: (reason: unknown) => void };
type Reply<Out> = { id: number; value: Out } | { id: number; error: unknown };

/**
 * A fixed pool of threads running ./worker.js (the `worker-main` message loop). `run` queues a job
 * and resolves with its result or rejects with the error it threw; a thread that crashes fails its job
 * and is replaced. `close` lets the queued jobs finish, then stops the threads and waits for them.
 */
export class ThreadPool<In, Out> {
  private readonly queue: Job<In, Out>[] = [];
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Job<In, Out>>();
  private readonly exits: Promise<void>[] = [];
  private nextId = 0;
  private closed = false;
  private drained: (() => void) | undefined;

  constructor(size = os.availableParallelism()) {
    for (let i = 0; i < size; i++) this.start();
  }

  run(input: In): Promise<Out> {
    if (this.closed) return Promise.reject(new Error('the pool is closed'));
    if (this.idle.length === 0 && this.running.size === 0) return Promise.reject(new Error('every pool thread has died'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.queue.length > 0 || this.running.size > 0) await new Promise<void>(resolve => (this.drained = resolve));
    for (const worker of this.idle) worker.postMessage(null);
    await Promise.all(this.exits);
  }

  private start(): void {
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    let crash: unknown;
    this.exits.push(new Promise(resolve => worker.once('exit', () => resolve())));
    worker.on('message', (reply: Reply<Out>) => {
      const job = this.running.get(worker);
      this.running.delete(worker);
      if (job?.id === reply.id) {
        if ('error' in reply) job.reject(reply.error);
        else job.resolve(reply.value);
      }
      this.idle.push(worker);
      this.dispatch();
    });
    worker.on('error', error => {
      crash = error;
    });
    worker.on('exit', code => {
      const idle = this.idle.indexOf(worker);
      if (idle >= 0) this.idle.splice(idle, 1);
      const job = this.running.get(worker);
      this.running.delete(worker);
      const failure = crash ?? new Error(`a pool thread exited with code ${code}`);
      if (job) {
        job.reject(failure);
        if (!this.closed || this.queue.length > 0) this.start();
      } else if (this.idle.length === 0 && this.running.size === 0) {
        // Threads that die idle (a module that fails to load) are not restarted, or they would loop.
        for (const queued of this.queue.splice(0)) queued.reject(failure);
      }
      this.dispatch();
    });
    this.idle.push(worker);
  }

  private dispatch(): void {
    for (let worker = this.idle.pop(); worker; worker = this.idle.pop()) {
      const job = this.queue.shift();
      if (!job) {
        this.idle.push(worker);
        break;
      }
      this.running.set(worker, job);
      worker.postMessage({ id: job.id, input: job.input });
    }
    if (this.queue.length === 0 && this.running.size === 0) this.drained?.();
  }
}

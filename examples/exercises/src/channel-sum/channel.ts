// The `channel` snippet's two halves, exported: main sends, the worker receives. The snippet's
// `channel()` would build both halves on one thread; here the receiving half must be built in the worker,
// around the port main transfers to it, so main makes the MessageChannel itself.
import type { MessagePort } from 'node:worker_threads';

/**
 * The sending half of a channel. To send from a worker, transfer `tx.port` to it
 * (`{ workerData: { port: tx.port }, transferList: [tx.port] }`) and wrap it there with `new Sender(port)`.
 */
export class Sender<T> {
  readonly port: MessagePort;

  constructor(port: MessagePort) {
    this.port = port;
  }

  send(value: T): void {
    this.port.postMessage(value);
  }

  /** Ends the receiver's loop once it has taken every value sent before. */
  close(): void {
    this.port.close();
  }
}

/** The receiving half: `for await` yields the values in the order sent, and ends when the sender closes. */
export class Receiver<T> implements AsyncIterable<T> {
  readonly port: MessagePort;
  private readonly queue: T[] = [];
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(port: MessagePort) {
    this.port = port;
    port.on('message', (value: T) => {
      this.queue.push(value);
      this.wake?.();
    });
    port.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    try {
      for (;;) {
        if (this.queue.length > 0) yield this.queue.shift() as T;
        else if (this.closed) return;
        else await new Promise<void>(resolve => (this.wake = resolve));
      }
    } finally {
      this.port.close();
    }
  }
}

/**
 * The public API of the worker-pool and lock packages the rules know by their module, as each package
 * declares it, for a project where the package is not installed or ships no types: the Send rules know a
 * pool's task by `run` / `exec` of its module, the lock rules know an in-thread lock by its module.
 */
export const LIBRARY_MODULES: Readonly<Record<string, string>> = {
  'async-mutex': `
declare module 'async-mutex' {
  interface MutexInterface {
    acquire(priority?: number): Promise<MutexInterface.Releaser>;
    runExclusive<T>(callback: MutexInterface.Worker<T>, priority?: number): Promise<T>;
    waitForUnlock(priority?: number): Promise<void>;
    isLocked(): boolean;
    release(): void;
    cancel(): void;
  }
  namespace MutexInterface {
    interface Releaser { (): void }
    interface Worker<T> { (): Promise<T> | T }
  }
  interface SemaphoreInterface {
    acquire(weight?: number, priority?: number): Promise<[number, SemaphoreInterface.Releaser]>;
    runExclusive<T>(callback: SemaphoreInterface.Worker<T>, weight?: number, priority?: number): Promise<T>;
    waitForUnlock(weight?: number, priority?: number): Promise<void>;
    isLocked(): boolean;
    getValue(): number;
    setValue(value: number): void;
    release(weight?: number): void;
    cancel(): void;
  }
  namespace SemaphoreInterface {
    interface Releaser { (): void }
    interface Worker<T> { (value: number): Promise<T> | T }
  }
  // The classes are their interfaces with a constructor (the interface merges into the class).
  interface Mutex extends MutexInterface {}
  class Mutex {
    constructor(cancelError?: Error);
  }
  interface Semaphore extends SemaphoreInterface {}
  class Semaphore {
    constructor(value: number, cancelError?: Error);
  }
  function withTimeout(mutex: MutexInterface, timeout: number, timeoutError?: Error): MutexInterface;
  function withTimeout(semaphore: SemaphoreInterface, timeout: number, timeoutError?: Error): SemaphoreInterface;
  function tryAcquire(mutex: MutexInterface, alreadyAcquiredError?: Error): MutexInterface;
  function tryAcquire(semaphore: SemaphoreInterface, alreadyAcquiredError?: Error): SemaphoreInterface;
  const E_TIMEOUT: Error;
  const E_ALREADY_LOCKED: Error;
  const E_CANCELED: Error;
}
`,
  'async-lock': `
declare module 'async-lock' {
  namespace AsyncLock {
    interface AsyncLockOptions {
      timeout?: number;
      maxPending?: number;
      maxOccupationTime?: number;
      domainReentrant?: boolean;
      Promise?: any;
    }
  }
  class AsyncLock {
    constructor(options?: AsyncLock.AsyncLockOptions);
    acquire<T>(key: string | string[], fn: ((done: (err?: any, ret?: T) => void) => any) | (() => T | PromiseLike<T>), opts?: AsyncLock.AsyncLockOptions): Promise<T>;
    isBusy(key?: string): boolean;
  }
  export = AsyncLock;
}
`,
  'await-lock': `
declare module 'await-lock' {
  export default class AwaitLock {
    get acquired(): boolean;
    acquireAsync(options?: { timeout?: number }): Promise<void>;
    tryAcquire(): boolean;
    release(): void;
  }
}
`,
  'async-sema': `
declare module 'async-sema' {
  class Sema {
    constructor(nr: number, options?: { initFn?: () => any; pauseFn?: () => void; resumeFn?: () => void; capacity?: number });
    acquire(): Promise<any>;
    tryAcquire(): any | undefined;
    release(token?: any): void;
    drain(): Promise<any[]>;
    nrWaiting(): number;
  }
  function RateLimit(rps: number, options?: { timeUnit?: number; uniformDistribution?: boolean }): () => Promise<void>;
}
`,
  piscina: taskPool('piscina', 'Piscina', ['concurrentTasksPerWorker?: number;', 'useAtomics?: boolean;'],
    ['close(options?: { force?: boolean }): Promise<void>;', 'on(event: string, listener: (...args: any[]) => void): this;']),
  tinypool: taskPool('tinypool', 'Tinypool', ['isolateWorkers?: boolean;', "runtime?: 'worker_threads' | 'child_process';"],
    ['cancelPendingTasks(): void;']),
  workerpool: `
declare module 'workerpool' {
  interface ExecOptions {
    on?: (payload: any) => unknown;
    transfer?: readonly unknown[];
  }
  interface Pool {
    exec(method: string | ((...args: any[]) => any), params?: readonly any[] | null, options?: ExecOptions): Promise<any>;
    proxy(): Promise<any>;
    terminate(force?: boolean, timeout?: number): Promise<any[]>;
    stats(): { totalWorkers: number; busyWorkers: number; idleWorkers: number; pendingTasks: number; activeTasks: number };
  }
  function pool(script?: string | (() => void), options?: { minWorkers?: number | 'max'; maxWorkers?: number; workerType?: string; workerOpts?: any }): Pool;
  function worker(methods?: { [name: string]: (...args: any[]) => any }, options?: any): void;
  function workerEmit(payload: any): void;
  class Transfer {
    constructor(message: any, transfer: readonly unknown[]);
  }
  const isMainThread: boolean;
  const cpus: number;
}
`,
};

/** Piscina and Tinypool (a fork of it) share their API: `run(task, { transferList })`, the statics, the options. */
function taskPool(module: string, name: string, options: readonly string[], methods: readonly string[]): string {
  return `
declare module '${module}' {
  interface RunOptions {
    transferList?: readonly unknown[];
    filename?: string | null;
    name?: string | null;
    signal?: any;
  }
  interface Options {
    filename?: string | null;
    name?: string;
    minThreads?: number;
    maxThreads?: number;
    idleTimeout?: number;
    maxQueue?: number | 'auto';
    workerData?: any;
    ${options.join('\n    ')}
  }
  class ${name} {
    constructor(options?: Options);
    run(task: any, options?: RunOptions): Promise<any>;
    destroy(): Promise<void>;
    ${methods.join('\n    ')}
    readonly threads: any[];
    readonly queueSize: number;
    static readonly isWorkerThread: boolean;
    static readonly workerData: any;
    static move(value: any): any;
  }
  export default ${name};
  export { ${name} };
}
`;
}

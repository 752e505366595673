// The calls of the worker-pool packages that send a task, declared for the Send fixtures (the packages
// themselves are not dependencies). Fearless recognises them by the module that declares them.
declare module 'piscina' {
  export interface RunOptions {
    transferList?: readonly unknown[];
  }
  export default class Piscina {
    constructor(options?: { filename?: string });
    run(task: unknown, options?: RunOptions): Promise<unknown>;
  }
}

declare module 'tinypool' {
  export default class Tinypool {
    constructor(options?: { filename?: string });
    run(task: unknown, options?: { transferList?: readonly unknown[] }): Promise<unknown>;
  }
}

declare module 'workerpool' {
  export interface Pool {
    exec(method: string | ((...args: never[]) => unknown), params?: readonly unknown[] | null, options?: { transfer?: readonly unknown[] }): Promise<unknown>;
  }
  export function pool(script?: string): Pool;
}

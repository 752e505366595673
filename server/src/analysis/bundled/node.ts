/**
 * Node's thread APIs as `@types/node` declares them, cut down to what programs using workers touch:
 * the analyzer's own copy for a project that has no `@types/node` installed (a plain JS project, CI
 * before `npm ci`). Without it `node:worker_threads` is `any` and every rule that knows a worker or a
 * port by its type goes silent. Names, shapes and module names follow `@types/node` 20, so the rules
 * see the same declarations either way.
 */

/** The modules: harmless where nothing imports them. */
export const NODE_MODULES = `
declare module 'worker_threads' {
  import { EventEmitter } from 'events';
  import { URL } from 'url';
  const isMainThread: boolean;
  const parentPort: null | MessagePort;
  const SHARE_ENV: unique symbol;
  const threadId: number;
  const workerData: any;
  const resourceLimits: ResourceLimits;
  type Transferable = ArrayBuffer | MessagePort;
  type TransferListItem = Transferable;
  class MessageChannel {
    readonly port1: MessagePort;
    readonly port2: MessagePort;
  }
  class MessagePort extends EventEmitter {
    close(): void;
    postMessage(value: any, transferList?: readonly Transferable[]): void;
    ref(): void;
    unref(): void;
    start(): void;
    addEventListener(type: string, listener: (event: any) => void, options?: any): void;
    removeEventListener(type: string, listener: (event: any) => void, options?: any): void;
    onmessage: ((event: any) => void) | null;
    onmessageerror: ((event: any) => void) | null;
  }
  interface ResourceLimits {
    maxYoungGenerationSizeMb?: number | undefined;
    maxOldGenerationSizeMb?: number | undefined;
    codeRangeSizeMb?: number | undefined;
    stackSizeMb?: number | undefined;
  }
  interface WorkerOptions {
    argv?: any[] | undefined;
    env?: { [key: string]: string | undefined } | typeof SHARE_ENV | undefined;
    eval?: boolean | undefined;
    workerData?: any;
    stdin?: boolean | undefined;
    stdout?: boolean | undefined;
    stderr?: boolean | undefined;
    execArgv?: string[] | undefined;
    resourceLimits?: ResourceLimits | undefined;
    transferList?: Transferable[] | undefined;
    trackUnmanagedFds?: boolean | undefined;
    name?: string | undefined;
  }
  class Worker extends EventEmitter {
    readonly threadId: number;
    readonly resourceLimits?: ResourceLimits | undefined;
    readonly stdin: any;
    readonly stdout: any;
    readonly stderr: any;
    constructor(filename: string | URL, options?: WorkerOptions);
    postMessage(value: any, transferList?: readonly Transferable[]): void;
    ref(): void;
    unref(): void;
    terminate(): Promise<number>;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'exit', listener: (exitCode: number) => void): this;
    on(event: 'message', listener: (value: any) => void): this;
    on(event: 'online', listener: () => void): this;
    on(event: string | symbol, listener: (...args: any[]) => void): this;
    once(event: 'error', listener: (err: Error) => void): this;
    once(event: 'exit', listener: (exitCode: number) => void): this;
    once(event: 'message', listener: (value: any) => void): this;
    once(event: 'online', listener: () => void): this;
    once(event: string | symbol, listener: (...args: any[]) => void): this;
  }
  class BroadcastChannel {
    readonly name: string;
    onmessage: (message: any) => void;
    onmessageerror: (message: any) => void;
    constructor(name: string);
    close(): void;
    postMessage(message: unknown): void;
    ref(): this;
    unref(): this;
  }
  function markAsUntransferable(object: object): void;
  function receiveMessageOnPort(port: MessagePort): { message: any } | undefined;
  type Serializable = string | object | number | boolean | bigint;
  function getEnvironmentData(key: Serializable): Serializable;
  function setEnvironmentData(key: Serializable, value?: Serializable): void;
}
declare module 'node:worker_threads' {
  export * from 'worker_threads';
}
declare module 'events' {
  class EventEmitter {
    static once(emitter: EventEmitter | { addEventListener: any }, eventName: string | symbol, options?: { signal?: any }): Promise<any[]>;
    static on(emitter: EventEmitter, eventName: string | symbol, options?: { signal?: any }): AsyncIterableIterator<any>;
    addListener(eventName: string | symbol, listener: (...args: any[]) => void): this;
    on(eventName: string | symbol, listener: (...args: any[]) => void): this;
    once(eventName: string | symbol, listener: (...args: any[]) => void): this;
    off(eventName: string | symbol, listener: (...args: any[]) => void): this;
    removeListener(eventName: string | symbol, listener: (...args: any[]) => void): this;
    removeAllListeners(eventName?: string | symbol): this;
    prependListener(eventName: string | symbol, listener: (...args: any[]) => void): this;
    prependOnceListener(eventName: string | symbol, listener: (...args: any[]) => void): this;
    emit(eventName: string | symbol, ...args: any[]): boolean;
    listenerCount(eventName: string | symbol): number;
  }
  namespace EventEmitter {
    export { EventEmitter };
  }
  export = EventEmitter;
}
declare module 'node:events' {
  import events = require('events');
  export = events;
}
declare module 'url' {
  class URL {
    constructor(input: string | URL, base?: string | URL);
    href: string;
    pathname: string;
    protocol: string;
    toString(): string;
  }
  function fileURLToPath(url: string | URL): string;
  function pathToFileURL(path: string): URL;
}
declare module 'node:url' {
  export * from 'url';
}
declare module 'path' {
  namespace path {
    function join(...paths: string[]): string;
    function resolve(...paths: string[]): string;
    function dirname(path: string): string;
    function basename(path: string, suffix?: string): string;
    function extname(path: string): string;
    function relative(from: string, to: string): string;
    function isAbsolute(path: string): boolean;
    const sep: string;
  }
  export = path;
}
declare module 'node:path' {
  import path = require('path');
  export = path;
}
`;

/** Node's own globals: no other library declares these, so a project without @types/node lacks them. */
export const NODE_GLOBALS = `
declare var __filename: string;
declare var __dirname: string;
declare var require: { (id: string): any; resolve(id: string): string; main: any };
declare var module: { exports: any; require(id: string): any; id: string; filename: string };
declare var exports: any;
declare var process: {
  argv: string[];
  env: { [key: string]: string | undefined };
  exitCode: number | undefined;
  pid: number;
  platform: string;
  cwd(): string;
  exit(code?: number): never;
  nextTick(callback: (...args: any[]) => void, ...args: any[]): void;
  on(event: string, listener: (...args: any[]) => void): any;
  once(event: string, listener: (...args: any[]) => void): any;
  hrtime: { bigint(): bigint };
};
interface Buffer extends Uint8Array {
  toString(encoding?: string, start?: number, end?: number): string;
}
declare var Buffer: {
  readonly prototype: Buffer;
  from(data: any, encoding?: string): Buffer;
  alloc(size: number, fill?: any): Buffer;
  allocUnsafe(size: number): Buffer;
  byteLength(data: any, encoding?: string): number;
  concat(list: readonly Uint8Array[], totalLength?: number): Buffer;
  isBuffer(value: any): value is Buffer;
};
declare function setImmediate(callback: (...args: any[]) => void, ...args: any[]): any;
declare function clearImmediate(handle: any): void;
`;

/**
 * Globals Node shares with the web platform: declared here only for a project whose libraries have no
 * DOM or web worker globals, where they would otherwise be missing (declaring them twice would clash).
 */
export const NODE_WEB_GLOBALS = `
declare function structuredClone<T>(value: T, options?: { transfer?: import('worker_threads').Transferable[] }): T;
declare var MessageChannel: typeof import('worker_threads').MessageChannel;
declare var MessagePort: typeof import('worker_threads').MessagePort;
declare var BroadcastChannel: typeof import('worker_threads').BroadcastChannel;
declare var URL: typeof import('url').URL;
type MessageChannel = import('worker_threads').MessageChannel;
type MessagePort = import('worker_threads').MessagePort;
type BroadcastChannel = import('worker_threads').BroadcastChannel;
type URL = import('url').URL;
declare function setTimeout(callback: (...args: any[]) => void, ms?: number, ...args: any[]): any;
declare function clearTimeout(handle: any): void;
declare function setInterval(callback: (...args: any[]) => void, ms?: number, ...args: any[]): any;
declare function clearInterval(handle: any): void;
declare function queueMicrotask(callback: () => void): void;
declare var console: { log(...data: any[]): void; error(...data: any[]): void; warn(...data: any[]): void; info(...data: any[]): void; debug(...data: any[]): void };
`;

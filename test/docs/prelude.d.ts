// What the rule pages' examples take as given without declaring it (test/docs/rule-examples.ts):
// a blocking lock built on Atomics, and the shared memory and helpers their snippets name.
declare class Mutex {
  lock(): void;
  unlock(): void;
  tryLock(): boolean;
  withLock<T>(fn: () => T): T;
}
declare const mutex: Mutex;
declare const inventoryLock: Mutex;
declare const ordersLock: Mutex;
declare const data: Int32Array<SharedArrayBuffer>;
declare const hits: Int32Array<SharedArrayBuffer>;
declare const config: Int32Array<SharedArrayBuffer>;
declare const shared: boolean;
declare const text: string;
declare function fetchCount(): Promise<number>;

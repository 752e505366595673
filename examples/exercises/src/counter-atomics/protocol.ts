/** What each incrementing worker gets in `workerData`. */
export interface CounterInput {
  /** The `AtomicCounter`'s cell. */
  cell: Int32Array<SharedArrayBuffer>;
  rounds: number;
}

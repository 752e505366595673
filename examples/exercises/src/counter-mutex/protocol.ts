/** What each incrementing worker gets in `workerData`. */
export interface CounterInput {
  /** The `Mutex` guarding `data`. */
  cell: Int32Array<SharedArrayBuffer>;
  /** data[0] is the counter; touch it only while holding the lock. */
  data: Float64Array<SharedArrayBuffer>;
  rounds: number;
}

/** What both workers get in `workerData`: the same two cells. */
export interface FlagCells {
  /** The `AtomicBool`: set once `answer` holds the result. */
  ready: Int32Array<SharedArrayBuffer>;
  /** Written by the setter before it sets `ready`; read by the others only after they see it set. */
  answer: Int32Array<SharedArrayBuffer>;
}

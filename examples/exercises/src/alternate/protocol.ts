/** What each printer gets in `workerData`. */
export interface PrinterInput {
  /** 1 for the odd printer, 2 for the even one; each then steps by 2. */
  first: number;
  last: number;
  /** The turn flag: false while the odd printer may print, true while the even one may. */
  evensTurn: Int32Array<SharedArrayBuffer>;
}

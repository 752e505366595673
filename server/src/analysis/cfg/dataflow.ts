/** Forward dataflow over a function's control-flow graph: facts that hold on every path, or on some. */
import type { Cfg, CfgNode } from './graph';

/**
 * A forward "must" dataflow over the graph: a fact holds at a node when it holds on every path
 * into it. `transfer` maps the facts before a node to those after it. Returns the facts before each node.
 */
export function mustForward<T>(cfg: Cfg, initial: ReadonlySet<T>, transfer: (n: CfgNode, before: ReadonlySet<T>) => ReadonlySet<T>): Map<CfgNode, ReadonlySet<T>> {
  return forward(cfg, initial, transfer, (into, from) => {
    for (const x of into) if (!from.has(x)) into.delete(x);
  });
}

/** A forward "may" dataflow: a fact holds at a node when it holds on some path into it. */
export function mayForward<T>(cfg: Cfg, initial: ReadonlySet<T>, transfer: (n: CfgNode, before: ReadonlySet<T>) => ReadonlySet<T>): Map<CfgNode, ReadonlySet<T>> {
  return forward(cfg, initial, transfer, (into, from) => {
    for (const x of from) into.add(x);
  });
}

function forward<T>(
  cfg: Cfg, initial: ReadonlySet<T>, transfer: (n: CfgNode, before: ReadonlySet<T>) => ReadonlySet<T>,
  join: (into: Set<T>, from: ReadonlySet<T>) => void,
): Map<CfgNode, ReadonlySet<T>> {
  const before = new Map<CfgNode, ReadonlySet<T>>();
  const after = new Map<CfgNode, ReadonlySet<T>>();
  before.set(cfg.entry, initial);
  after.set(cfg.entry, transfer(cfg.entry, initial));
  const work: CfgNode[] = [...cfg.entry.succ];
  let budget = cfg.nodes.length * 50;
  while (work.length > 0 && budget-- > 0) {
    const n = work.shift()!;
    let inSet: Set<T> | undefined;
    for (const p of n.pred) {
      const pa = after.get(p);
      if (!pa) continue; // not reached yet: no path has brought facts here
      if (!inSet) inSet = new Set(pa);
      else join(inSet, pa);
    }
    const inFacts: ReadonlySet<T> = inSet ?? new Set<T>();
    const prev = before.get(n);
    if (prev && sameSet(prev, inFacts) && after.has(n)) continue;
    before.set(n, inFacts);
    const out = transfer(n, inFacts);
    const prevOut = after.get(n);
    after.set(n, out);
    if (!prevOut || !sameSet(prevOut, out)) for (const s of n.succ) work.push(s);
  }
  return before;
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/**
 * The lock-order graph across the workspace: an edge `A → B` for every place that takes `B` while
 * holding `A` (directly, or inside a function it calls). A cycle is a potential deadlock: two threads
 * each holding the lock the other waits for. Locks are compared by class (lock-order checkers'
 * lockdep-style classes: a variable, or a field of a class or interface), so `this.a` in one method
 * and `bank.a` in another file are one lock. Like the thread graph, it is fed one file at a time (the
 * CLI's first pass, every analysis in the server), keeps positions rather than syntax trees, and says
 * which other files must be judged again when a file's edges change their inversions.
 */
import { ts } from '../ts';
import { isStackOverflow } from '../program/budget';
import type { CfgNode } from '../cfg/graph';
import { FunctionLocks, LockKey, UNKNOWN_LOCK } from './events';
import { LockModel, lockModelOf } from './model';
import { errorText } from '../../core/error-text';
import { FileIndex } from '../syntax/file-index';
import { mayOrderLocks } from './lock-relevance';

export interface LockSite {
  file: string;
  start: number;
  end: number;
}

export interface LockOrderEdge {
  /** Lock classes: `from` held while `to` is taken. */
  from: string;
  to: string;
  /** The locks as this code names them (`this.accounts`, `stats`). */
  fromName: string;
  toName: string;
  /** Where `to` is taken (or the call that takes it); where `from` was taken before. */
  inner: LockSite;
  outer: LockSite[];
  /** Every lock class held there: a lock common to both orders keeps them from deadlocking. */
  held: string[];
}

export interface Inversion {
  edge: LockOrderEdge;
  /** Edges that lead from `edge.to` back to `edge.from`: the other order(s). */
  others: LockOrderEdge[];
}

export class LockOrderGraph {
  /** Each file's edges, and every edge by the lock it leaves. */
  private readonly edges = new FileIndex<LockOrderEdge>(e => e.from);

  /** Records a file's edges (replacing what it had); returns the other files whose inversions changed. */
  update(file: string, edges: LockOrderEdge[]): Set<string> {
    const before = this.signatures(this.affected(file, edges));
    this.edges.replace(file, edges);
    const after = this.signatures(new Set([...before.keys(), ...this.affected(file, edges)]));
    const changed = new Set<string>();
    for (const f of new Set([...before.keys(), ...after.keys()])) {
      if (f !== file && before.get(f) !== after.get(f)) changed.add(f);
    }
    return changed;
  }

  remove(file: string): Set<string> {
    return this.update(file, []);
  }

  /** The edges of `file` that close a cycle, each with a path back through the graph. */
  inversionsIn(file: string): Inversion[] {
    const out: Inversion[] = [];
    for (const edge of this.edges.ofFile(file)) {
      const others = this.pathBack(edge);
      if (others) out.push({ edge, others });
    }
    return out;
  }

  /**
   * The shortest chain of edges from `edge.to` back to `edge.from`, unless every order in the cycle is
   * taken under one more lock they all hold (a gate lock: no two of them can run at once).
   */
  private pathBack(edge: LockOrderEdge): LockOrderEdge[] | undefined {
    const previous = new Map<string, LockOrderEdge>();
    const queue = [edge.to];
    const seen = new Set([edge.to]);
    while (queue.length > 0) {
      const lock = queue.shift()!;
      for (const next of this.edges.withKey(lock)) {
        if (next === edge || seen.has(next.to)) continue;
        previous.set(next.to, next);
        if (next.to === edge.from) {
          const path: LockOrderEdge[] = [];
          for (let at = edge.from; at !== edge.to;) {
            const step = previous.get(at)!;
            path.unshift(step);
            at = step.from;
          }
          return isGated([edge, ...path]) ? undefined : path;
        }
        seen.add(next.to);
        queue.push(next.to);
      }
    }
    return undefined;
  }

  /** Files with an edge touching a lock class that `file`'s old or new edges touch. */
  private affected(file: string, edges: readonly LockOrderEdge[]): Set<string> {
    const locks = new Set([...this.edges.ofFile(file), ...edges].flatMap(e => [e.from, e.to]));
    const files = new Set<string>();
    if (locks.size === 0) return files;
    for (const [f, list] of this.edges.files()) if (list.some(e => locks.has(e.from) || locks.has(e.to))) files.add(f);
    return files;
  }

  private signatures(files: ReadonlySet<string>): Map<string, string> {
    const out = new Map<string, string>();
    for (const f of files) {
      out.set(f, JSON.stringify(this.inversionsIn(f).map(i => [i.edge.inner, i.edge.outer, i.others.map(o => [o.inner, o.outer])])));
    }
    return out;
  }
}

function isGated(cycle: readonly LockOrderEdge[]): boolean {
  const inCycle = new Set(cycle.flatMap(e => [e.from, e.to]));
  let common = new Set(cycle[0].held.filter(h => !inCycle.has(h)));
  for (const e of cycle.slice(1)) common = new Set(e.held.filter(h => common.has(h)));
  return common.size > 0;
}

/**
 * The edges one file contributes, from its own lock analysis. A failure costs this file's orders only
 * (none are known then), and comes back as `error` for the log: the file's rules still run.
 */
/** A file's lock-order edges, and what failed while reading them. */
export interface LockOrders {
  edges: LockOrderEdge[];
  error?: string;
}

export function lockOrderEdges(file: ts.SourceFile, program: ts.Program): LockOrders {
  // Most files never hold two locks at once: told from syntax, they need no type checker (the first
  // pass of a run would otherwise build one for every program, to be built again for its rules).
  if (!mayOrderLocks(file, program)) return { edges: [] };
  const locks = lockModelOf(program, file);
  const edges: LockOrderEdge[] = [];
  try {
    for (const fl of locks.held.functionsWithLocks(file)) collectEdges(locks, fl, edges);
  } catch (e) {
    // A file nested just short of the depth budget: its rules report the overflow.
    if (isStackOverflow(e)) return { edges: [] };
    return { edges: [], error: `lock order of ${file.fileName} failed: ${errorText(e)}` };
  }
  // A call's summary and what it takes inside can name one acquisition twice.
  const seen = new Set<string>();
  return {
    edges: edges.filter(e => {
      const id = `${e.from}\0${e.to}\0${e.inner.start}`;
      return !seen.has(id) && seen.add(id) !== undefined;
    }),
  };
}

function collectEdges(locks: LockModel, fl: FunctionLocks, edges: LockOrderEdge[]): void {
  const site = (n: ts.Node): LockSite => ({ file: n.getSourceFile().fileName, start: n.getStart(), end: n.end });
  const add = (node: ts.Node, n: CfgNode, key: LockKey, toClass: string | undefined): void => {
    const held = [...locks.held.heldBefore(fl, n, node.getStart())].filter(k => k !== UNKNOWN_LOCK);
    if (!toClass || held.length === 0) return;
    const heldClasses = held.map(k => locks.keys.lockClass(k, node)).filter((c): c is string => c !== undefined);
    for (const h of held) {
      const fromClass = locks.keys.lockClass(h, node);
      if (!fromClass || fromClass === toClass) continue;
      const outer = locks.held.whereTaken(fl, n, node.getStart(), h).map(site);
      edges.push({ from: fromClass, to: toClass, fromName: h, toName: key, inner: site(node), outer, held: heldClasses });
    }
  };
  for (const [n, events] of fl.events) {
    for (const e of events) {
      if (e.kind === 'acquire' && !e.transient && e.key !== UNKNOWN_LOCK) add(e.node, n, e.key, locks.keys.lockClass(e.key, e.node));
    }
  }
  for (const n of fl.cfg.nodes) {
    if ((fl.mustBefore.get(n)?.size ?? 0) === 0 && !fl.events.has(n)) continue;
    for (const call of locks.held.callsOf(n)) {
      // A lock's own method takes its lock (above), not the cells inside it.
      if (locks.calls.of(call).length > 0) continue;
      for (const inner of locks.summaries.innerAcquisitions(call)) {
        add(call, n, inner.key, inner.lockClass ?? locks.keys.lockClass(inner.key, call));
      }
    }
  }
}

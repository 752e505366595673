/** Walks over a function's control-flow graph. */
import { ts } from '../ts';
import type { Cfg, CfgNode } from './graph';

/** What a walk does at a node: goes on past it, stops there (its successors are not reached through it), or ends. */
export type Step = 'past' | 'stop' | 'end';

/**
 * Visits each node reachable from `start` along `next` (a node's `succ` or `pred`) once, nearest first;
 * `visit` tells the walk what to do at each.
 */
export function walk(start: readonly CfgNode[], next: (n: CfgNode) => readonly CfgNode[], visit: (n: CfgNode) => Step): void {
  const seen = new Set<CfgNode>();
  const queue = [...start];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i]!;
    if (seen.has(n)) continue;
    seen.add(n);
    const step = visit(n);
    if (step === 'end') return;
    if (step === 'past') queue.push(...next(n));
  }
}

export const successors = (n: CfgNode): readonly CfgNode[] => n.succ;
export const predecessors = (n: CfgNode): readonly CfgNode[] => n.pred;

/**
 * Whether every path from just after `from` to the function's normal end passes a node for which
 * `passes` holds. Paths that end in a `throw` are exempt: no data is handed over on them.
 */
export function everyPathPasses(cfg: Cfg, from: CfgNode, passes: (n: CfgNode) => boolean): boolean {
  let escapes = false;
  walk(from.succ, successors, n => {
    if (passes(n)) return 'stop';
    if (n === cfg.exit) {
      escapes = true;
      return 'end';
    }
    return n.ast && ts.isThrowStatement(n.ast) ? 'stop' : 'past';
  });
  return !escapes;
}

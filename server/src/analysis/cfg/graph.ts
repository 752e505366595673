/**
 * A control-flow graph per function, at statement granularity (build.ts makes it): each simple
 * statement, each condition (of `if`, loops, `switch` cases) and each `for` initializer/incrementor is
 * a node. Walks over it are in paths.ts, dataflow over it in dataflow.ts.
 */
import type { ts } from '../ts';

export type CfgNodeKind = 'entry' | 'exit' | 'statement' | 'condition' | 'loop-exit' | 'assume';

export interface CfgNode {
  readonly id: number;
  readonly kind: CfgNodeKind;
  /** The statement or expression; for `loop-exit`, the loop statement; none for `assume`. */
  readonly ast: ts.Node | undefined;
  /** For `assume`: the condition and the value it had on this branch. */
  readonly assume?: { expr: ts.Expression; value: boolean };
  /** For the stand-in a node inside a `try` throws from: that node. */
  readonly throwOf?: CfgNode;
  readonly succ: CfgNode[];
  readonly pred: CfgNode[];
}

export interface Cfg {
  readonly entry: CfgNode;
  readonly exit: CfgNode;
  readonly nodes: readonly CfgNode[];
  /** The node that evaluates `node` (its nearest registered ancestor in this function). */
  nodeOf(node: ts.Node): CfgNode | undefined;
  /** Every node that evaluates `node`: more than one inside a `finally` block left in several ways. */
  nodesOf(node: ts.Node): readonly CfgNode[];
}

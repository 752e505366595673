/**
 * A control-flow graph per function, at statement granularity: each simple statement, each
 * condition (of `if`, loops, `switch` cases) and each `for` initializer/incrementor is a node.
 * Expressions inside a node are not split (short-circuit operators are not modelled yet).
 * Every loop gets a synthetic `loop-exit` node that all its exits pass through, so facts that begin
 * when a loop ends (a spin lock is taken once its `compareExchange` loop exits) have a place to live.
 */
import { ts } from './ts';
import { isFunctionBoundary } from './syntax';

export type CfgNodeKind = 'entry' | 'exit' | 'statement' | 'condition' | 'loop-exit';

export interface CfgNode {
  readonly id: number;
  readonly kind: CfgNodeKind;
  /** The statement or expression; for `loop-exit`, the loop statement. */
  readonly ast: ts.Node | undefined;
  readonly succ: CfgNode[];
  readonly pred: CfgNode[];
}

export interface Cfg {
  readonly entry: CfgNode;
  readonly exit: CfgNode;
  readonly nodes: readonly CfgNode[];
  /** The node that evaluates `node` (its nearest registered ancestor in this function). */
  nodeOf(node: ts.Node): CfgNode | undefined;
}

type FunctionLike = ts.FunctionLikeDeclaration | ts.ClassStaticBlockDeclaration | ts.SourceFile;

interface JumpTarget {
  labels: string[];
  isLoop: boolean;
  breaks: CfgNode[];
  continueTo?: CfgNode;
}

export function buildCfg(fn: FunctionLike): Cfg {
  const nodes: CfgNode[] = [];
  const byAst = new Map<ts.Node, CfgNode>();
  const targets: JumpTarget[] = [];
  /** Nodes created inside each enclosing `try` block: any of them may throw into the `catch`. */
  const tryScopes: CfgNode[][] = [];
  /** Entry points of enclosing `finally` blocks: abrupt exits run them first. */
  const finallyEntries: CfgNode[][] = [];

  const make = (kind: CfgNodeKind, ast: ts.Node | undefined): CfgNode => {
    const n: CfgNode = { id: nodes.length, kind, ast, succ: [], pred: [] };
    nodes.push(n);
    if (ast && kind !== 'loop-exit') byAst.set(ast, n);
    for (const scope of tryScopes) scope.push(n);
    return n;
  };
  const link = (from: readonly CfgNode[], to: CfgNode): void => {
    for (const f of from) {
      if (!f.succ.includes(to)) {
        f.succ.push(to);
        to.pred.push(f);
      }
    }
  };
  const entry = make('entry', undefined);
  const exit: CfgNode = { id: -1, kind: 'exit', ast: undefined, succ: [], pred: [] };

  /** An abrupt exit to the function's end, through the innermost `finally` when there is one. */
  const exitFrom = (n: CfgNode): void => {
    const fin = finallyEntries[finallyEntries.length - 1];
    if (fin) fin.push(n);
    else link([n], exit);
  };

  const simple = (ast: ts.Node, preds: CfgNode[]): CfgNode[] => {
    const n = make('statement', ast);
    link(preds, n);
    return [n];
  };

  const findTarget = (label: ts.Identifier | undefined, forContinue: boolean): JumpTarget | undefined => {
    for (let i = targets.length - 1; i >= 0; i--) {
      const t = targets[i];
      if (label ? t.labels.includes(label.text) : (t.isLoop || !forContinue)) {
        if (!forContinue || t.isLoop) return t;
      }
    }
    return undefined;
  };

  const loop = (stmt: ts.IterationStatement, labels: string[], build: (target: JumpTarget) => CfgNode[]): CfgNode[] => {
    const target: JumpTarget = { labels, isLoop: true, breaks: [] };
    targets.push(target);
    const exitNode = make('loop-exit', stmt);
    const fallOut = build(target);
    targets.pop();
    link(fallOut, exitNode);
    link(target.breaks, exitNode);
    return [exitNode];
  };

  const visit = (stmt: ts.Statement, preds: CfgNode[], labels: string[] = []): CfgNode[] => {
    switch (stmt.kind) {
      case ts.SyntaxKind.Block:
        return visitList((stmt as ts.Block).statements, preds);
      case ts.SyntaxKind.EmptyStatement:
        return preds;
      case ts.SyntaxKind.LabeledStatement: {
        const l = stmt as ts.LabeledStatement;
        const inner = [...labels, l.label.text];
        if (ts.isIterationStatement(l.statement, false)) return visit(l.statement, preds, inner);
        const target: JumpTarget = { labels: inner, isLoop: false, breaks: [] };
        targets.push(target);
        const out = visit(l.statement, preds);
        targets.pop();
        return [...out, ...target.breaks];
      }
      case ts.SyntaxKind.IfStatement: {
        const s = stmt as ts.IfStatement;
        const cond = make('condition', s.expression);
        link(preds, cond);
        const thenOut = visit(s.thenStatement, [cond]);
        const elseOut = s.elseStatement ? visit(s.elseStatement, [cond]) : [cond];
        return [...thenOut, ...elseOut];
      }
      case ts.SyntaxKind.WhileStatement: {
        const s = stmt as ts.WhileStatement;
        return loop(s, labels, (target) => {
          const cond = make('condition', s.expression);
          link(preds, cond);
          target.continueTo = cond;
          const bodyOut = visit(s.statement, [cond]);
          link(bodyOut, cond);
          return isTrueLiteral(s.expression) ? [] : [cond];
        });
      }
      case ts.SyntaxKind.DoStatement: {
        const s = stmt as ts.DoStatement;
        return loop(s, labels, (target) => {
          const cond = make('condition', s.expression);
          target.continueTo = cond;
          const bodyEntry = make('statement', undefined);
          link(preds, bodyEntry);
          const bodyOut = visit(s.statement, [bodyEntry]);
          link(bodyOut, cond);
          link([cond], bodyEntry);
          return isTrueLiteral(s.expression) ? [] : [cond];
        });
      }
      case ts.SyntaxKind.ForStatement: {
        const s = stmt as ts.ForStatement;
        let cur = preds;
        if (s.initializer) cur = simple(s.initializer, cur);
        return loop(s, labels, (target) => {
          const cond = make('condition', s.condition);
          link(cur, cond);
          const incr = s.incrementor ? make('statement', s.incrementor) : cond;
          target.continueTo = incr;
          const bodyOut = visit(s.statement, [cond]);
          link(bodyOut, incr);
          if (incr !== cond) link([incr], cond);
          return s.condition && !isTrueLiteral(s.condition) ? [cond] : [];
        });
      }
      case ts.SyntaxKind.ForOfStatement:
      case ts.SyntaxKind.ForInStatement: {
        const s = stmt as ts.ForOfStatement | ts.ForInStatement;
        return loop(s, labels, (target) => {
          const head = make('condition', s.expression);
          link(preds, head);
          target.continueTo = head;
          const bodyOut = visit(s.statement, [head]);
          link(bodyOut, head);
          return [head];
        });
      }
      case ts.SyntaxKind.SwitchStatement: {
        const s = stmt as ts.SwitchStatement;
        const disc = make('condition', s.expression);
        link(preds, disc);
        const target: JumpTarget = { labels, isLoop: false, breaks: [] };
        targets.push(target);
        let fall: CfgNode[] = [];
        let hasDefault = false;
        for (const clause of s.caseBlock.clauses) {
          let start: CfgNode[];
          if (ts.isCaseClause(clause)) {
            const test = make('condition', clause.expression);
            link([disc], test);
            start = [test, ...fall];
          } else {
            hasDefault = true;
            start = [disc, ...fall];
          }
          fall = visitList(clause.statements, start);
        }
        targets.pop();
        return [...fall, ...target.breaks, ...(hasDefault ? [] : [disc])];
      }
      case ts.SyntaxKind.BreakStatement:
      case ts.SyntaxKind.ContinueStatement: {
        const s = stmt as ts.BreakOrContinueStatement;
        const n = make('statement', s);
        link(preds, n);
        const isContinue = s.kind === ts.SyntaxKind.ContinueStatement;
        const t = findTarget(s.label, isContinue);
        if (t && isContinue && t.continueTo) link([n], t.continueTo);
        else if (t) t.breaks.push(n);
        return [];
      }
      case ts.SyntaxKind.ReturnStatement:
      case ts.SyntaxKind.ThrowStatement: {
        const n = make('statement', stmt);
        link(preds, n);
        exitFrom(n);
        return [];
      }
      case ts.SyntaxKind.TryStatement: {
        const s = stmt as ts.TryStatement;
        const abrupt: CfgNode[] = [];
        if (s.finallyBlock) finallyEntries.push(abrupt);
        const scope: CfgNode[] = [];
        tryScopes.push(scope);
        const tryOut = visit(s.tryBlock, preds);
        tryScopes.pop();
        let catchOut: CfgNode[] = [];
        if (s.catchClause) {
          // Any node of the try block may throw, and so may the very first one before it runs.
          catchOut = visit(s.catchClause.block, [...preds, ...scope]);
        } else if (s.finallyBlock) {
          abrupt.push(...preds, ...scope);
        }
        if (!s.finallyBlock) return [...tryOut, ...catchOut];
        finallyEntries.pop();
        const finOut = visit(s.finallyBlock, [...tryOut, ...catchOut, ...abrupt]);
        // After `finally`, abrupt exits continue outward; normal ones fall through.
        if (abrupt.length > 0) for (const f of finOut) exitFrom(f);
        return tryOut.length + catchOut.length > 0 ? finOut : [];
      }
      default:
        return simple(stmt, preds);
    }
  };

  const visitList = (stmts: readonly ts.Statement[], preds: CfgNode[]): CfgNode[] => {
    let cur = preds;
    for (const s of stmts) cur = visit(s, cur);
    return cur;
  };

  let out: CfgNode[];
  if (ts.isSourceFile(fn)) out = visitList(fn.statements, [entry]);
  else if (ts.isClassStaticBlockDeclaration(fn)) out = visitList(fn.body.statements, [entry]);
  else if (!fn.body) out = [entry];
  else if (ts.isBlock(fn.body)) out = visitList(fn.body.statements, [entry]);
  else out = simple(fn.body, [entry]);
  link(out, exit);
  (exit as { id: number }).id = nodes.length;
  nodes.push(exit);

  return {
    entry,
    exit,
    nodes,
    nodeOf(node: ts.Node): CfgNode | undefined {
      for (let n: ts.Node | undefined = node; n && n !== fn; n = n.parent) {
        const hit = byAst.get(n);
        if (hit) return hit;
        if (isFunctionBoundary(n)) return undefined;
      }
      return undefined;
    },
  };
}

function isTrueLiteral(e: ts.Expression): boolean {
  return e.kind === ts.SyntaxKind.TrueKeyword;
}

/**
 * Whether every path from just after `from` to the function's normal end passes a node for which
 * `passes` holds. Paths that end in a `throw` are exempt: no data is handed over on them.
 */
export function everyPathPasses(cfg: Cfg, from: CfgNode, passes: (n: CfgNode) => boolean): boolean {
  const seen = new Set<CfgNode>();
  const stack = [...from.succ];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (passes(n)) continue;
    if (n === cfg.exit) return false;
    if (n.ast && ts.isThrowStatement(n.ast)) continue;
    stack.push(...n.succ);
  }
  return true;
}

/**
 * A forward "must" dataflow over the graph: a fact holds at a node when it holds on every path
 * into it. `transfer` maps the facts before a node to those after it.
 */
export function mustForward<T>(cfg: Cfg, initial: ReadonlySet<T>, transfer: (n: CfgNode, before: ReadonlySet<T>) => ReadonlySet<T>): Map<CfgNode, ReadonlySet<T>> {
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
      if (!pa) continue; // not reached yet: the top element of a must-lattice
      if (!inSet) inSet = new Set(pa);
      else for (const x of inSet) if (!pa.has(x)) inSet.delete(x);
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

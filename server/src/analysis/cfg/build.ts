/**
 * How a function's control-flow graph (graph.ts) is built.
 *
 * - Every loop gets a synthetic `loop-exit` node that all its exits pass through, so facts that begin
 *   when a loop ends (a spin lock is taken once its `compareExchange` loop exits) have a place to live.
 * - Each branch of an `if` or a loop condition starts with an `assume` node that records which way the
 *   condition went, so a fact can depend on it (`if (m.tryLock()) …` holds the lock in its then-branch).
 * - `return`, `throw`, `break` and `continue` run the `finally` blocks they leave, then go where they
 *   were going: a `finally` block is built once per way of leaving it (falling through, returning,
 *   throwing, each jump target), so a path that enters it by a `return` leaves it by that `return`.
 *   `nodeOf` answers the first copy; `nodesOf` all of them.
 * - Inside a `try`, any node may throw: to the innermost `catch`, else through the `finally` blocks to
 *   the function's end, leaving from a stand-in node that has the facts from before it (what it would
 *   have done, it did not). Outside a `try`, only `throw` statements throw.
 * - Expressions inside a node are not split: whether a part of one runs only on some paths through it
 *   (the right of `&&`, `||`, `??`, a branch of `?:`, what follows `?.`) is `isConditional`'s answer (conditions.ts).
 */
import { ts } from '../ts';
import { type FunctionLike, isFunctionBoundary } from '../syntax/syntax';
import type { Cfg, CfgNode, CfgNodeKind } from './graph';

interface JumpTarget {
  labels: string[];
  isLoop: boolean;
  breaks: CfgNode[];
  continueTo?: CfgNode;
  /** How many handlers enclose the target: a jump to it runs the `finally` blocks above that depth. */
  depth: number;
}

type Exit = { kind: 'return' | 'throw' } | { kind: 'break' | 'continue'; target: JumpTarget };

/** A `catch` receives throws; a `finally` receives every way of leaving its `try` and `catch`. */
interface Handler {
  kind: 'catch' | 'finally';
  throwers: CfgNode[];
  pending: { from: CfgNode; exit: Exit }[];
}

/** A `finally` block built once per way of leaving it bounds the copies a pathological nesting could make. */
const MAX_NODES = 20_000;

const built = new WeakMap<FunctionLike, Cfg>();

/** A function's graph, built once per tree: the lock model, the sharing analysis and the rules all read this one. */
export function cfgOf(fn: FunctionLike): Cfg {
  let cfg = built.get(fn);
  if (!cfg) built.set(fn, cfg = buildCfg(fn));
  return cfg;
}

function buildCfg(fn: FunctionLike): Cfg {
  const nodes: CfgNode[] = [];
  const byAst = new Map<ts.Node, CfgNode[]>();
  const targets: JumpTarget[] = [];
  const handlers: Handler[] = [];
  const exit: CfgNode = { id: -1, kind: 'exit', ast: undefined, succ: [], pred: [] };

  /** For a node that may throw inside a `try`: a stand-in with its predecessors, from which the throw leaves. */
  const throwPoints = new Map<CfgNode, CfgNode>();
  const link = (from: readonly CfgNode[], to: CfgNode): void => {
    for (const f of from) {
      if (!f.succ.includes(to)) {
        f.succ.push(to);
        to.pred.push(f);
      }
    }
    const point = throwPoints.get(to);
    if (point) link(from, point);
  };

  /** Sends an abrupt exit through the handlers it leaves (innermost first), then to where it goes. */
  const route = (from: CfgNode, exitTo: Exit): void => {
    for (let i = handlers.length - 1; i >= 0; i--) {
      if ((exitTo.kind === 'break' || exitTo.kind === 'continue') && i < exitTo.target.depth) break;
      const h = handlers[i];
      if (h.kind === 'catch') {
        if (exitTo.kind === 'throw') {
          h.throwers.push(from);
          return;
        }
        continue;
      }
      h.pending.push({ from, exit: exitTo });
      return;
    }
    if (exitTo.kind === 'break') exitTo.target.breaks.push(from);
    else if (exitTo.kind === 'continue') link([from], exitTo.target.continueTo!);
    else link([from], exit);
  };

  const make = (kind: CfgNodeKind, ast: ts.Node | undefined, assume?: CfgNode['assume']): CfgNode => {
    const n: CfgNode = { id: nodes.length, kind, ast, succ: [], pred: [], ...(assume ? { assume } : {}) };
    nodes.push(n);
    if (ast && kind !== 'loop-exit') {
      const copies = byAst.get(ast);
      if (copies) copies.push(n);
      else byAst.set(ast, [n]);
      // Inside a `try`, whatever a statement calls may throw: with the facts from before it (a lock
      // call that throws has not taken the lock).
      if (handlers.length > 0) {
        const point: CfgNode = { id: nodes.length, kind: 'statement', ast: undefined, throwOf: n, succ: [], pred: [] };
        nodes.push(point);
        throwPoints.set(n, point);
        route(point, { kind: 'throw' });
      }
    }
    return n;
  };

  const entry = make('entry', undefined);

  const simple = (ast: ts.Node, preds: CfgNode[]): CfgNode[] => {
    const n = make('statement', ast);
    link(preds, n);
    return [n];
  };

  /** The branch of `cond` taken when it evaluates to `value`. */
  const branch = (cond: CfgNode, value: boolean): CfgNode[] => {
    const expr = cond.ast as ts.Expression | undefined;
    if (!expr) return [cond];
    const n = make('assume', undefined, { expr, value });
    link([cond], n);
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
    const target: JumpTarget = { labels, isLoop: true, breaks: [], depth: handlers.length };
    targets.push(target);
    const exitNode = make('loop-exit', stmt);
    const fallOut = build(target);
    targets.pop();
    link(fallOut, exitNode);
    link(target.breaks, exitNode);
    return [exitNode];
  };

  const visitTry = (s: ts.TryStatement, preds: CfgNode[]): CfgNode[] => {
    const fin: Handler | undefined = s.finallyBlock ? { kind: 'finally', throwers: [], pending: [] } : undefined;
    if (fin) handlers.push(fin);
    // What throws is a statement's stand-in, made with it (a throw leaves with the facts from before it).
    const cat: Handler | undefined = s.catchClause ? { kind: 'catch', throwers: [], pending: [] } : undefined;
    if (cat) handlers.push(cat);
    const tryOut = visit(s.tryBlock, preds);
    if (cat) handlers.pop();
    const catchOut = cat && s.catchClause ? visit(s.catchClause.block, cat.throwers) : [];
    if (!fin || !s.finallyBlock) return [...tryOut, ...catchOut];
    handlers.pop();
    const block = s.finallyBlock;
    const normal = [...tryOut, ...catchOut];
    const out = normal.length > 0 ? visit(block, normal) : [];
    const groups: { exit: Exit; froms: CfgNode[] }[] = [];
    for (const { from, exit: e } of fin.pending) {
      let g = groups.find(x => x.exit.kind === e.kind && ('target' in x.exit ? x.exit.target : undefined) === ('target' in e ? e.target : undefined));
      if (!g) groups.push(g = { exit: e, froms: [] });
      g.froms.push(from);
    }
    for (const { exit: e, froms } of groups) {
      if (nodes.length > MAX_NODES) {
        for (const f of froms) route(f, e);
        continue;
      }
      for (const f of visit(block, froms)) route(f, e);
    }
    return out;
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
        const target: JumpTarget = { labels: inner, isLoop: false, breaks: [], depth: handlers.length };
        targets.push(target);
        const out = visit(l.statement, preds);
        targets.pop();
        return [...out, ...target.breaks];
      }
      case ts.SyntaxKind.IfStatement: {
        const s = stmt as ts.IfStatement;
        const cond = make('condition', s.expression);
        link(preds, cond);
        const thenOut = visit(s.thenStatement, branch(cond, true));
        const elseOut = s.elseStatement ? visit(s.elseStatement, branch(cond, false)) : branch(cond, false);
        return [...thenOut, ...elseOut];
      }
      case ts.SyntaxKind.WhileStatement: {
        const s = stmt as ts.WhileStatement;
        return loop(s, labels, (target) => {
          const cond = make('condition', s.expression);
          link(preds, cond);
          target.continueTo = cond;
          const bodyOut = visit(s.statement, branch(cond, true));
          link(bodyOut, cond);
          return isTrueLiteral(s.expression) ? [] : branch(cond, false);
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
          link(branch(cond, true), bodyEntry);
          return isTrueLiteral(s.expression) ? [] : branch(cond, false);
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
          const bodyOut = visit(s.statement, branch(cond, true));
          link(bodyOut, incr);
          if (incr !== cond) link([incr], cond);
          return s.condition && !isTrueLiteral(s.condition) ? branch(cond, false) : [];
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
        const target: JumpTarget = { labels, isLoop: false, breaks: [], depth: handlers.length };
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
        if (t && (!isContinue || t.continueTo)) route(n, { kind: isContinue ? 'continue' : 'break', target: t });
        return [];
      }
      case ts.SyntaxKind.ReturnStatement:
      case ts.SyntaxKind.ThrowStatement: {
        const n = make('statement', stmt);
        link(preds, n);
        route(n, { kind: stmt.kind === ts.SyntaxKind.ReturnStatement ? 'return' : 'throw' });
        return [];
      }
      case ts.SyntaxKind.TryStatement:
        return visitTry(stmt as ts.TryStatement, preds);
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

  const nodesOf = (node: ts.Node): readonly CfgNode[] => {
    for (let n: ts.Node | undefined = node; n && n !== fn; n = n.parent) {
      const hit = byAst.get(n);
      if (hit) return hit;
      if (isFunctionBoundary(n)) return [];
    }
    return [];
  };
  return { entry, exit, nodes, nodesOf, nodeOf: node => nodesOf(node)[0] };
}

function isTrueLiteral(e: ts.Expression): boolean {
  return e.kind === ts.SyntaxKind.TrueKeyword;
}

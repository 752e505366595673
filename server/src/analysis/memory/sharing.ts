/**
 * When shared memory is actually shared. A buffer this code allocates is private until it is first
 * handed to anything (posted, given as `workerData`, passed to a call, stored, returned): writes
 * before that cannot race. A plain store that is *published* on every path after it, by an atomic
 * write or notify (the ring-buffer idiom) or by a message (what a thread did before posting happens
 * before what the receiver does on receiving), is ordered for any reader that synchronises with it.
 * And between a request that carries the buffer and the wait for its answer on one side, and the next
 * request on the other, the buffer is this thread's alone (the sync bridge's round trip).
 */
import { ts } from '../ts';
import { everyPathPasses } from '../cfg/paths';
import { mustForward } from '../cfg/dataflow';
import type { FileFacts } from '../file-facts';
import { Provenance, functionSymbol, isAllocationRoot, sharesRoot } from './provenance';
import { atomicsCallName, enclosingFunction, forEachInFunction, isFunctionBoundary, isInside, outerParent, skipOuter } from '../syntax/syntax';
import { cfgOf } from '../cfg/build';

const PUBLISHING_ATOMICS = new Set(['store', 'add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange', 'notify']);
const VIEW_METHODS_NOT_ESCAPING = new Set(['set', 'fill', 'copyWithin', 'sort', 'reverse', 'at', 'indexOf', 'includes',
  'slice', 'join', 'forEach', 'every', 'some', 'find', 'findIndex', 'reduce', 'lastIndexOf', 'toString',
  'getInt8', 'getUint8', 'getInt16', 'getUint16', 'getInt32', 'getUint32', 'getFloat32', 'getFloat64', 'getBigInt64', 'getBigUint64',
  'setInt8', 'setUint8', 'setInt16', 'setUint16', 'setInt32', 'setUint32', 'setFloat32', 'setFloat64', 'setBigInt64', 'setBigUint64']);
/** How deep a chain of helper calls is followed to find the atomic that publishes. */
const MAX_PUBLISH_DEPTH = 3;
const NON_ESCAPING_PROPS = new Set(['length', 'byteLength', 'byteOffset', 'BYTES_PER_ELEMENT']);

export class SharingAnalysis {
  private readonly escapes = new Map<ts.Node, ts.Node[]>();
  private messages: Map<ts.Node, ts.Expression> | undefined;

  constructor(private readonly facts: FileFacts) {}

  /** Whether `node` runs before every buffer behind `prov` has left the function that made it. */
  isBeforeSharing(node: ts.Node, prov: Provenance): boolean {
    if (prov.roots.size === 0) return false;
    const fn = enclosingFunction(node);
    for (const root of prov.roots) {
      const fresh = this.freshValuesIn(root, fn);
      if (!fresh) return false;
      for (const e of fresh.flatMap(v => this.escapesOf(v))) {
        if (e.getStart() < node.getStart()) return false;
        if (inCommonLoop(node, e, fn)) return false;
      }
    }
    return true;
  }

  /** Whether the buffer made at `root` (or a view of it) is ever handed to anything: posted, stored, passed, returned. */
  isHandedOut(root: ts.Node): boolean {
    return !isAllocationRoot(root) || this.escapesOf(root).length > 0;
  }

  /**
   * The expressions of `fn` that each yield a new buffer made at `root`: the allocation itself when
   * `fn` makes it, or the calls in `fn` of a local factory that does nothing with it but return it.
   */
  private freshValuesIn(root: ts.Node, fn: ts.Node): ts.Expression[] | undefined {
    if (!isAllocationRoot(root)) return undefined;
    const home = enclosingFunction(root);
    if (home === fn) return [root as ts.Expression];
    if (!isFunctionBoundary(home) || ts.isClassStaticBlockDeclaration(home)) return undefined;
    if (!this.escapesOf(root).every(e => isReturnedBy(e, home))) return undefined;
    const sym = functionSymbol(home, this.facts.checker);
    const calls = (sym ? this.facts.refs.within(sym, fn) : []).flatMap(ref => {
      const call = outerParent(ref);
      return ts.isCallExpression(call) && skipOuter(call.expression) === ref ? [call] : [];
    });
    return calls.length > 0 ? calls : undefined;
  }

  /**
   * Whether every path after `node` performs an atomic write or notify on shared memory: a release
   * that orders the plain store before it for any thread that acquires it, whichever buffer it is on
   * (the memory model orders all earlier writes, not only the same buffer's). A call to a function
   * of the program that publishes (`ready.store(true)` on an `AtomicBool`) counts too. So does a
   * message posted to another thread, unless a loop holds both: from its second round on, the
   * handler of the last round's message may still be reading while `node` writes.
   */
  isPublishedAfter(node: ts.Node): boolean {
    const fn = enclosingFunction(node);
    const cfg = cfgOf(fn);
    const at = cfg.nodeOf(node);
    if (!at) return false;
    return everyPathPasses(cfg, at, n => {
      if (!n.ast || n.kind === 'loop-exit') return false;
      let found = false;
      const check = (x: ts.Node): void => {
        if (!found && ts.isCallExpression(x)) found = this.publishes(x, 0) || (this.messageSent(x) !== undefined && !inCommonLoop(node, x, fn));
      };
      check(n.ast);
      forEachInFunction(n.ast, check);
      return found;
    });
  }

  private publishes(call: ts.CallExpression, depth: number): boolean {
    const name = atomicsCallName(call);
    if (name) return PUBLISHING_ATOMICS.has(name) && call.arguments[0] !== undefined && this.facts.provenance.of(call.arguments[0]).state === 'shared';
    if (depth >= MAX_PUBLISH_DEPTH) return false;
    const callee = this.calledBody(call);
    if (!callee) return false;
    let found = false;
    forEachInFunction(callee, x => {
      if (!found && ts.isCallExpression(x)) found = this.publishes(x, depth + 1);
    });
    return found;
  }

  /**
   * Whether `node` runs after the answer to a request, and before the next: on every path to it, a
   * message carrying the buffer behind `prov` was posted and then an `Atomics.wait` on that buffer
   * returned, with no message posted since. The other side got the buffer from that message and
   * answered by waking us: it touches the buffer again only when asked again, after `node`.
   */
  isAnsweredRequest(node: ts.Node, prov: Provenance): boolean {
    if (prov.roots.size === 0) return false;
    const fn = enclosingFunction(node);
    const cfg = cfgOf(fn);
    const at = cfg.nodeOf(node);
    if (!at) return false;
    const before = mustForward<RoundTrip>(cfg, new Set(), (n, facts) => {
      if (!n.ast) return facts;
      // A loop that waits on the buffer ends once it has seen the answer (its condition re-checks it).
      if (n.kind === 'loop-exit') return facts.has('requested') && this.waitsOn(n.ast, prov) ? new Set(['requested', 'answered']) : facts;
      let out = facts;
      const step = (x: ts.Node): void => {
        if (!ts.isCallExpression(x)) return;
        const payload = this.messageSent(x);
        if (payload) out = new Set(this.carries(payload, prov) ? ['requested'] : []);
        else if (out.has('requested') && this.isWaitOn(x, prov)) out = new Set(['requested', 'answered']);
      };
      step(n.ast);
      forEachInFunction(n.ast, step);
      return out;
    });
    return before.get(at)?.has('answered') === true;
  }

  private isWaitOn(call: ts.CallExpression, prov: Provenance): boolean {
    return atomicsCallName(call) === 'wait' && call.arguments[0] !== undefined && this.sameMemory(call.arguments[0], prov);
  }

  private waitsOn(loop: ts.Node, prov: Provenance): boolean {
    let found = false;
    forEachInFunction(loop, x => {
      if (!found && ts.isCallExpression(x)) found = this.isWaitOn(x, prov);
    });
    return found;
  }

  /** The payload a call posts to another thread, when it is one of this file's messages. */
  private messageSent(call: ts.CallExpression): ts.Expression | undefined {
    this.messages ??= new Map(this.facts.boundaries.filter(b => b.kind === 'message').map(b => [b.node, b.payload]));
    return this.messages.get(call);
  }

  /** Whether a payload holds the memory behind `prov`, or a view of it. */
  private carries(payload: ts.Expression, prov: Provenance): boolean {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found || isFunctionBoundary(n)) return;
      if ((ts.isIdentifier(n) || ts.isPropertyAccessExpression(n)) && this.sameMemory(n, prov)) found = true;
      else ts.forEachChild(n, visit);
    };
    visit(payload);
    return found;
  }

  private sameMemory(expr: ts.Expression, prov: Provenance): boolean {
    const other = this.facts.provenance.of(expr);
    return other.state === 'shared' && sharesRoot(other, prov);
  }

  /** The body of the function or method of this program a call runs, when the callee names one. */
  private calledBody(call: ts.CallExpression): ts.Node | undefined {
    const callee = skipOuter(call.expression);
    const id = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
    let sym = id && this.facts.checker.getSymbolAtLocation(id);
    if (sym && (sym.flags & ts.SymbolFlags.Alias)) sym = this.facts.checker.getAliasedSymbol(sym);
    let decl: ts.Node | undefined = sym?.valueDeclaration;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) decl = skipOuter(decl.initializer);
    return decl && isFunctionBoundary(decl) && !ts.isClassStaticBlockDeclaration(decl) ? decl.body : undefined;
  }

  /** Where the buffer made at `root`, or a view of it, is handed to anything beyond element access. */
  private escapesOf(root: ts.Node): ts.Node[] {
    let found = this.escapes.get(root);
    if (found) return found;
    found = [];
    const holders: ts.Expression[] = [root as ts.Expression];
    const seen = new Set<ts.Node>();
    while (holders.length > 0) {
      const h = holders.pop()!;
      if (seen.has(h)) continue;
      seen.add(h);
      const p = outerParent(h);
      if (ts.isVariableDeclaration(p) && p.initializer && skipOuter(p.initializer) === skipOuter(h) && ts.isIdentifier(p.name)) {
        const sym = this.facts.refs.symbolAt(p.name);
        if (!sym) { found.push(h); continue; }
        for (const ref of this.facts.refs.of(sym)) if (ref !== p.name) this.classifyUse(ref, holders, found);
      } else {
        this.classifyUse(h, holders, found);
      }
    }
    this.escapes.set(root, found);
    return found;
  }

  private classifyUse(use: ts.Expression, holders: ts.Expression[], escapes: ts.Node[]): void {
    const p = outerParent(use);
    if (ts.isElementAccessExpression(p) && skipOuter(p.expression) === use) return;
    if (ts.isPropertyAccessExpression(p) && skipOuter(p.expression) === use) {
      const name = p.name.text;
      if (NON_ESCAPING_PROPS.has(name)) return;
      if (name === 'buffer') { holders.push(p); return; }
      const call = p.parent;
      if (ts.isCallExpression(call) && call.expression === p) {
        if (name === 'subarray') { holders.push(call); return; }
        if (VIEW_METHODS_NOT_ESCAPING.has(name)) return;
      }
    }
    if (ts.isNewExpression(p) && p.arguments?.[0] && skipOuter(p.arguments[0]) === use) { holders.push(p); return; }
    // `shared ? new SharedArrayBuffer(n) : new ArrayBuffer(n)`, `given ?? new SharedArrayBuffer(n)`: the buffer is the result.
    if (ts.isConditionalExpression(p) && skipOuter(p.condition) !== use) { holders.push(p); return; }
    if (ts.isBinaryExpression(p) && (p.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || p.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
      holders.push(p);
      return;
    }
    if (ts.isCallExpression(p) && atomicsCallName(p) && p.arguments[0] && skipOuter(p.arguments[0]) === use) return;
    escapes.push(use);
  }
}

/** Where a request/answer round trip stands: the buffer posted, then its answer awaited. */
type RoundTrip = 'requested' | 'answered';

/** `e` is a value `fn` returns (`return e`, or an arrow function's expression body). */
function isReturnedBy(e: ts.Node, fn: ts.FunctionLikeDeclaration): boolean {
  const p = outerParent(e);
  return (ts.isReturnStatement(p) && enclosingFunction(p) === fn) || (p === fn && fn.body !== undefined && skipOuter(fn.body as ts.Expression) === e);
}

function inCommonLoop(a: ts.Node, b: ts.Node, fn: ts.Node): boolean {
  for (let n: ts.Node | undefined = a.parent; n && n !== fn && !isFunctionBoundary(n); n = n.parent) {
    if (ts.isIterationStatement(n, false) && isInside(b, n)) return true;
  }
  return false;
}

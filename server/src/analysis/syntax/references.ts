/**
 * Every identifier of one file, grouped by name, built on first use: finding the references of a
 * symbol is then a lookup and a symbol comparison, not a walk of the file per question. A local is
 * only looked for inside the function that declares it, so a name reused by every function of a
 * large file (`i`, `total`) does not make each lookup scan all of them.
 */
import { ts } from '../ts';
import { enclosingFunction } from './syntax';

const LOCAL_DECLARATION = (d: ts.Declaration): boolean =>
  ts.isVariableDeclaration(d) || ts.isParameter(d) || ts.isBindingElement(d) ||
  ts.isFunctionDeclaration(d) || ts.isClassDeclaration(d);

export class References {
  /** Per name, the identifiers of the file in document order (so a range is a binary search away). */
  private byName: Map<string, ts.Identifier[]> | undefined;
  private readonly symbolRefs = new Map<ts.Symbol, ts.Identifier[]>();

  constructor(private readonly file: ts.SourceFile, private readonly checker: ts.TypeChecker) {}

  /** Identifiers of this file that resolve to `symbol` (declarations included), in document order. */
  of(symbol: ts.Symbol): readonly ts.Identifier[] {
    let refs = this.symbolRefs.get(symbol);
    if (refs) return refs;
    refs = [];
    const scope = this.localScope(symbol);
    for (const id of this.named(symbol.getName(), scope)) {
      if (this.symbolAt(id) === symbol) refs.push(id);
    }
    this.symbolRefs.set(symbol, refs);
    return refs;
  }

  /** The references of `symbol` inside `node`. */
  within(symbol: ts.Symbol, node: ts.Node): readonly ts.Identifier[] {
    return slice(this.of(symbol), node);
  }

  /** The symbol an identifier stands for, looking through imports and shorthand properties. */
  symbolAt(id: ts.Identifier): ts.Symbol | undefined {
    const parent = id.parent;
    let sym = parent && ts.isShorthandPropertyAssignment(parent) && parent.name === id
      ? this.checker.getShorthandAssignmentValueSymbol(parent)
      : this.checker.getSymbolAtLocation(id);
    if (sym && (sym.flags & ts.SymbolFlags.Alias)) sym = this.checker.getAliasedSymbol(sym);
    return sym;
  }

  /** Identifiers spelled `name`, inside `scope` when one is given. */
  named(name: string, scope?: ts.Node): readonly ts.Identifier[] {
    if (!this.byName) {
      const map = new Map<string, ts.Identifier[]>();
      const visit = (n: ts.Node): void => {
        if (ts.isIdentifier(n)) {
          let list = map.get(n.text);
          if (!list) map.set(n.text, list = []);
          list.push(n);
        }
        ts.forEachChild(n, visit);
      };
      visit(this.file);
      this.byName = map;
    }
    const all = this.byName.get(name) ?? [];
    return scope ? slice(all, scope) : all;
  }

  /** The function every declaration of a local symbol of this file sits in; undefined for anything else. */
  private localScope(symbol: ts.Symbol): ts.Node | undefined {
    const decls = symbol.declarations ?? [];
    if (decls.length === 0 || !decls.every(d => d.getSourceFile() === this.file && LOCAL_DECLARATION(d))) return undefined;
    const scope = enclosingFunction(decls[0]);
    if (ts.isSourceFile(scope) || decls.some(d => enclosingFunction(d) !== scope)) return undefined;
    return scope;
  }
}

/** The identifiers of a document-ordered list that lie inside `node`. */
function slice(ids: readonly ts.Identifier[], node: ts.Node): readonly ts.Identifier[] {
  const first = lowerBound(ids, node.pos);
  let last = first;
  while (last < ids.length && ids[last].end <= node.end) last++;
  return ids.slice(first, last);
}

function lowerBound(ids: readonly ts.Identifier[], pos: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid].pos < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

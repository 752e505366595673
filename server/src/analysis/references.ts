/**
 * Every identifier of one file, grouped by name, built on first use: finding the references of a
 * symbol is then a lookup and a symbol comparison, not a walk of the file per question.
 */
import { ts } from './ts';

export class References {
  private byName: Map<string, ts.Identifier[]> | undefined;
  private readonly symbolRefs = new Map<ts.Symbol, ts.Identifier[]>();

  constructor(private readonly file: ts.SourceFile, private readonly checker: ts.TypeChecker) {}

  /** Identifiers of this file that resolve to `symbol` (declarations included). */
  of(symbol: ts.Symbol): readonly ts.Identifier[] {
    let refs = this.symbolRefs.get(symbol);
    if (refs) return refs;
    refs = [];
    for (const id of this.named(symbol.getName())) {
      if (this.symbolAt(id) === symbol) refs.push(id);
    }
    this.symbolRefs.set(symbol, refs);
    return refs;
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

  named(name: string): readonly ts.Identifier[] {
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
    return this.byName.get(name) ?? [];
  }
}

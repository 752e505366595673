/**
 * Spawn sites: the `new Worker(…)` expressions of a file and the module each one starts. This works
 * on syntax alone (no type checker), so a workspace scan can build the thread graph from every file
 * cheaply. Which `Worker` is meant follows the bindings: `worker_threads`' class, or the global (DOM)
 * `Worker` when nothing else binds the name; another library's `Worker` (threads.js resolves paths
 * relative to the caller) is not ours to judge. A target is resolved only where the code pins it to
 * this file's location (`new URL('./w.js', import.meta.url)`, `path.join(__dirname, 'w.js')`); a
 * bare relative string is resolved against the process's working directory, which we cannot know.
 */
import path from 'node:path';
import { ts } from './ts';
import { skipOuter } from './syntax';
import { workerThreadsBindings } from './threads';

export interface SpawnSite {
  /** The `new Worker(…)` expression. */
  node: ts.NewExpression;
  /** Absolute path of the module the worker runs (a source file when one sits beside the built name). */
  target?: string;
  /** Top-level property names of the `workerData` object literal (`...rest` for a spread). */
  sends: string[];
  /** A Web Worker (the global class), not `worker_threads`'. */
  web: boolean;
}

/** Extensions a compiled worker name may have come from, the source first. */
const SOURCE_FOR = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx'];
const PATH_JOINERS = new Set(['join', 'resolve']);

export function spawnSites(file: ts.SourceFile, exists: (file: string) => boolean): SpawnSite[] {
  const workerClass = workerClassOf(file);
  const sites: SpawnSite[] = [];
  const visit = (n: ts.Node): void => {
    const kind = ts.isNewExpression(n) ? workerClass(skipOuter(n.expression)) : undefined;
    if (kind && ts.isNewExpression(n)) {
      const spec = n.arguments?.[0];
      const written = spec && pinnedPath(spec, path.dirname(file.fileName));
      sites.push({ node: n, target: written && sourceOf(written, exists), sends: workerDataKeys(n), web: kind === 'web' });
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return sites;
}

function workerDataKeys(spawn: ts.NewExpression): string[] {
  const options = spawn.arguments?.[1] && skipOuter(spawn.arguments[1]);
  if (!options || !ts.isObjectLiteralExpression(options)) return [];
  for (const p of options.properties) {
    if (!p.name || !ts.isIdentifier(p.name) || p.name.text !== 'workerData') continue;
    const value = ts.isPropertyAssignment(p) ? skipOuter(p.initializer) : undefined;
    if (!value || !ts.isObjectLiteralExpression(value)) return [];
    return value.properties.flatMap(q => {
      if (ts.isSpreadAssignment(q)) return [`...${q.expression.getText()}`];
      return q.name && (ts.isIdentifier(q.name) || ts.isStringLiteral(q.name)) ? [q.name.text] : [];
    });
  }
  return [];
}

/** Which `Worker` a constructor expression names: `worker_threads`' (`node`), the global one (`web`), or neither. */
function workerClassOf(file: ts.SourceFile): (e: ts.Expression) => 'node' | 'web' | undefined {
  const { names, namespaces } = workerThreadsBindings(file);
  const boundElsewhere = declaresName(file, 'Worker') && names.get('Worker') !== 'Worker';
  return e => {
    if (ts.isIdentifier(e)) {
      if (names.get(e.text) === 'Worker') return 'node';
      return e.text === 'Worker' && !boundElsewhere ? 'web' : undefined;
    }
    const qualified = ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && namespaces.has(e.expression.text) &&
      e.name.text === 'Worker';
    return qualified ? 'node' : undefined;
  };
}

/** Whether the file binds `name` at its top level (an import or a declaration). */
function declaresName(file: ts.SourceFile, name: string): boolean {
  for (const stmt of file.statements) {
    if (ts.isImportDeclaration(stmt)) {
      const clause = stmt.importClause;
      if (clause?.name?.text === name) return true;
      const b = clause?.namedBindings;
      if (b && ts.isNamedImports(b) && b.elements.some(el => el.name.text === name)) return true;
    } else if ((ts.isClassDeclaration(stmt) || ts.isFunctionDeclaration(stmt)) && stmt.name?.text === name) {
      return true;
    } else if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name) return true;
        if (ts.isObjectBindingPattern(d.name) && d.name.elements.some(el => ts.isIdentifier(el.name) && el.name.text === name)) return true;
      }
    }
  }
  return false;
}

/** The absolute path a worker specifier names when it is pinned to this file's directory. */
function pinnedPath(spec: ts.Expression, dir: string): string | undefined {
  const e = skipOuter(spec);
  // new URL('./w.js', import.meta.url)
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'URL') {
    const [rel, base] = e.arguments ?? [];
    return rel && base && isImportMetaUrl(base) && ts.isStringLiteralLike(rel) ? path.resolve(dir, rel.text) : undefined;
  }
  if (ts.isCallExpression(e)) {
    const callee = skipOuter(e.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    // fileURLToPath(new URL(…)) and url.fileURLToPath(…)
    if (name === 'fileURLToPath' && e.arguments[0]) return pinnedPath(e.arguments[0], dir);
    // path.join(__dirname, 'w.js'), resolve(__dirname, 'workers', 'w.js')
    if (PATH_JOINERS.has(name) && e.arguments.length >= 2 && isDirname(e.arguments[0])) {
      const parts = e.arguments.slice(1).map(a => skipOuter(a));
      if (!parts.every(ts.isStringLiteralLike)) return undefined;
      return path.resolve(dir, ...parts.map(p => (p as ts.StringLiteralLike).text));
    }
    return undefined;
  }
  // __dirname + '/w.js'
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken && isDirname(e.left)) {
    const right = skipOuter(e.right);
    return ts.isStringLiteralLike(right) ? path.join(dir, right.text) : undefined;
  }
  // `${__dirname}/w.js`
  if (ts.isTemplateExpression(e) && e.head.text === '' && e.templateSpans.length === 1 &&
      isDirname(e.templateSpans[0].expression)) {
    return path.join(dir, e.templateSpans[0].literal.text);
  }
  return undefined;
}

function isImportMetaUrl(e: ts.Expression): boolean {
  const x = skipOuter(e);
  return ts.isPropertyAccessExpression(x) && x.name.text === 'url' && ts.isMetaProperty(x.expression) &&
    x.expression.keywordToken === ts.SyntaxKind.ImportKeyword;
}

function isDirname(e: ts.Expression): boolean {
  const x = skipOuter(e);
  return ts.isIdentifier(x) && x.text === '__dirname';
}

/** A built worker name (`worker.js`) maps back to the source beside it (`worker.ts`) when there is one. */
function sourceOf(file: string, exists: (file: string) => boolean): string | undefined {
  const ext = path.extname(file);
  const stem = ext ? file.slice(0, -ext.length) : file;
  const candidates = ext === '.ts' || ext === '.mts' || ext === '.cts' || ext === '.tsx'
    ? [file]
    : SOURCE_FOR.map(x => stem + x);
  return candidates.find(exists) ?? file;
}

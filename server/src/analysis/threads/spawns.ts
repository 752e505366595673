/**
 * Spawn sites: the expressions of a file that start a thread, and the module each one runs:
 * `new Worker(…)` of `worker_threads` or the web, `new SharedWorker(…)`, and the pools (`new
 * Piscina({ filename })`, `new Tinypool({ filename })`, `workerpool.pool(file)`). This works on
 * syntax alone (no type checker), so a workspace scan can build the thread graph from every file
 * cheaply. Which class is meant follows the bindings: `worker_threads`' `Worker`, the global (DOM)
 * `Worker` when nothing else binds the name, a pool imported from its package; another library's
 * `Worker` (threads.js resolves paths relative to the caller) is not ours to judge.
 * Module paths: `new URL('./w.js', import.meta.url)` (also `.href`, `fileURLToPath`), `__dirname`
 * joins and concatenations are pinned to the file; a plain string is resolved, as Node does,
 * against the working directory, guessed to be the package root. A built name maps back to its
 * source: `worker.js` → `worker.ts` beside it, or through tsconfig's `outDir` → `rootDir`.
 * `new Worker(code, { eval: true })` runs code, not a module: it has no path.
 */
import path from 'node:path';
import { ts } from '../ts';
import type { ModuleFiles } from './module-files';
import { outerParent, propertyName, skipOuter } from '../syntax/syntax';
import { workerThreadsBindings } from './threads';

export type SpawnKind = 'node' | 'web' | 'shared' | 'pool';

export interface SpawnSite {
  /** The `new Worker(…)` / `new Piscina(…)` / `workerpool.pool(…)` expression. */
  node: ts.NewExpression | ts.CallExpression;
  kind: SpawnKind;
  /** The expression naming the module: the path argument, or a pool's `filename` (absent for `eval: true` code). */
  spec?: ts.Expression;
  /** Absolute path of the module the thread runs (its source when one can be found). */
  target?: string;
  /**
   * How the written path finds the module, when we can read it: `pinned` to this file (`new URL(…,
   * import.meta.url)`, `__dirname`), or `cwd`: a relative string Node resolves against the working
   * directory. Absent for computed paths, absolute strings, and a web worker's string (a URL
   * relative to the page).
   */
  resolution?: 'pinned' | 'cwd';
  /**
   * For `cwd`: no package.json sits above the file, so where the program is started is anyone's guess
   * (its own directory is the one taken): a path that reaches no file is not claimed missing.
   */
  startUnknown?: boolean;
  /**
   * With a `resolution`, the existing file the path reaches (its source when one can be found): for
   * `cwd`, from the package root or else from this file's directory, since either may be where the
   * program is started. Absent when the path reaches no file.
   */
  found?: string;
  /** Top-level property names of the `workerData` object literal (`...rest` for a spread). */
  sends: string[];
}

/** Extensions a compiled worker name may have come from, the source first. */
const SOURCE_FOR = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx'];
const PATH_JOINERS = new Set(['join', 'resolve']);
const POOL_CLASSES: Record<string, string> = { Piscina: 'piscina', Tinypool: 'tinypool' };

/**
 * The spawn sites of a file, in document order. With `named` (the file's identifiers by name, see
 * references.ts), only expressions called or constructed through a spawning name are looked at, not
 * every node of the file.
 */
export function spawnSites(file: ts.SourceFile, files: ModuleFiles, named?: (name: string) => readonly ts.Identifier[]): SpawnSite[] {
  const { classify, callees } = spawnClassifier(file);
  const candidates = new Set<ts.Node>();
  if (named) {
    for (const name of callees) {
      for (const id of named(name)) candidates.add(outerParent(ts.isPropertyAccessExpression(id.parent) && id.parent.name === id ? id.parent : id));
    }
  } else {
    const visit = (n: ts.Node): void => {
      if (ts.isNewExpression(n) || ts.isCallExpression(n)) candidates.add(n);
      ts.forEachChild(n, visit);
    };
    visit(file);
  }
  const sites: SpawnSite[] = [];
  for (const node of [...candidates].sort((a, b) => a.pos - b.pos)) {
    if (!ts.isNewExpression(node) && !ts.isCallExpression(node)) continue;
    const found = classify(node);
    if (!found) continue;
    sites.push({
      node, kind: found.kind, spec: found.spec, sends: found.kind === 'node' ? workerDataKeys(node) : [],
      ...locate(found.kind, found.spec, file.fileName, files),
    });
  }
  return sites;
}

/** Where a spawn's module path leads: its target, and for a path we can read, how and whether it finds a file. */
function locate(
  kind: SpawnKind, spec: ts.Expression | undefined, file: string, files: ModuleFiles,
): Pick<SpawnSite, 'target' | 'resolution' | 'found' | 'startUnknown'> {
  if (!spec) return {};
  const dir = path.dirname(file);
  const pinned = pinnedPath(spec, dir);
  if (pinned) {
    const target = sourceOf(pinned, files);
    return { target, resolution: 'pinned', found: files.exists(target) ? target : undefined };
  }
  // A loose script (no package.json above it) is most likely run from its own directory.
  const root = files.packageRoot(file);
  const loose = looseStringPath(spec, root ?? dir);
  const target = loose && sourceOf(loose, files);
  const written = skipOuter(spec) as ts.StringLiteralLike;
  if (!target || path.isAbsolute(written.text) || kind === 'web' || kind === 'shared') return { target };
  const found = [target, sourceOf(path.resolve(dir, written.text), files)].find(f => files.exists(f));
  return { target, resolution: 'cwd', found, ...(root === undefined && { startUnknown: true }) };
}

function workerDataKeys(spawn: ts.NewExpression | ts.CallExpression): string[] {
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

interface SpawnClassifier {
  /** What kind of spawn an expression is, and the expression naming its module. */
  classify(n: ts.NewExpression | ts.CallExpression): { kind: SpawnKind; spec?: ts.Expression } | undefined;
  /** The names a spawn's callee can end in (`Worker`, an alias of it, `Piscina`, `pool`…). */
  callees: ReadonlySet<string>;
}

function spawnClassifier(file: ts.SourceFile): SpawnClassifier {
  const { names, namespaces } = workerThreadsBindings(file);
  const imports = importedNames(file);
  const unbound = (name: string): boolean => !declaresName(file, name);
  const callees = new Set(['Worker', 'SharedWorker', 'pool']);
  for (const [local, imported] of names) if (imported === 'Worker') callees.add(local);
  for (const [local, { module }] of imports) if (Object.values(POOL_CLASSES).includes(module)) callees.add(local);
  const classify: SpawnClassifier['classify'] = n => {
    const callee = skipOuter(n.expression);
    if (ts.isNewExpression(n)) {
      const first = n.arguments?.[0];
      if (ts.isIdentifier(callee)) {
        if (names.get(callee.text) === 'Worker') return { kind: 'node', spec: modulePath(n) };
        if (callee.text === 'Worker' && unbound('Worker')) return { kind: 'web', spec: first };
        if (callee.text === 'SharedWorker' && unbound('SharedWorker')) return { kind: 'shared', spec: first };
        const pool = imports.get(callee.text);
        if (pool && POOL_CLASSES[pool.name] === pool.module || (pool?.name === 'default' && Object.values(POOL_CLASSES).includes(pool.module))) {
          return { kind: 'pool', spec: filenameOption(first) };
        }
        return undefined;
      }
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && namespaces.has(callee.expression.text) &&
          callee.name.text === 'Worker') {
        return { kind: 'node', spec: modulePath(n) };
      }
      return undefined;
    }
    // workerpool.pool(file) / pool(file)
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    if (name !== 'pool') return undefined;
    let from: { module: string; name: string } | undefined;
    if (ts.isIdentifier(callee)) from = imports.get(callee.text);
    else if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) from = imports.get(callee.expression.text);
    return from?.module === 'workerpool' ? { kind: 'pool', spec: n.arguments[0] } : undefined;
  };
  return { classify, callees };
}

/** A `worker_threads` Worker's module: its first argument, unless `{ eval: true }` makes that code. */
function modulePath(spawn: ts.NewExpression): ts.Expression | undefined {
  const options = spawn.arguments?.[1] && skipOuter(spawn.arguments[1]);
  const evaluates = !!options && ts.isObjectLiteralExpression(options) && options.properties.some(p =>
    ts.isPropertyAssignment(p) && propertyName(p.name) === 'eval' && skipOuter(p.initializer).kind !== ts.SyntaxKind.FalseKeyword);
  return evaluates ? undefined : spawn.arguments?.[0];
}

/** `{ filename: … }` of a pool's options. */
function filenameOption(options: ts.Expression | undefined): ts.Expression | undefined {
  const o = options && skipOuter(options);
  if (!o || !ts.isObjectLiteralExpression(o)) return undefined;
  for (const p of o.properties) {
    if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'filename') return p.initializer;
  }
  return undefined;
}

/** Local name → the module and exported name it is imported as (`default`, `*` for a namespace). */
export function importedNames(file: ts.SourceFile): Map<string, { module: string; name: string }> {
  const out = new Map<string, { module: string; name: string }>();
  for (const stmt of file.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const module = stmt.moduleSpecifier.text;
      const clause = stmt.importClause;
      if (clause?.name) out.set(clause.name.text, { module, name: 'default' });
      const b = clause?.namedBindings;
      if (b && ts.isNamespaceImport(b)) out.set(b.name.text, { module, name: '*' });
      if (b && ts.isNamedImports(b)) for (const el of b.elements) out.set(el.name.text, { module, name: (el.propertyName ?? el.name).text });
    } else if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        const init = d.initializer && skipOuter(d.initializer);
        if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require') continue;
        const arg = init.arguments[0];
        if (!arg || !ts.isStringLiteral(arg)) continue;
        if (ts.isIdentifier(d.name)) out.set(d.name.text, { module: arg.text, name: '*' });
        else if (ts.isObjectBindingPattern(d.name)) {
          for (const el of d.name.elements) {
            const imported = el.propertyName ?? el.name;
            if (ts.isIdentifier(el.name) && ts.isIdentifier(imported)) out.set(el.name.text, { module: arg.text, name: imported.text });
          }
        }
      }
    }
  }
  return out;
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
  // new URL(…).href, url.pathname
  if (ts.isPropertyAccessExpression(e) && (e.name.text === 'href' || e.name.text === 'pathname')) return pinnedPath(e.expression, dir);
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

/** `new Worker('./w.js')` in Node: relative to the working directory, guessed as the package root. */
function looseStringPath(spec: ts.Expression, start: string): string | undefined {
  const e = skipOuter(spec);
  if (!ts.isStringLiteralLike(e) || /^[a-z][a-z0-9+.-]*:/i.test(e.text)) return undefined; // data:, blob:, https:
  return path.isAbsolute(e.text) ? e.text : path.resolve(start, e.text);
}

/**
 * The source a worker name stands for: the name itself when it is a source, a source beside a built
 * name (`worker.js` → `worker.ts`, the TypeScript ESM convention), or the source tsconfig compiles
 * into that built file (`dist/worker.js` → `src/worker.ts`); the written name when none exists yet.
 */
function sourceOf(file: string, files: ModuleFiles): string {
  const beside = (f: string): string | undefined => {
    const ext = path.extname(f);
    const stem = ext ? f.slice(0, -ext.length) : f;
    const candidates = ext === '.ts' || ext === '.mts' || ext === '.cts' || ext === '.tsx' ? [f] : SOURCE_FOR.map(x => stem + x);
    return candidates.find(c => files.exists(c));
  };
  const direct = beside(file);
  if (direct && /\.[mc]?tsx?$/.test(direct)) return direct;
  const built = files.sourceOfBuilt(file);
  const mapped = built && beside(built);
  return mapped ?? direct ?? file;
}

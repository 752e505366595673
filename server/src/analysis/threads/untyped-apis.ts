/**
 * Uses of a thread API whose types the analysis cannot see, so that the rules that know it by its
 * declarations would pass over it in silence: a module of workers, pools or locks that resolves to
 * nothing (a TypeScript file's bare `require`, a path mapping to nowhere), or a web global the
 * project's libraries do not declare (`new Worker` with no "dom" or "webworker" lib). What the
 * analyzer can supply, it supplies (see bundled/fallback.ts); this is what is left, for the adapters
 * to say out loud.
 */
import { ts } from '../ts';
import { skipOuter } from '../syntax/syntax';
import { LIBRARY_MODULES } from '../bundled/libraries';
import { plural } from '../../core/text';
import type { TypedApi } from '../../core/rule-meta';

/** What kind of API went untyped: the rules that need its types say which kinds they need. */

export interface UntypedUse {
  api: TypedApi;
  /** The module or global, as written. */
  name: string;
  start: number;
  end: number;
  /** Why it has no types, in a few words the user can act on. */
  reason: string;
}

const POOL_MODULES = new Set(['piscina', 'tinypool', 'workerpool']);
const THREAD_MODULES = new Set(['worker_threads', 'node:worker_threads']);
const THREAD_GLOBALS = new Set(['Worker', 'SharedWorker', 'MessageChannel', 'BroadcastChannel', 'structuredClone']);

function apiOfModule(name: string): TypedApi | undefined {
  if (THREAD_MODULES.has(name)) return 'threads';
  if (POOL_MODULES.has(name)) return 'pools';
  return name in LIBRARY_MODULES ? 'locks' : undefined;
}

export function untypedUses(file: ts.SourceFile, program: ts.Program): UntypedUse[] {
  const checker = program.getTypeChecker();
  const isJs = /\.[cm]?jsx?$/.test(file.fileName);
  const out: UntypedUse[] = [];
  const visit = (n: ts.Node): void => {
    const spec = moduleNamed(n);
    const api = spec && apiOfModule(spec.text);
    if (spec && api && !checker.getSymbolAtLocation(spec)) {
      const bareRequire = !isJs && ts.isCallExpression(spec.parent) && ts.isIdentifier(spec.parent.expression);
      out.push({
        api, name: spec.text, start: spec.getStart(file), end: spec.end,
        reason: bareRequire ? 'a require() in a TypeScript file is untyped: import it instead' : 'the module resolves to nothing',
      });
    }
    if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && ts.isIdentifier(n.expression) && THREAD_GLOBALS.has(n.expression.text) &&
        !checker.getSymbolAtLocation(n.expression)) {
      out.push({
        api: 'threads', name: n.expression.text, start: n.expression.getStart(file), end: n.expression.end,
        reason: 'the global is not declared: add "dom" or "webworker" to the lib of the tsconfig',
      });
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return out;
}

/** The module specifier of an import, export from, `import x = require`, `require(…)` or `import(…)`. */
function moduleNamed(n: ts.Node): ts.StringLiteralLike | undefined {
  let spec: ts.Expression | undefined;
  if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) spec = n.moduleSpecifier;
  else if (ts.isExternalModuleReference(n)) spec = n.expression;
  else if (ts.isCallExpression(n) && n.arguments.length === 1 &&
           (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) {
    spec = n.arguments[0];
  }
  const literal = spec && skipOuter(spec);
  return literal && ts.isStringLiteralLike(literal) ? literal : undefined;
}

/** What a run's untyped uses kept from being checked, in one sentence: the CLI's warning and the editor's status say it alike. */
export function untypedSummary(uses: readonly { file: string; rules: readonly string[] }[]): string {
  const files = new Set(uses.map(u => u.file)).size;
  const rules = [...new Set(uses.flatMap(u => u.rules))].sort();
  return `${plural(uses.length, 'use')} of thread APIs without types in ${plural(files, 'file')}: ${rules.join(', ')} could not check them`;
}

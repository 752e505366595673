/**
 * What one file may cost the analysis, so that a pathological file is cut off with one `info`
 * finding instead of hanging the editor or crashing a run.
 *
 * - Time: the rules of a file share a budget (`DEFAULT_FILE_BUDGET_MS`), checked between rules. The
 *   engine is synchronous, so a rule already running is not interrupted; the rules after it are
 *   skipped and the finding names them.
 * - Depth: TypeScript's parser, binder and checker, and the engine's own tree walks, recurse once per
 *   level of nesting, and a few thousand levels overflow the stack. Real code, minified bundles
 *   included, stays under about a hundred; a file nested deeper than `MAX_SYNTAX_DEPTH` (or one the
 *   parser itself cannot get through) is kept out of its project: an empty stand-in takes its place,
 *   so that the binder, which works on every file of a program at once, never meets it, and the
 *   stand-in is reported instead of analysed.
 * - A stack overflow that still happens (a rule on a file just under the limit) costs that rule
 *   only, and is reported the same way rather than as an internal error.
 */
import { ts } from '../ts';
import type { Finding } from '../../core/finding';
import { BUDGET_EXCEEDED } from '../../core/engine-diagnostics';

export const DEFAULT_FILE_BUDGET_MS = 2000;
/** Well under where TypeScript 6 itself overflows (about 900 levels of parentheses or `&&`). */
export const MAX_SYNTAX_DEPTH = 500;

export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/** Whether the tree nests deeper than `limit`, found without recursion. */
function nestsDeeperThan(root: ts.Node, limit: number): boolean {
  const nodes: ts.Node[] = [root];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as ts.Node;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    ts.forEachChild(node, child => {
      nodes.push(child);
      depths.push(depth + 1);
    });
  }
  return false;
}

/** Why a file is refused: the parser ran out of stack, or its tree is deeper than we walk. */
export const NESTED_TOO_DEEP = `it nests more than ${MAX_SYNTAX_DEPTH} levels deep, more than Fearless follows`;

export function depthRefusal(sourceFile: ts.SourceFile): string | undefined {
  return nestsDeeperThan(sourceFile, MAX_SYNTAX_DEPTH) ? NESTED_TOO_DEEP : undefined;
}

/**
 * A parse the compiler gets through: the tree, or why there is none. `parse`: how a program would parse
 * the file (the workspace's cache); a parse outside any (the thread graph of closed files) takes the default.
 */
export function parseWithinBudget(
  fileName: string, text: string, parse: ts.ScriptTarget | ts.CreateSourceFileOptions = ts.ScriptTarget.Latest,
): { sourceFile?: ts.SourceFile; refusal?: string } {
  let sourceFile: ts.SourceFile;
  try {
    sourceFile = ts.createSourceFile(fileName, text, parse, true);
  } catch (e) {
    if (isStackOverflow(e)) return { refusal: NESTED_TOO_DEEP };
    throw e;
  }
  const refusal = depthRefusal(sourceFile);
  return refusal ? { refusal } : { sourceFile };
}

/** Stand-ins for refused files (see workspace.ts), and why each was refused. */
const refused = new WeakMap<ts.SourceFile, string>();

export function markRefused(standIn: ts.SourceFile, why: string): void {
  refused.set(standIn, why);
}

export function refusalOf(file: ts.SourceFile): string | undefined {
  return refused.get(file);
}

export function budgetFinding(file: string, message: string): Finding {
  return { rule: BUDGET_EXCEEDED, severity: 'info', span: { file, start: 0, end: 0 }, message, related: [], fixes: [] };
}

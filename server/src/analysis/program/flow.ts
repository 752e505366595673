/**
 * Flow files (`// @flow`) as TypeScript can read them. TypeScript parses Flow's annotations, and
 * types code with them (a `worker: Worker` field, an `Int32Array` parameter), but not all of Flow's
 * syntax (`{| |}`, `opaque type`, `import typeof`, `(x: T)` casts, variance, `%checks`…). A Flow file
 * its parser cannot read is read with its types blanked out, as `flow-remove-types` does by default:
 * every type becomes spaces of its length, line breaks kept, so each offset, line and column is the
 * file's own. The project holds that text; what users see and what fixes edit is the file's own
 * (`originalText`). Nothing is run: Flow's parser (WebAssembly, bundled) reads the text, and is
 * loaded on the first such file, not before.
 */
import { headerComments } from './generated';
import { offsetOf } from '../../core/positions';
import type { ts } from '../ts';

/** Flow's pragma, which Flow reads only in the comments before the first statement. */
const FLOW_PRAGMA = /@(?:no)?flow\b/;
/** Flow is JavaScript: a TypeScript file that mentions it in a header comment is TypeScript's to read. */
const JAVASCRIPT = /\.[cm]?jsx?$/i;

/** A Flow file TypeScript could not parse, and what became of it: its types blanked out, or why Flow's parser could not read it either. */
export interface FlowFile {
  original: string;
  /** The text TypeScript is given: `original` with its types blanked out, or `original` itself when Flow's parser failed. */
  text: string;
  /** Flow's parser's own complaint: a Flow file that Flow cannot read is broken, whatever TypeScript says. */
  error?: { message: string; start: number };
}

type RemoveTypes = (source: string, options: { all: boolean }) => { toString(): string };
let removeTypes: RemoveTypes | undefined;

/** Whether TypeScript's tree of a file is of a Flow file that its parser could not read (see `readFlow`). */
export function isUnparsedFlow(tree: ts.SourceFile): boolean {
  const { parseDiagnostics } = tree as unknown as { parseDiagnostics: readonly ts.Diagnostic[] };
  return parseDiagnostics.length > 0 && JAVASCRIPT.test(tree.fileName) && FLOW_PRAGMA.test(headerComments(tree.text));
}

/** The text TypeScript should read for a Flow file that it could not parse as it is. */
export function readFlow(original: string): FlowFile {
  // Required here, not imported: the parser is loaded on the first Flow file, not at start-up.
  removeTypes ??= require('flow-remove-types') as RemoveTypes;
  let stripped: string;
  try {
    stripped = removeTypes(original, { all: true }).toString();
  } catch (e) {
    return { original, text: original, error: flowError(original, e) };
  }
  const text = arrowsWhereTheyWere(original, stripped);
  // Offsets are what the text is for: a text that does not keep them is no use, and TypeScript reads the file as it is.
  return text.length === original.length ? { original, text } : { original, text: original };
}

/**
 * `flow-remove-types` moves an arrow that a multi-line return type pushed to a later line up behind
 * the parameters (` =>` inserted after the `)`, the arrow blanked), for runtimes that reject a line
 * break before `=>`. TypeScript's parser reads the arrow where it was (the line break is a checker's
 * complaint, not a parse error), so each move is undone and the offsets after it stay the file's.
 * The inserted ` =>` is told apart from the file's own by what the file has there: a return type's `:`.
 */
function arrowsWhereTheyWere(original: string, stripped: string): string {
  if (stripped.length === original.length) return stripped;
  let text = '';
  const moved: number[] = [];
  for (let j = 0; j < stripped.length; j++) {
    const i = text.length;
    if (stripped.startsWith(' =>', j) && original[i - 1] === ')' && !original.startsWith(' =>', i)) {
      moved.push(i);
      j += 2;
      continue;
    }
    text += stripped[j];
  }
  for (const after of moved) {
    // The arrow is the last blanked `=>` before the body: the first code (not blank, not comment) after the parameters.
    const body = codeAfter(text, after);
    let arrow = -1;
    for (let k = original.indexOf('=>', after); k >= 0 && k < body; k = original.indexOf('=>', k + 1)) {
      if (text.startsWith('  ', k)) arrow = k;
    }
    if (arrow >= 0) text = text.slice(0, arrow) + '=>' + text.slice(arrow + 2);
  }
  return text;
}

/** The offset of the first character after `from` that is neither white space nor in a comment. */
function codeAfter(text: string, from: number): number {
  const trivia = /(?:\s+|\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?\*\/)*/y;
  trivia.lastIndex = from;
  trivia.exec(text);
  return trivia.lastIndex;
}

/** Flow's parser's message, without the `(line:column)` it appends (or a full stop), and its offset. */
function flowError(text: string, e: unknown): FlowFile['error'] {
  const message = (e instanceof Error ? e.message : String(e)).replace(/\s*\(\d+:\d+\)$/, '').replace(/\.$/, '');
  const loc = (e as { loc?: { line?: number; column?: number } }).loc;
  const start = loc?.line !== undefined && loc.line >= 1 ? offsetOf(text, { line: loc.line - 1, column: loc.column ?? 0 }) : 0;
  return { message, start };
}

/** Flow files whose project holds their TypeScript text (marked by the workspace on each program's tree). */
const flowFiles = new WeakMap<ts.SourceFile, FlowFile>();

export function markFlow(sourceFile: ts.SourceFile, flow: FlowFile): void {
  if (sourceFile.text === flow.text) flowFiles.set(sourceFile, flow);
}

export function flowOf(sourceFile: ts.SourceFile): FlowFile | undefined {
  return flowFiles.get(sourceFile);
}

/** The file's own text, where the tree's may have Flow's types blanked out: what users read and fixes edit. */
export function originalText(sourceFile: ts.SourceFile): string {
  return flowFiles.get(sourceFile)?.original ?? sourceFile.text;
}

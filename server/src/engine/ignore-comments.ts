/**
 * Ignore comments as written: `// fearless-ignore-next-line a, b -- reason` and
 * `/* fearless-ignore-file a *\/`, found in real comments only (suppressions.ts applies them).
 */
import { ts } from '../analysis/ts';
import { LineIndex } from '../core/positions';

export interface Suppression {
  kind: 'next-line' | 'file';
  /** Empty means every rule. Offsets are of each name in the text. */
  rules: { name: string; start: number; end: number }[];
  commentStart: number;
  commentEnd: number;
  /** 0-based line the next-line form applies to: the line after the comment ends. */
  targetLine?: number;
  reason?: string;
}

const MARKER = 'fearless-ignore-';
const DIRECTIVE = /^\s*\*?\s*fearless-ignore-(next-line|file)(?![\w-])/;
const REASON_SEPARATOR = /(?:^|\s)--(?:\s|$)/;

/**
 * Finds the directives in real comments only: a directive-looking text inside a string, template
 * or regex is not one. `file` picks the dialect (TS, TSX, JS) the text is parsed as.
 */
export function parseSuppressions(text: string, file = 'file.ts'): Suppression[] {
  // Most files have no directive; they should not pay for a parse.
  if (!text.includes(MARKER)) return [];
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines = new LineIndex(text);
  const seen = new Set<number>();
  const suppressions: Suppression[] = [];
  for (let at = text.indexOf(MARKER); at >= 0; at = text.indexOf(MARKER, at + MARKER.length)) {
    const comment = commentContaining(sourceFile, at);
    if (!comment || seen.has(comment.pos)) continue;
    seen.add(comment.pos);
    const suppression = parseDirective(text, comment, lines);
    if (suppression) suppressions.push(suppression);
  }
  return suppressions;
}

/**
 * Descends to the token whose range holds `offset`: the offset is in a comment only if it lies in
 * the trivia before that token; inside the token it is string, template, regex or JSX text.
 */
function commentContaining(sourceFile: ts.SourceFile, offset: number): ts.CommentRange | undefined {
  const text = sourceFile.text;
  let node: ts.Node = sourceFile;
  for (;;) {
    // JSDoc nodes overlap the trivia of the node they document; the trivia scan below sees them.
    const child = node
      .getChildren(sourceFile)
      .find((c) => !isJSDocKind(c.kind) && c.pos <= offset && offset < c.end);
    if (!child) return undefined;
    if (offset < child.getStart(sourceFile)) {
      const comments = [
        ...(ts.getLeadingCommentRanges(text, child.pos) ?? []),
        ...(ts.getTrailingCommentRanges(text, child.pos) ?? []),
      ];
      return comments.find((c) => c.pos <= offset && offset < c.end);
    }
    if (child.getChildCount(sourceFile) === 0) return undefined;
    node = child;
  }
}

function isJSDocKind(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstJSDocNode && kind <= ts.SyntaxKind.LastJSDocNode;
}

function parseDirective(text: string, comment: ts.CommentRange, lines: LineIndex): Suppression | undefined {
  const block = comment.kind === ts.SyntaxKind.MultiLineCommentTrivia;
  const bodyStart = comment.pos + 2;
  const bodyEnd = block && text.startsWith('*/', comment.end - 2) ? comment.end - 2 : comment.end;
  const body = text.slice(bodyStart, bodyEnd);
  const match = DIRECTIVE.exec(body);
  if (!match) return undefined;

  let rest = body.slice(match[0].length);
  let reason: string | undefined;
  const separator = REASON_SEPARATOR.exec(rest);
  if (separator) {
    reason = rest.slice(separator.index + separator[0].length).trim() || undefined;
    rest = rest.slice(0, separator.index);
  }
  const restStart = bodyStart + match[0].length;
  const rules = [...rest.matchAll(/[^\s,]+/g)].map((m) => ({
    name: m[0],
    start: restStart + m.index,
    end: restStart + m.index + m[0].length,
  }));

  const kind = match[1] as Suppression['kind'];
  const suppression: Suppression = { kind, rules, commentStart: comment.pos, commentEnd: comment.end };
  if (suppression.kind === 'next-line') suppression.targetLine = lines.lineOf(comment.end - 1) + 1;
  if (reason !== undefined) suppression.reason = reason;
  return suppression;
}

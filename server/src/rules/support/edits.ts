/** Text edits of a fix, made from syntax nodes. */
import type { ts } from '../../analysis/ts';
import type { TextEdit } from '../../core/finding';

/** A text edit replacing `node` (from its first token, leading comments kept) with `newText`. */
export function replaceNode(node: ts.Node, newText: string): TextEdit {
  const file = node.getSourceFile();
  return { file: file.fileName, start: node.getStart(file), end: node.end, newText };
}

export function insertAt(file: ts.SourceFile, pos: number, newText: string): TextEdit {
  return { file: file.fileName, start: pos, end: pos, newText };
}

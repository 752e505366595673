/** The shape of a rule: its metadata beside a check that reports findings for one file. */
import { ts } from '../analysis/ts';
import type { Fix, Related, Severity, TextEdit } from '../core/finding';
import type { FileFacts } from '../analysis/file-facts';
import type { RuleMeta } from '../core/rule-meta';

export interface Report {
  /** Where the reader sees the problem; a node, or an explicit range of the file. */
  at: ts.Node | { start: number; end: number };
  message: string;
  /** Overrides the rule's default severity for this finding (still under the user's config). */
  severity?: Severity;
  fixes?: Fix[];
  related?: Related[];
}

export interface RuleContext {
  readonly facts: FileFacts;
  report(report: Report): void;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(context: RuleContext): void;
}

/** A text edit replacing `node` (from its first token, leading comments kept) with `newText`. */
export function replaceNode(node: ts.Node, newText: string): TextEdit {
  const file = node.getSourceFile();
  return { file: file.fileName, start: node.getStart(file), end: node.end, newText };
}

export function insertAt(file: ts.SourceFile, pos: number, newText: string): TextEdit {
  return { file: file.fileName, start: pos, end: pos, newText };
}

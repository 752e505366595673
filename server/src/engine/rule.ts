/**
 * The contract between the engine and the rules: a rule is its metadata beside a check that reports
 * findings for one file; the engine runs the rules it is given (a RuleSet), and knows none of them.
 */
import type { ts } from '../analysis/ts';
import type { Fix, Related, Severity } from '../core/finding';
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

/** The rules a run applies, and every id a finding may carry (theirs and the engine's own). */
export interface RuleSet {
  readonly rules: readonly Rule[];
  readonly metas: readonly RuleMeta[];
}

/**
 * What the engine produces. Positions are UTF-16 offsets into the file's text (as TypeScript
 * counts them); adapters turn them into 1-based (CLI) or 0-based (LSP) line/column pairs.
 */

export type Severity = 'hint' | 'info' | 'warning' | 'error';
export type SeverityOption = Severity | 'off';
export const SEVERITIES: readonly Severity[] = ['hint', 'info', 'warning', 'error'];
/** What a configuration may set a rule to. */
export const SEVERITY_OPTIONS: readonly SeverityOption[] = ['off', ...SEVERITIES];

/** A range of one file; `file` is an absolute path. */
export interface Span {
  file: string;
  start: number;
  end: number;
}

export interface TextEdit extends Span {
  newText: string;
}

/**
 * `safe` fixes only remove the bug (applied by `--fix`, "fix all", fix-on-save);
 * `suggestion`s change behaviour the user must confirm (offered as quick fixes only).
 */
export type FixKind = 'safe' | 'suggestion';

export interface Fix {
  title: string;
  kind: FixKind;
  edits: TextEdit[];
}

export interface Related {
  span: Span;
  message: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  span: Span;
  message: string;
  related: Related[];
  fixes: Fix[];
}

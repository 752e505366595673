/** Engine findings and edits in LSP terms: 0-based UTF-16 positions, URIs, severities. */
import { pathToFileURL } from 'node:url';
import {
  CodeAction, CodeActionKind, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Position, Range, TextEdit as LspTextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Fix, Severity, Span, TextEdit } from '../analysis/finding';
import { LineIndex } from '../analysis/positions';
import { ruleDocUrl } from '../rules/meta';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Text of any file a finding may point into (the open document, or the file on disk). */
export type TextOf = (file: string) => string | undefined;

export function rangeOf(span: Span, textOf: TextOf): Range {
  const index = new LineIndex(textOf(span.file) ?? '');
  const at = (offset: number): Position => {
    const p = index.positionAt(offset);
    return { line: p.line, character: p.column };
  };
  return { start: at(span.start), end: at(span.end) };
}

export function toDiagnostic(f: Finding, textOf: TextOf): Diagnostic {
  const related: DiagnosticRelatedInformation[] = f.related.map(r => ({
    location: { uri: pathToFileURL(r.span.file).href, range: rangeOf(r.span, textOf) },
    message: r.message,
  }));
  return {
    range: rangeOf(f.span, textOf),
    severity: SEVERITY[f.severity],
    code: f.rule,
    codeDescription: f.rule === 'parse-error' ? undefined : { href: ruleDocUrl(f.rule) },
    source: 'fearless',
    message: f.message,
    relatedInformation: related.length > 0 ? related : undefined,
  };
}

export function toWorkspaceEdit(edits: readonly TextEdit[], textOf: TextOf): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const e of edits) {
    const uri = pathToFileURL(e.file).href;
    (changes[uri] ??= []).push({ range: rangeOf(e, textOf), newText: e.newText });
  }
  return { changes };
}

export function toCodeAction(fix: Fix, diagnostic: Diagnostic | undefined, textOf: TextOf): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: diagnostic ? [diagnostic] : undefined,
    isPreferred: fix.kind === 'safe',
    edit: toWorkspaceEdit(fix.edits, textOf),
  };
}

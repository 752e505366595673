/** Engine findings and edits in LSP terms: 0-based UTF-16 positions, URIs, severities. */
import { pathToFileURL } from 'node:url';
import {
  CodeAction, CodeActionKind, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Position, Range, TextEdit as LspTextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Fix, Severity, Span, TextEdit } from '../core/finding';
import { LineIndex, withoutBom } from '../core/positions';
import { ruleDocUrl } from '../core/rule-meta';
import { UNUSED_IGNORE } from '../core/engine-diagnostics';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Text of any file a finding may point into (the open document, or the file on disk). */
export type TextOf = (file: string) => string | undefined;

/**
 * Turns engine offsets into LSP positions and back for one batch of work (a publish, a request),
 * indexing each file's lines once: a file with thousands of findings must not be re-scanned per
 * finding. Engine offsets count from after a byte-order mark; positions count it, as the client does.
 */
export class Locator {
  private readonly indexes = new Map<string, { index: LineIndex; bom: number }>();

  constructor(private readonly textOf: TextOf) {}

  position(file: string, offset: number): Position {
    const { index, bom } = this.indexOf(file);
    const p = index.positionAt(offset + bom);
    return { line: p.line, character: p.column };
  }

  offset(file: string, position: Position): number {
    const { index, bom } = this.indexOf(file);
    return Math.max(0, index.offsetAt({ line: position.line, column: position.character }) - bom);
  }

  private indexOf(file: string): { index: LineIndex; bom: number } {
    let known = this.indexes.get(file);
    if (!known) {
      const text = this.textOf(file) ?? '';
      this.indexes.set(file, known = { index: new LineIndex(text), bom: text.length - withoutBom(text).length });
    }
    return known;
  }

  range(span: Span): Range {
    return { start: this.position(span.file, span.start), end: this.position(span.file, span.end) };
  }
}

export function toDiagnostic(f: Finding, at: Locator): Diagnostic {
  const related: DiagnosticRelatedInformation[] = f.related.map(r => ({
    location: { uri: pathToFileURL(r.span.file).href, range: at.range(r.span) },
    message: r.message,
  }));
  return {
    range: at.range(f.span),
    severity: SEVERITY[f.severity],
    code: f.rule,
    codeDescription: { href: ruleDocUrl(f.rule) },
    source: 'fearless',
    message: f.message,
    relatedInformation: related.length > 0 ? related : undefined,
    // The editor fades what can simply be deleted.
    tags: f.rule === UNUSED_IGNORE ? [DiagnosticTag.Unnecessary] : undefined,
  };
}

export function toWorkspaceEdit(edits: readonly TextEdit[], at: Locator): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const e of edits) {
    const uri = pathToFileURL(e.file).href;
    (changes[uri] ??= []).push({ range: at.range(e), newText: e.newText });
  }
  return { changes };
}

export function toCodeAction(fix: Fix, diagnostic: Diagnostic | undefined, at: Locator): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: diagnostic ? [diagnostic] : undefined,
    isPreferred: fix.kind === 'safe',
    edit: toWorkspaceEdit(fix.edits, at),
  };
}

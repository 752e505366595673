/**
 * Code actions for a range: each finding's fixes (the safe one preferred), "Ignore <rule> on this
 * line / in this file", and `source.fixAll.fearless` (safe fixes only, so fix-on-save is safe).
 */
import { CodeAction, CodeActionKind, Range, WorkspaceEdit } from 'vscode-languageserver/node';
import type { Finding } from '../core/finding';
import { safeFixEdits } from '../engine/apply-edits';
import { BUDGET_EXCEEDED, PARSE_ERROR } from '../core/engine-diagnostics';
import { ignoreInFileEdit, ignoreOnLineEdit } from '../engine/ignore-edits';
import { Locator, toCodeAction, toDiagnostic, toWorkspaceEdit } from './convert';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.fearless`;

/** `text` is the engine's text of the file (see `withoutBom`), which the findings' offsets count in. */
export function codeActionsFor(
  file: string, text: string, findings: readonly Finding[], range: Range, only: readonly string[] | undefined, at: Locator,
): CodeAction[] {
  const wants = (kind: string): boolean => !only || only.some(o => kind === o || kind.startsWith(`${o}.`));
  const actions: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) {
    const start = at.offset(file, range.start);
    const end = at.offset(file, range.end);
    for (const f of findings) {
      if (f.span.file !== file || f.span.end < start || f.span.start > end) continue;
      const diagnostic = toDiagnostic(f, at);
      for (const fix of f.fixes) actions.push(toCodeAction(fix, diagnostic, at));
      // Neither is helped by a comment: a file that does not parse, or is too deep to parse, never reads it.
      if (f.rule === PARSE_ERROR || f.rule === BUDGET_EXCEEDED) continue;
      for (const [title, edit] of [
        [`Ignore ${f.rule} on this line`, ignoreOnLineEdit(text, file, f.span.start, f.rule)],
        [`Ignore ${f.rule} in this file`, ignoreInFileEdit(text, file, f.rule)],
      ] as const) {
        if (edit.start === edit.end && edit.newText === '') continue;
        actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: toWorkspaceEdit([edit], at) });
      }
    }
  }
  if (only && wants(FIX_ALL_KIND)) {
    const edit = fixAllEdit(file, text, findings, at);
    if (edit) actions.push({ title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, edit });
  }
  return actions;
}

export const FIX_ALL_TITLE = 'Fix all safe Fearless problems';

/**
 * Every safe fix of the file at once, as the fixes' own small edits (never one replacement of the whole
 * document, which would lose the editor's cursor, folds and markers); undefined when there is nothing to fix.
 */
export function fixAllEdit(file: string, text: string, findings: readonly Finding[], at: Locator): WorkspaceEdit | undefined {
  const edits = safeFixEdits(findings.filter(f => f.span.file === file), new Map([[file, text]])).get(file);
  return edits ? toWorkspaceEdit(edits, at) : undefined;
}

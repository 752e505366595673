import type { Severity } from '../core/finding';
import type { SkippedFile } from '../analysis/program/generated';
import { Locator, type Range, sortFindings, sortSkipped, type Report } from './report';

/** The `--format json` contract of ARCHITECTURE.md: change it only with a new `version`. */
export interface JsonOutput {
  version: 1;
  files: number;
  diagnostics: JsonDiagnostic[];
  /** Added within version 1: files found but not analysed (`file` relative, like a diagnostic's). */
  skipped: SkippedFile[];
  /** Added within version 1: uses of thread APIs without types, and the rules that could not check them. */
  untyped: JsonUntypedUse[];
}

export interface JsonUntypedUse extends Range {
  file: string;
  /** The module or global, as written. */
  name: string;
  reason: string;
  rules: string[];
}

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: Severity;
  message: string;
  fixes: JsonFix[];
}

export interface JsonFix {
  title: string;
  edits: JsonEdit[];
}

export interface JsonEdit {
  file: string;
  start: { line: number; column: number };
  end: { line: number; column: number };
  newText: string;
}

export function toJsonOutput(report: Report, cwd: string): JsonOutput {
  const locator = new Locator(report.texts, cwd);
  return {
    version: 1,
    files: report.files.length,
    diagnostics: sortFindings(report.findings, locator).map((finding) => ({
      file: locator.relative(finding.span.file),
      ...locator.range(finding.span),
      rule: finding.rule,
      severity: finding.severity,
      message: finding.message,
      fixes: finding.fixes.map((fix) => ({
        title: fix.title,
        edits: fix.edits.map((edit) => {
          const range = locator.range(edit);
          return {
            file: locator.relative(edit.file),
            start: { line: range.line, column: range.column },
            end: { line: range.endLine, column: range.endColumn },
            newText: edit.newText,
          };
        }),
      })),
    })),
    skipped: sortSkipped(report.skipped ?? [], locator).map((skip) => ({ file: locator.relative(skip.file), reason: skip.reason })),
    untyped: (report.untyped ?? []).map((use) => ({
      file: locator.relative(use.file), ...locator.range({ file: use.file, start: use.start, end: use.end }),
      name: use.name, reason: use.reason, rules: use.rules,
    })),
  };
}

export function formatJson(report: Report, cwd: string): string {
  return `${JSON.stringify(toJsonOutput(report, cwd))}\n`;
}

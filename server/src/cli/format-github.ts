import type { Severity } from '../core/finding';
import { Locator, sortFindings, type Report } from './report';

export interface GithubOptions {
  /** Hints are noise on a pull request unless asked for. */
  hints: boolean;
}

/** GitHub has three levels of annotation. */
const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/**
 * GitHub Actions workflow commands: one annotation a finding, which the run's summary lists and a pull
 * request's diff shows on its line (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=rule::message`).
 */
export function formatGithub(report: Report, cwd: string, options: GithubOptions): string {
  const locator = new Locator(report.texts, cwd);
  const visible = report.findings.filter((f) => options.hints || f.severity !== 'hint');
  return sortFindings(visible, locator).map((finding) => {
    const range = locator.range(finding.span);
    // Columns are only taken on a one-line range.
    const columns = range.line === range.endLine ? { col: range.column, endColumn: range.endColumn } : {};
    const properties = {
      file: locator.relative(finding.span.file), line: range.line, endLine: range.endLine, ...columns, title: finding.rule,
    };
    const list = Object.entries(properties).map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
    return `::${COMMAND[finding.severity]} ${list}::${escapeData(finding.message)}\n`;
  }).join('');
}

/** The runner's own escaping (actions/toolkit's command.ts): a message may span lines. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property also ends at `,` and its value at `:`. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

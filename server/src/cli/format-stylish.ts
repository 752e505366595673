import pc from 'picocolors';
import type { Finding, Severity } from '../core/finding';
import { plural } from '../core/text';
import { Locator, sortFindings, type Report } from './report';

export interface StylishOptions {
  color: boolean;
  /** Hints are noise in a terminal unless asked for. */
  hints: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

/** Terminal columns taken by a string: code points, so an emoji in a message does not skew the table. */
function width(text: string): number {
  return [...text].length;
}

function padEnd(text: string, size: number): string {
  return text + ' '.repeat(Math.max(0, size - width(text)));
}

interface Row {
  line: string;
  column: string;
  severity: Severity;
  message: string;
  rule: string;
}

/** ESLint's stylish layout: one table per file, columns aligned, then a one-line summary. */
export function formatStylish(report: Report, cwd: string, options: StylishOptions): string {
  const c = pc.createColors(options.color);
  const paint: Record<Severity, (text: string) => string> = { error: c.red, warning: c.yellow, info: c.blue, hint: c.gray };
  const locator = new Locator(report.texts, cwd);
  const visible = report.findings.filter((f) => options.hints || f.severity !== 'hint');
  const hiddenHints = report.findings.length - visible.length;

  const byFile = new Map<string, Row[]>();
  for (const finding of sortFindings(visible, locator)) {
    const file = locator.relative(finding.span.file);
    const range = locator.range(finding.span);
    const rows = byFile.get(file) ?? [];
    rows.push({
      line: String(range.line),
      column: String(range.column),
      severity: finding.severity,
      message: finding.message.replace(/\s*(?:\r\n|\r|\n)\s*/g, ' '),
      rule: finding.rule,
    });
    byFile.set(file, rows);
  }

  const out: string[] = [];
  for (const [file, rows] of byFile) {
    const lineWidth = Math.max(...rows.map((r) => r.line.length));
    const columnWidth = Math.max(...rows.map((r) => r.column.length));
    const severityWidth = Math.max(...rows.map((r) => r.severity.length));
    const messageWidth = Math.max(...rows.map((r) => width(r.message)));
    out.push(c.underline(file));
    for (const row of rows) {
      const position = c.dim(`${row.line.padStart(lineWidth)}:${row.column.padEnd(columnWidth)}`);
      const severity = paint[row.severity](row.severity.padEnd(severityWidth));
      out.push(`  ${position}  ${severity}  ${padEnd(row.message, messageWidth)}  ${c.dim(row.rule)}`);
    }
    out.push('');
  }

  out.push(...summary(visible, report.files.length, hiddenHints, c));
  const skipped = report.skipped ?? [];
  if (skipped.length > 0) {
    const generated = skipped.filter((s) => s.reason === 'generated').length;
    const kinds = [
      ...(generated > 0 ? [plural(generated, 'generated file')] : []),
      ...(generated < skipped.length ? [plural(skipped.length - generated, 'minified file')] : []),
    ];
    out.push(c.dim(`  ${kinds.join(' and ')} skipped (check them with --include-generated)`));
  }
  return `${out.join('\n')}\n`;
}

function summary(visible: readonly Finding[], fileCount: number, hiddenHints: number, c: Colors): string[] {
  const count = (severity: Severity) => visible.filter((f) => f.severity === severity).length;
  const [errors, warnings, infos, hints] = [count('error'), count('warning'), count('info'), count('hint')];
  const hidden = hiddenHints > 0 ? [c.dim(`  ${plural(hiddenHints, 'hint')} hidden (show with --hints)`)] : [];
  if (visible.length === 0) {
    return [c.green(c.bold(`✔ No problems (${plural(fileCount, 'file')} checked)`)), ...hidden];
  }
  const parts = [plural(errors, 'error'), plural(warnings, 'warning')];
  if (infos > 0) parts.push(`${infos} info`);
  if (hints > 0) parts.push(plural(hints, 'hint'));
  const tone = errors > 0 ? c.red : warnings > 0 ? c.yellow : c.blue;
  const lines = [tone(c.bold(`✖ ${plural(visible.length, 'problem')} (${parts.join(', ')})`))];
  const fixable = visible.filter((f) => f.fixes[0]?.kind === 'safe').length;
  if (fixable > 0) lines.push(tone(c.bold(`  ${fixable} fixable with --fix`)));
  return [...lines, ...hidden];
}

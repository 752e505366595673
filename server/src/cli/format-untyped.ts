import { untypedSummary } from '../analysis/threads/untyped-apis';
import { Locator, type Report } from './report';

/** At most this many uses are listed one by one; the count says how many more. */
const LISTED = 10;

/**
 * The warning a check prints once on stderr when thread APIs had no types: which rules could not
 * check which uses, so that a clean report is not read as a clean bill of health. Empty when none.
 */
export function formatUntyped(report: Report, cwd: string): string {
  const uses = report.untyped ?? [];
  if (uses.length === 0) return '';
  const locator = new Locator(report.texts, cwd);
  const lines = uses.slice(0, LISTED).map(use => {
    const { line, column } = locator.range({ file: use.file, start: use.start, end: use.end });
    return `  ${locator.relative(use.file)}:${line}:${column}  '${use.name}': ${use.reason}`;
  });
  if (uses.length > LISTED) lines.push(`  … and ${uses.length - LISTED} more (--format json lists them all)`);
  return `fearless: warning: ${untypedSummary(uses)}.\n${lines.join('\n')}\n`;
}

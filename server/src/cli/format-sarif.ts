import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Severity, Span, TextEdit } from '../core/finding';
import { HOMEPAGE, ruleDocUrl, type RuleMeta } from '../core/rule-meta';
import { Locator, sortFindings, sortSkipped, type Report } from './report';

export interface SarifOptions {
  toolVersion: string;
  /** Metadata of the rules that may appear; a rule missing here gets a bare descriptor. */
  rules: readonly RuleMeta[];
}

const SRCROOT = '%SRCROOT%';

function level(severity: Severity): Sarif.Result.level {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** SARIF 2.1.0 for code-scanning uploads: one run, paths relative to `%SRCROOT%` (the cwd). */
export function toSarifLog(report: Report, cwd: string, options: SarifOptions): Sarif.Log {
  const locator = new Locator(report.texts, cwd);
  const findings = sortFindings(report.findings, locator);

  const artifactLocation = (file: string): Sarif.ArtifactLocation => {
    const relative = locator.relative(file);
    // Outside the root a relative reference would climb out of %SRCROOT%: name the file absolutely.
    if (relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) {
      return { uri: pathToFileURL(file).href };
    }
    return { uri: relative.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  };
  const region = (span: Span): Sarif.Region => {
    const range = locator.range(span);
    return { startLine: range.line, startColumn: range.column, endLine: range.endLine, endColumn: range.endColumn };
  };
  const location = (span: Span, message?: string): Sarif.Location => ({
    physicalLocation: { artifactLocation: artifactLocation(span.file), region: region(span) },
    ...(message === undefined ? {} : { message: { text: message } }),
  });

  const metas = new Map(options.rules.map((meta) => [meta.id, meta]));
  const ruleIds = [...new Set(findings.map((f) => f.rule))].sort();
  const rules = ruleIds.map((id): Sarif.ReportingDescriptor => {
    const meta = metas.get(id);
    if (!meta) return { id };
    return {
      id,
      shortDescription: { text: meta.description },
      helpUri: ruleDocUrl(id),
      defaultConfiguration: { level: level(meta.defaultSeverity) },
      properties: { tags: ['concurrency', meta.family] },
    };
  });

  const results = findings.map((finding): Sarif.Result => ({
    ruleId: finding.rule,
    ruleIndex: ruleIds.indexOf(finding.rule),
    level: level(finding.severity),
    message: { text: finding.message },
    locations: [location(finding.span)],
    ...(finding.related.length === 0 ? {} : {
      relatedLocations: finding.related.map((related, id) => ({ id, ...location(related.span, related.message) })),
    }),
    ...(finding.fixes.length === 0 ? {} : {
      fixes: finding.fixes.map((fix): Sarif.Fix => ({
        description: { text: fix.title },
        artifactChanges: [...groupByFile(fix.edits)].map(([file, edits]) => ({
          artifactLocation: artifactLocation(file),
          replacements: edits.map((edit) => ({
            deletedRegion: region(edit),
            insertedContent: { text: edit.newText },
          })),
        })),
      })),
    }),
  }));

  const notifications = report.configProblems.map((problem): Sarif.Notification => ({
    level: 'warning',
    message: { text: problem.message },
    locations: [{
      physicalLocation: {
        artifactLocation: artifactLocation(problem.file),
        ...(problem.line === undefined ? {} : {
          region: { startLine: problem.line, ...(problem.column === undefined ? {} : { startColumn: problem.column }) },
        }),
      },
    }],
  }));

  const failures = (report.internalErrors ?? []).map((text): Sarif.Notification => ({ level: 'error', message: { text } }));
  // Each has its read-error result too; here it makes the run incomplete, as the exit code says.
  const unread = [...report.unreadable ?? []]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((entry): Sarif.Notification => ({
      level: 'error',
      message: { text: `Not read: ${entry.reason}.` },
      locations: [{ physicalLocation: { artifactLocation: artifactLocation(entry.path) } }],
    }));
  // Sorted by path like the results; a skip is by design, so it does not make the run unsuccessful.
  const skips = sortSkipped(report.skipped ?? [], locator).map((skip): Sarif.Notification => ({
    level: 'note',
    message: { text: `Not analysed: the file looks ${skip.reason} (check it with --include-generated).` },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(skip.file) } }],
  }));

  // Not a failure either, but the user must hear that a clean result did not cover these uses.
  const untyped = (report.untyped ?? []).map((use): Sarif.Notification => ({
    level: 'warning',
    message: { text: `'${use.name}' has no types (${use.reason}): ${use.rules.join(', ')} could not check its uses.` },
    locations: [location({ file: use.file, start: use.start, end: use.end })],
  }));

  const root = pathToFileURL(cwd).href;
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'fearless',
          version: options.toolVersion,
          informationUri: HOMEPAGE,
          rules,
        },
      },
      invocations: [{
        executionSuccessful: failures.length + unread.length === 0,
        ...(notifications.length === 0 ? {} : { toolConfigurationNotifications: notifications }),
        ...(failures.length + unread.length + skips.length + untyped.length === 0
          ? {}
          : { toolExecutionNotifications: [...failures, ...unread, ...untyped, ...skips] }),
      }],
      originalUriBaseIds: { [SRCROOT]: { uri: root.endsWith('/') ? root : `${root}/` } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}

function groupByFile(edits: readonly TextEdit[]): Map<string, TextEdit[]> {
  const groups = new Map<string, TextEdit[]>();
  for (const edit of edits) groups.set(edit.file, [...(groups.get(edit.file) ?? []), edit]);
  return groups;
}

export function formatSarif(report: Report, cwd: string, options: SarifOptions): string {
  return `${JSON.stringify(toSarifLog(report, cwd, options), null, 2)}\n`;
}

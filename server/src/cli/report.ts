import path from 'node:path';
import type { UntypedApiUse } from '../engine/analyze-file';
import type { Finding, Span } from '../core/finding';
import type { SkippedFile } from '../analysis/program/generated';
import type { Unreadable } from '../engine/walk';
import { LineIndex } from '../core/positions';
import type { ConfigProblem } from '../config/config-file';

/** What a formatter needs of a check's result: the engine's `CheckResult` is one. */
export interface Report {
  files: readonly string[];
  /** Files found but not analysed, as generated or minified. */
  skipped?: readonly SkippedFile[];
  findings: readonly Finding[];
  texts: ReadonlyMap<string, string>;
  configProblems: readonly ConfigProblem[];
  /** Failures of the tool itself that the run survived: its findings are incomplete. */
  internalErrors?: readonly string[];
  /** Files and folders that could not be read (each has its read-error finding): the run is incomplete. */
  unreadable?: readonly Unreadable[];
  /** Uses of thread APIs without types: some rules could not check them. */
  untyped?: readonly UntypedApiUse[];
}

/** 1-based, end exclusive, columns in UTF-16 code units: what every CLI format shows. */
export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Paths as the user sees them (relative to `cwd`, `/`-separated) and spans as 1-based ranges. */
export class Locator {
  private readonly indexes = new Map<string, LineIndex>();

  constructor(private readonly texts: ReadonlyMap<string, string>, private readonly cwd: string) {}

  relative(file: string): string {
    return path.relative(this.cwd, file).split(path.sep).join('/');
  }

  range(span: Span): Range {
    const index = this.index(span.file);
    const start = index.positionAt(span.start);
    const end = index.positionAt(span.end);
    return { line: start.line + 1, column: start.column + 1, endLine: end.line + 1, endColumn: end.column + 1 };
  }

  private index(file: string): LineIndex {
    let index = this.indexes.get(file);
    if (!index) {
      const text = this.texts.get(file);
      // A guessed position would send the user to the wrong line: fail loudly instead.
      if (text === undefined) throw new Error(`no text for ${file}: cannot compute its positions`);
      index = new LineIndex(text);
      this.indexes.set(file, index);
    }
    return index;
  }
}

/** Skipped files by the path the user sees. */
export function sortSkipped(skipped: readonly SkippedFile[], locator: Locator): SkippedFile[] {
  const keyed = skipped.map((skip) => ({ skip, file: locator.relative(skip.file) }));
  keyed.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return keyed.map((k) => k.skip);
}

/** Findings by the path the user sees, then by position, then by rule: stable output for diffs. */
export function sortFindings(findings: readonly Finding[], locator: Locator): Finding[] {
  const keyed = findings.map((finding) => ({ finding, file: locator.relative(finding.span.file) }));
  keyed.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
    || a.finding.span.start - b.finding.span.start
    || a.finding.span.end - b.finding.span.end
    || (a.finding.rule < b.finding.rule ? -1 : a.finding.rule > b.finding.rule ? 1 : 0));
  return keyed.map((k) => k.finding);
}


/**
 * Ignore comments: `// fearless-ignore-next-line a, b -- reason` and `/* fearless-ignore-file a *\/`.
 * Parses them, filters findings through them, reports the ones that suppress nothing
 * (`unused-ignore`, as staticcheck does), and builds the edits of the "ignore" quick fixes.
 */
import { ts } from './ts';
import { closestName } from '../config.js';
import type { Finding, Fix, SeverityOption, TextEdit } from './finding.js';

export const UNUSED_IGNORE = 'unused-ignore';

export interface Suppression {
  kind: 'next-line' | 'file';
  /** Empty means every rule. Offsets are of each name in the text. */
  rules: { name: string; start: number; end: number }[];
  commentStart: number;
  commentEnd: number;
  /** 0-based line the next-line form applies to: the line after the comment ends. */
  targetLine?: number;
  reason?: string;
}

export interface SuppressionOptions {
  file: string;
  knownRules: ReadonlySet<string>;
  enabledRules: ReadonlySet<string>;
  unusedIgnoreSeverity: SeverityOption;
}

const MARKER = 'fearless-ignore-';
const DIRECTIVE = /^\s*\*?\s*fearless-ignore-(next-line|file)(?![\w-])/;
const REASON_SEPARATOR = /(?:^|\s)--(?:\s|$)/;

/**
 * Finds the directives in real comments only: a directive-looking text inside a string, template
 * or regex is not one. `file` picks the dialect (TS, TSX, JS) the text is parsed as.
 */
export function parseSuppressions(text: string, file = 'file.ts'): Suppression[] {
  // Most files have no directive; they should not pay for a parse.
  if (!text.includes(MARKER)) return [];
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines = lineStarts(text);
  const seen = new Set<number>();
  const suppressions: Suppression[] = [];
  for (let at = text.indexOf(MARKER); at >= 0; at = text.indexOf(MARKER, at + MARKER.length)) {
    const comment = commentContaining(sourceFile, at);
    if (!comment || seen.has(comment.pos)) continue;
    seen.add(comment.pos);
    const suppression = parseDirective(text, comment, lines);
    if (suppression) suppressions.push(suppression);
  }
  return suppressions;
}

/**
 * Descends to the token whose range holds `offset`: the offset is in a comment only if it lies in
 * the trivia before that token; inside the token it is string, template, regex or JSX text.
 */
function commentContaining(sourceFile: ts.SourceFile, offset: number): ts.CommentRange | undefined {
  const text = sourceFile.text;
  let node: ts.Node = sourceFile;
  for (;;) {
    // JSDoc nodes overlap the trivia of the node they document; the trivia scan below sees them.
    const child = node
      .getChildren(sourceFile)
      .find((c) => !isJSDocKind(c.kind) && c.pos <= offset && offset < c.end);
    if (!child) return undefined;
    if (offset < child.getStart(sourceFile)) {
      const comments = [
        ...(ts.getLeadingCommentRanges(text, child.pos) ?? []),
        ...(ts.getTrailingCommentRanges(text, child.pos) ?? []),
      ];
      return comments.find((c) => c.pos <= offset && offset < c.end);
    }
    if (child.getChildCount(sourceFile) === 0) return undefined;
    node = child;
  }
}

function isJSDocKind(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstJSDocNode && kind <= ts.SyntaxKind.LastJSDocNode;
}

function parseDirective(text: string, comment: ts.CommentRange, lines: number[]): Suppression | undefined {
  const block = comment.kind === ts.SyntaxKind.MultiLineCommentTrivia;
  const bodyStart = comment.pos + 2;
  const bodyEnd = block && text.startsWith('*/', comment.end - 2) ? comment.end - 2 : comment.end;
  const body = text.slice(bodyStart, bodyEnd);
  const match = DIRECTIVE.exec(body);
  if (!match) return undefined;

  let rest = body.slice(match[0].length);
  let reason: string | undefined;
  const separator = REASON_SEPARATOR.exec(rest);
  if (separator) {
    reason = rest.slice(separator.index + separator[0].length).trim() || undefined;
    rest = rest.slice(0, separator.index);
  }
  const restStart = bodyStart + match[0].length;
  const rules = [...rest.matchAll(/[^\s,]+/g)].map((m) => ({
    name: m[0],
    start: restStart + m.index,
    end: restStart + m.index + m[0].length,
  }));

  const kind = match[1] as Suppression['kind'];
  const suppression: Suppression = { kind, rules, commentStart: comment.pos, commentEnd: comment.end };
  if (suppression.kind === 'next-line') suppression.targetLine = lineOf(lines, comment.end - 1) + 1;
  if (reason !== undefined) suppression.reason = reason;
  return suppression;
}

/**
 * Drops the findings the directives suppress and adds an `unused-ignore` finding for each name
 * (or name-less directive) that suppressed nothing. Names of known rules that are not enabled
 * are not reported: configuration may have turned them off for now.
 * `unused-ignore` itself is only suppressed by a file-level directive naming it: a name-less
 * directive must not hide the report that it is unused.
 */
export function applySuppressions(
  text: string,
  findings: Finding[],
  suppressions: Suppression[],
  options: SuppressionOptions,
): Finding[] {
  const lines = lineStarts(text);
  const usedNames = suppressions.map((s) => s.rules.map(() => false));
  const usedDirectives = suppressions.map(() => false);

  const suppress = (rule: string, line: number): boolean => {
    const fileOnly = rule === UNUSED_IGNORE;
    let suppressed = false;
    suppressions.forEach((s, i) => {
      if (s.kind === 'next-line' && (fileOnly || s.targetLine !== line)) return;
      if (s.rules.length === 0) {
        if (!fileOnly) suppressed = usedDirectives[i] = true;
        return;
      }
      s.rules.forEach((r, j) => {
        if (r.name === rule) suppressed = usedNames[i][j] = true;
      });
    });
    return suppressed;
  };

  const kept = findings.filter((f) => f.span.file !== options.file || !suppress(f.rule, lineOf(lines, f.span.start)));
  if (options.unusedIgnoreSeverity === 'off') return kept;
  const severity = options.unusedIgnoreSeverity;

  const stale = (i: number, j: number) => {
    const name = suppressions[i].rules[j].name;
    const reportable = name === UNUSED_IGNORE || !options.knownRules.has(name) || options.enabledRules.has(name);
    return !usedNames[i][j] && reportable;
  };

  // Reports about other names come first: whether a file-level `unused-ignore` name is itself
  // unused depends on whether they exist.
  const hasOtherReports = suppressions.some(
    (s, i) =>
      (s.rules.length === 0 && !usedDirectives[i]) ||
      s.rules.some((r, j) => r.name !== UNUSED_IGNORE && stale(i, j)),
  );
  const othersSuppressed = hasOtherReports && suppress(UNUSED_IGNORE, 0);

  const reports: Finding[] = [];
  suppressions.forEach((s, i) => {
    const directive = `fearless-ignore-${s.kind}`;
    const finding = (start: number, end: number, message: string, fix: Fix): Finding => ({
      rule: UNUSED_IGNORE,
      severity,
      span: { file: options.file, start, end },
      message,
      related: [],
      fixes: [fix],
    });
    const removeComment: Fix = {
      title: 'Remove the unused ignore comment',
      kind: 'safe',
      edits: [{ file: options.file, ...commentRemoval(text, lines, s), newText: '' }],
    };

    if (s.rules.length === 0) {
      if (!usedDirectives[i] && !othersSuppressed) {
        const where = s.kind === 'file' ? 'in this file' : 'here';
        reports.push(finding(s.commentStart, s.commentEnd, `${directive} suppresses nothing ${where}`, removeComment));
      }
      return;
    }
    const staleNames = s.rules.flatMap((_, j) => (stale(i, j) ? [j] : []));
    for (const j of staleNames) {
      const { name, start, end } = s.rules[j];
      if (name !== UNUSED_IGNORE && othersSuppressed) continue;
      const fix: Fix =
        staleNames.length === s.rules.length
          ? removeComment
          : {
              title: `Remove '${name}' from the ignore comment`,
              kind: 'safe',
              edits: [{ file: options.file, ...nameRemoval(s, j), newText: '' }],
            };
      reports.push(finding(start, end, unusedMessage(s, name, directive, options.knownRules), fix));
    }
  });
  return [...kept, ...reports];
}

function unusedMessage(s: Suppression, name: string, directive: string, knownRules: ReadonlySet<string>): string {
  if (name === UNUSED_IGNORE && s.kind === 'next-line') {
    return `'${UNUSED_IGNORE}' can only be ignored for a whole file, with fearless-ignore-file`;
  }
  if (name === UNUSED_IGNORE || knownRules.has(name)) {
    return `'${name}' is ignored ${s.kind === 'file' ? 'in this file' : 'here'} but reported nothing`;
  }
  const hint = closestName(name, [...knownRules, UNUSED_IGNORE]);
  return `Unknown rule '${name}' in ${directive}${hint ? `; did you mean '${hint}'?` : ''}`;
}

/** Removes one name and the separator joining it to its neighbour. */
function nameRemoval(s: Suppression, j: number): { start: number; end: number } {
  const names = s.rules;
  return j < names.length - 1
    ? { start: names[j].start, end: names[j + 1].start }
    : { start: names[j - 1].end, end: names[j].end };
}

/**
 * Removes a comment: with its line(s) when it stands alone; otherwise with the whitespace that
 * joined it to the code beside it, so neither a trailing blank nor a double space is left.
 */
function commentRemoval(text: string, lines: number[], s: Suppression): { start: number; end: number } {
  const firstLine = lineOf(lines, s.commentStart);
  const lastLine = lineOf(lines, s.commentEnd);
  const lineStart = lines[firstLine];
  const lineEnd = contentEnd(text, lines, lastLine);
  const before = text.slice(lineStart, s.commentStart);
  const after = text.slice(s.commentEnd, lineEnd);
  const blankBefore = /^\s*$/.test(before);
  const blankAfter = /^\s*$/.test(after);
  if (blankBefore && blankAfter) {
    if (lastLine + 1 < lines.length) return { start: lineStart, end: lines[lastLine + 1] };
    if (firstLine > 0) return { start: contentEnd(text, lines, firstLine - 1), end: lineEnd };
    return { start: lineStart, end: lineEnd };
  }
  if (blankAfter) return { start: s.commentStart - (before.length - before.trimEnd().length), end: lineEnd };
  return { start: s.commentStart, end: s.commentEnd + (after.length - after.trimStart().length) };
}

/**
 * Quick fix "Ignore `rule` on this line": adds the rule to a next-line directive already aimed at
 * the finding's line, or inserts one above it with the line's indentation and line ending.
 * `unused-ignore` can only be ignored per file, so it gets the file-level edit.
 */
export function ignoreOnLineEdit(text: string, file: string, findingStart: number, rule: string): TextEdit {
  if (rule === UNUSED_IGNORE) return ignoreInFileEdit(text, file, rule);
  const { lines, suppressions } = parsedForEdits(text, file);
  const line = lineOf(lines, findingStart);
  const existing = suppressions.find((s) => s.kind === 'next-line' && s.targetLine === line);
  if (existing) return mergeEdit(file, existing, rule);
  const lineStart = line === 0 ? bomLength(text) : lines[line];
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const newText = `${indent}// fearless-ignore-next-line ${rule}${lineBreak(text)}`;
  return { file, start: lineStart, end: lineStart, newText };
}

/**
 * Quick fix "Ignore `rule` in this file": adds the rule to an existing fearless-ignore-file
 * directive, or inserts one at the top (after a BOM and a shebang).
 */
export function ignoreInFileEdit(text: string, file: string, rule: string): TextEdit {
  const fileDirectives = parsedForEdits(text, file).suppressions.filter((s) => s.kind === 'file');
  const named = fileDirectives.find((s) => s.rules.length > 0);
  if (named) return mergeEdit(file, named, rule);
  // A name-less directive covers every rule but `unused-ignore`; narrowing it would un-ignore the rest.
  if (fileDirectives.length > 0 && rule !== UNUSED_IGNORE) return noEdit(file, fileDirectives[0].commentEnd);

  const eol = lineBreak(text);
  const comment = `/* fearless-ignore-file ${rule} */`;
  const start = bomLength(text);
  if (!text.startsWith('#!', start)) return { file, start, end: start, newText: comment + eol };
  const lines = lineStarts(text);
  return lines.length > 1
    ? { file, start: lines[1], end: lines[1], newText: comment + eol }
    : { file, start: text.length, end: text.length, newText: eol + comment };
}

/** Appends `, rule` after the directive's last name; nothing to do if it already covers the rule. */
function mergeEdit(file: string, s: Suppression, rule: string): TextEdit {
  if (s.rules.length === 0 || s.rules.some((r) => r.name === rule)) return noEdit(file, s.commentEnd);
  const at = s.rules[s.rules.length - 1].end;
  return { file, start: at, end: at, newText: `, ${rule}` };
}

function noEdit(file: string, at: number): TextEdit {
  return { file, start: at, end: at, newText: '' };
}

function bomLength(text: string): number {
  return text.charCodeAt(0) === 0xfeff ? 1 : 0;
}

function lineBreak(text: string): string {
  return /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
}

/** Line starts with `\r\n`, `\r` and `\n` as breaks, as LSP counts lines. */
/**
 * The quick fixes of one request ask about every finding of the same text in a row (thousands, in a
 * generated file): its lines and directives are found once, not once per finding.
 */
let lastParsed: { text: string; file: string; lines: number[]; suppressions: Suppression[] } | undefined;

function parsedForEdits(text: string, file: string): { lines: number[]; suppressions: Suppression[] } {
  if (lastParsed?.text !== text || lastParsed.file !== file) {
    lastParsed = { text, file, lines: lineStarts(text), suppressions: parseSuppressions(text, file) };
  }
  return lastParsed;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    if (c === 13 || c === 10) starts.push(i + 1);
  }
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The offset where a line's text ends, before its line break. */
function contentEnd(text: string, starts: number[], line: number): number {
  let end = line + 1 < starts.length ? starts[line + 1] : text.length;
  if (end > starts[line] && text[end - 1] === '\n') end--;
  if (end > starts[line] && text[end - 1] === '\r') end--;
  return end;
}

/**
 * The edits of the "Ignore `rule` on this line / in this file" quick fixes: a rule added to the
 * directive already aimed there, or a new directive.
 */
import type { TextEdit } from '../core/finding.js';
import { DIRECTIVE_RULES } from './suppressions.js';
import { parseSuppressions, type Suppression } from './ignore-comments.js';
import { LineIndex } from '../core/positions';

/**
 * Quick fix "Ignore `rule` on this line": adds the rule to a next-line directive already aimed at
 * the finding's line, or inserts one above it with the line's indentation and line ending.
 * A report about ignore comments can only be ignored per file, so it gets the file-level edit.
 */
export function ignoreOnLineEdit(text: string, file: string, findingStart: number, rule: string): TextEdit {
  if (DIRECTIVE_RULES.has(rule)) return ignoreInFileEdit(text, file, rule);
  const { lines, suppressions } = parsedForEdits(text, file);
  const line = lines.lineOf(findingStart);
  const existing = suppressions.find((s) => s.kind === 'next-line' && s.targetLine === line);
  if (existing) return mergeEdit(file, existing, rule);
  const lineStart = line === 0 ? bomLength(text) : lines.startOf(line);
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
  // A name-less directive covers every rule but those about ignore comments; narrowing it would un-ignore the rest.
  if (fileDirectives.length > 0 && !DIRECTIVE_RULES.has(rule)) return noEdit(file, fileDirectives[0].commentEnd);

  const eol = lineBreak(text);
  const comment = `/* fearless-ignore-file ${rule} */`;
  const start = bomLength(text);
  if (!text.startsWith('#!', start)) return { file, start, end: start, newText: comment + eol };
  const lines = new LineIndex(text);
  return lines.lineCount > 1
    ? { file, start: lines.startOf(1), end: lines.startOf(1), newText: comment + eol }
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

/**
 * The quick fixes of one request ask about every finding of the same text in a row (thousands, in a
 * generated file): its lines and directives are found once, not once per finding.
 */
let lastParsed: { text: string; file: string; lines: LineIndex; suppressions: Suppression[] } | undefined;

function parsedForEdits(text: string, file: string): { lines: LineIndex; suppressions: Suppression[] } {
  if (lastParsed?.text !== text || lastParsed.file !== file) {
    lastParsed = { text, file, lines: new LineIndex(text), suppressions: parseSuppressions(text, file) };
  }
  return lastParsed;
}

/**
 * The rule pages' examples (docs/rules/<id>.md) as the analysis reads them: each ```ts / ```js block
 * under "❌ Incorrect" or "✅ Correct". A block may hold several files, each begun by a comment naming
 * it (`// reserve.ts`); lines marked `// ❌` are where the rule reports. What an example takes as given
 * without showing it (the main thread that spawns a worker shown alone) is written in an HTML comment
 * before its block, which the page does not display: `<!-- context main.ts` … `-->`.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ExampleFile {
  name: string;
  text: string;
  /** 0-based lines marked `// ❌`. */
  marked: number[];
}

export interface RuleExample {
  rule: string;
  /** The page and the 1-based line its block starts on, for messages. */
  where: string;
  incorrect: boolean;
  files: ExampleFile[];
  /** Files the example takes as given. */
  context: ExampleFile[];
}

const FENCE = /^```(ts|js)\s*$/;
const FILE_HEADER = /^\/\/ ([\w.-]+\.[cm]?[jt]sx?)\b/;
const CONTEXT = /^<!-- context ([\w.-]+\.[cm]?[jt]sx?)\s*$/;

export function ruleExamples(docsDir: string, rule: string): RuleExample[] {
  const lines = fs.readFileSync(path.join(docsDir, `${rule}.md`), 'utf8').split('\n');
  const out: RuleExample[] = [];
  let incorrect: boolean | undefined;
  let context: ExampleFile[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^❌ Incorrect/.test(line)) incorrect = true;
    else if (/^✅ Correct/.test(line)) incorrect = false;
    else if (/^#/.test(line)) incorrect = undefined;
    const given = CONTEXT.exec(line);
    if (given) {
      const body: string[] = [];
      for (i++; i < lines.length && !/^-->\s*$/.test(lines[i]); i++) body.push(lines[i]);
      context.push({ name: given[1], text: `${body.join('\n')}\n`, marked: [] });
      continue;
    }
    const fence = FENCE.exec(line);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    if (incorrect !== undefined) {
      out.push({ rule, where: `docs/rules/${rule}.md:${start + 1}`, incorrect, files: splitFiles(body, `example.${fence[1]}`), context });
    }
    context = [];
  }
  return out;
}

/** A block's files: a new one at each comment line that names a file; before any, `fallback`. */
function splitFiles(body: readonly string[], fallback: string): ExampleFile[] {
  const files: { name: string; lines: string[] }[] = [];
  for (const line of body) {
    const header = FILE_HEADER.exec(line);
    if (header && !files.some(f => f.name === header[1])) files.push({ name: header[1], lines: [] });
    else if (files.length === 0) files.push({ name: fallback, lines: [] });
    files[files.length - 1].lines.push(line);
  }
  return files.map(f => ({
    name: f.name, text: `${f.lines.join('\n')}\n`, marked: f.lines.flatMap((l, n) => (/\/\/ ❌/.test(l) ? [n] : [])),
  }));
}

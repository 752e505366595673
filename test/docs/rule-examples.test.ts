/**
 * Every example of the rule pages (docs/rules/<id>.md) does what its page says: each "❌ Incorrect"
 * block makes its rule report, on exactly the lines marked `// ❌` when it marks any; each "✅ Correct"
 * block makes it report nothing. Each example is a project of its own (its files, the context its page
 * gives it, and prelude.d.ts), all checked in one run.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkPaths, type CheckResult } from '../../server/src/engine/check';
import { LineIndex } from '../../server/src/core/positions';
import { RULES, RULE_SET } from '../../server/src/rules/registry';
import { type RuleExample, ruleExamples } from './rule-examples';

const ROOT = path.join(__dirname, '..', '..');
const DOCS = path.join(ROOT, 'docs', 'rules');
const TSCONFIG = {
  compilerOptions: {
    target: 'es2024', module: 'nodenext', moduleDetection: 'force', lib: ['es2024', 'dom'], types: ['node'],
    strict: true, noEmit: true, allowJs: true, skipLibCheck: true,
  },
  include: ['*'],
};

describe('rule pages\' examples', () => {
  const examples = RULES.flatMap(r => ruleExamples(DOCS, r.meta.id));
  let dir: string;
  let result: CheckResult;
  const folderOf = (i: number): string => path.join(dir, 'examples', `${examples[i].rule}-${i}`);

  before(function () {
    this.timeout(300_000);
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-docs-')));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'docs-examples', private: true }));
    examples.forEach((example, i) => {
      const folder = folderOf(i);
      fs.mkdirSync(folder, { recursive: true });
      for (const file of [...example.files, ...example.context]) fs.writeFileSync(path.join(folder, file.name), file.text);
      fs.copyFileSync(path.join(__dirname, 'prelude.d.ts'), path.join(folder, 'prelude.d.ts'));
      fs.writeFileSync(path.join(folder, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    });
    result = checkPaths(['examples'], { rules: RULE_SET, cwd: dir });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are there for every rule', () => {
    assert.deepEqual(RULES.map(r => r.meta.id).filter(id => !examples.some(e => e.rule === id && e.incorrect)), []);
  });

  examples.forEach((example, i) => {
    it(`${example.where}: ${example.incorrect ? 'reported' : 'not reported'}`, () => {
      const problems = example.files.flatMap(file => judge(example, file, path.join(folderOf(i), file.name), result));
      const reported = result.findings.some(f => f.rule === example.rule && example.files.some(x => f.span.file === path.join(folderOf(i), x.name)));
      if (example.incorrect && !reported) problems.push(`${example.rule} does not report it`);
      assert.deepEqual(problems, []);
    });
  });
});

/** What is wrong with the findings of one file of an example: lines reported that should not be, or not that should. */
function judge(example: RuleExample, file: RuleExample['files'][number], at: string, result: CheckResult): string[] {
  const index = new LineIndex(fs.readFileSync(at, 'utf8'));
  const findings = result.findings.filter(f => f.span.file === at && f.rule === example.rule);
  const lines = [...new Set(findings.map(f => index.positionAt(f.span.start).line))].sort((a, b) => a - b);
  const say = (line: number): string => `${file.name}:${line + 1}: ${findings.find(f => index.positionAt(f.span.start).line === line)?.message}`;
  if (!example.incorrect) return lines.map(line => `reported, though correct: ${say(line)}`);
  if (file.marked.length === 0) return [];
  return [
    ...lines.filter(l => !file.marked.includes(l)).map(line => `reported on a line not marked // ❌: ${say(line)}`),
    ...file.marked.filter(l => !lines.includes(l)).map(line => `not reported on ${file.name}:${line + 1}, marked // ❌`),
  ];
}

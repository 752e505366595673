/**
 * The engine on anything a workspace may hold: random edits of the repository's fixtures and
 * examples, generated concurrency code, and hand-made worst cases (10,000 levels of nesting, a
 * 50,000-line file, huge literals, binary garbage, CRLF and BOM, emoji, `any`, recursive types,
 * import and spawn cycles). It must never throw, never lose a rule to a crash, and put every range
 * inside its file; a pathological file costs one budget finding, never the rest of the workspace.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { analyzeFile } from '../../server/src/engine/analyze-file';
import { applyFixes } from '../../server/src/engine/apply-edits';
import { MAX_SYNTAX_DEPTH } from '../../server/src/analysis/program/budget';
import { BUDGET_EXCEEDED } from '../../server/src/core/engine-diagnostics';
import { checkPaths } from '../../server/src/engine/check';
import type { Finding } from '../../server/src/core/finding';
import { LineIndex } from '../../server/src/core/positions';
import { Workspace } from '../../server/src/analysis/program/workspace';
import { DEFAULT_CONFIG } from '../../server/src/config/config-file';
import { RULES, RULE_SET } from '../../server/src/rules/registry';
import { FUZZ_SEED, LONG_RUN, generatedCase, mutatedCase, pathologicalCases, runs, seedCases, type Case } from './support/corpus';
import { EngineHarness, tempPackage } from './support/engine';
import { findingProblems } from './support/invariants';

/** Far beyond any case's cost: only a hang (or something close to one) trips it. */
const HANG_GUARD_MS = 60_000;

describe('reliability: the engine', function () {
  this.timeout(LONG_RUN ? 0 : 240_000);
  let harness: EngineHarness;
  let slowest = 0;
  before(() => {
    harness = new EngineHarness();
  });
  after(() => {
    harness.dispose();
    console.log(`      slowest fuzz case: ${slowest} ms`);
  });

  const survives = (files: Case): void => {
    const result = harness.analyse(files);
    slowest = Math.max(slowest, result.millis);
    const problems = [...result.failures, ...findingProblems(result.findings, f => result.texts.get(f))];
    assert.deepEqual(problems, []);
    assert.ok(result.millis < HANG_GUARD_MS, `one case took ${result.millis} ms`);
  };

  it('survives random edits of every fixture and example', () => {
    fc.assert(fc.property(mutatedCase(seedCases()), survives), { numRuns: runs(30), seed: FUZZ_SEED });
  });

  it('survives generated concurrency code in random control flow', () => {
    fc.assert(fc.property(generatedCase(), survives), { numRuns: runs(15), seed: FUZZ_SEED });
  });

  describe('pathological projects, checked together as `fearless check` does', () => {
    let dir: string;
    let findings: Finding[];
    let texts: ReadonlyMap<string, string>;
    const cases = pathologicalCases();
    const fileOf = (name: string, rel: string): string => path.join(dir, slug(name), rel);
    const byFile = new Map<string, Finding[]>();
    const of = (name: string, rel: string): Finding[] => byFile.get(fileOf(name, rel)) ?? [];

    before(() => {
      dir = tempPackage('fearless-pathological-');
      // The control case: the same two files as plain text, to compare positions with.
      for (const [name, files] of Object.entries({ ...cases, control: controlCase() })) {
        for (const [rel, text] of Object.entries(files)) {
          fs.mkdirSync(path.dirname(path.join(dir, slug(name), rel)), { recursive: true });
          fs.writeFileSync(path.join(dir, slug(name), rel), text);
        }
      }
      const started = Date.now();
      // Generated-looking files included: one 20,000-character line reads as minified, and it is the
      // engine's handling of such files that is under test here, not the check's choice to skip them.
      const run = checkPaths([dir], { rules: RULE_SET, cwd: dir, includeGenerated: true });
      console.log(`      ${run.files.length} pathological files checked in ${Date.now() - started} ms`);
      assert.deepEqual(run.usageErrors, []);
      assert.deepEqual(run.internalErrors, []);
      findings = run.findings;
      for (const f of findings) byFile.set(f.span.file, [...byFile.get(f.span.file) ?? [], f]);
      texts = run.texts;
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('every range is inside its file', () => {
      assert.deepEqual(findingProblems(findings, f => texts.get(f)), []);
    });

    for (const name of Object.keys(cases).filter(n => /^(deep|long)/.test(n))) {
      it(`${name}: one budget finding, and nothing else`, () => {
        assert.deepEqual(of(name, 'deep.ts').map(f => f.rule), [BUDGET_EXCEEDED]);
        assert.match(of(name, 'deep.ts')[0].message, new RegExp(`more than ${MAX_SYNTAX_DEPTH} levels`));
      });
    }

    it('a file that imports a refused one is analysed as usual', () => {
      assert.ok(of('deep file imported by a normal one', 'main.ts').some(f => f.rule === 'unsynchronized-shared-write'));
      assert.ok(of('deep file imported by a normal one', 'w.ts').some(f => f.rule === 'unsynchronized-shared-write'));
    });

    it('binary garbage is one parse error', () => {
      for (const name of ['binary garbage', 'binary garbage without NUL']) assert.deepEqual(of(name, 'main.ts').map(f => f.rule), ['parse-error']);
    });

    for (const name of ['CRLF line ends', 'lone CR line ends', 'byte-order mark', 'BOM and CRLF']) {
      it(`${name}: the same findings at the same lines and columns as the plain text`, () => {
        for (const rel of ['main.ts', 'worker.ts']) {
          const where = (caseName: string): string[] => {
            const index = new LineIndex(texts.get(fileOf(caseName, rel)) as string);
            return of(caseName, rel).map(f => {
              const start = index.positionAt(f.span.start);
              const end = index.positionAt(f.span.end);
              return `${f.rule} ${start.line}:${start.column}-${end.line}:${end.column}`;
            });
          };
          assert.ok(where('control').length > 0, 'the control case has findings');
          assert.deepEqual(where(name), where('control'), rel);
        }
      });
    }

    it('fix-all on the 50,000-line file applies each of its fixes (conflicts are searched, not scanned)', () => {
      const file = fileOf('50,000-line file', 'big.ts');
      const fixed = applyFixes(of('50,000-line file', 'big.ts'), texts).get(file) as string;
      const fixable = of('50,000-line file', 'big.ts').filter(f => f.fixes[0]?.kind === 'safe').length;
      assert.ok(fixable > 40_000, `${fixable} safe fixes`);
      assert.equal(fixed.match(/Atomics\.add\(/g)?.length, fixable);
    });

    it('threads across files survive cycles: mutual spawns, self spawns, circular imports', () => {
      assert.ok(of('two workers that spawn each other', 'one.ts').some(f => f.rule === 'unsynchronized-shared-write'));
      assert.ok(of('two workers that spawn each other', 'two.ts').some(f => f.rule === 'unsynchronized-shared-write'));
      assert.ok(of('a worker that spawns itself', 'self.ts').some(f => f.rule === 'unsynchronized-shared-write'));
    });
  });

  describe('the time budget', () => {
    const file = path.join(__dirname, '..', '..', 'examples', 'wordfreq', 'src', 'worker.ts');
    const workspace = new Workspace();

    it('spent before the first rule: one finding naming every rule, and no other', () => {
      workspace.add(file);
      const parsed = workspace.get(file)!;
      const { findings, errors } = analyzeFile(parsed.sourceFile, parsed.program, RULE_SET, DEFAULT_CONFIG, undefined, { budgetMs: -1 });
      assert.deepEqual(errors, []);
      assert.deepEqual(findings.map(f => f.rule), [BUDGET_EXCEEDED]);
      assert.equal(findings[0].severity, 'info');
      for (const rule of RULES) assert.ok(findings[0].message.includes(rule.meta.id), rule.meta.id);
    });

    it('turned off with the rule: no finding, the cut still made', () => {
      const parsed = workspace.get(file)!;
      const config = { ...DEFAULT_CONFIG, rules: { [BUDGET_EXCEEDED]: 'off' as const } };
      assert.deepEqual(analyzeFile(parsed.sourceFile, parsed.program, RULE_SET, config, undefined, { budgetMs: -1 }).findings, []);
    });

    it('a rule that runs out of stack is named in the budget finding, not counted as a crash', () => {
      const parsed = workspace.get(file)!;
      const rule = RULES.find(r => r.meta.id === 'busy-wait')!;
      const check = rule.check;
      (rule as { check: typeof check }).check = () => {
        throw new RangeError('Maximum call stack size exceeded');
      };
      try {
        const { findings, errors } = analyzeFile(parsed.sourceFile, parsed.program, RULE_SET, DEFAULT_CONFIG, undefined, { budgetMs: Infinity });
        assert.deepEqual(errors, []);
        const budget = findings.filter(f => f.rule === BUDGET_EXCEEDED);
        assert.equal(budget.length, 1);
        assert.match(budget[0].message, /busy-wait ran out of stack/);
        assert.ok(findings.some(f => f.rule === 'unsynchronized-shared-write'), 'the other rules still ran');
      } finally {
        (rule as { check: typeof check }).check = check;
      }
    });
  });
});

function slug(name: string): string {
  return name.replace(/[^\w]+/g, '-');
}

function controlCase(): Case {
  const src = path.join(__dirname, '..', '..', 'examples', 'wordfreq', 'src');
  return { 'main.ts': fs.readFileSync(path.join(src, 'main.ts'), 'utf8'), 'worker.ts': fs.readFileSync(path.join(src, 'worker.ts'), 'utf8') };
}

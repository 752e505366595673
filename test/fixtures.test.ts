/**
 * Runs every fixture under test/fixtures/<rule-id>/: `invalid*` files hold the cases a rule must
 * flag, `valid*` files the look-alikes it must not, folders hold multi-file fixtures; `//~`
 * expectations are checked both ways. A `<name>.fixed.ts` beside `<name>.ts` starts with
 * `// fix: <title>`: that fix, applied to every finding of the rule in `<name>.ts`, must give
 * exactly the fixed text (annotations aside), which must then analyse as annotated and add no
 * TypeScript error.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ts } from '../server/src/analysis/ts';
import { analyzeFile } from '../server/src/engine/analyze-file';
import { applyEdits } from '../server/src/engine/apply-edits';
import { DEFAULT_CONFIG } from '../server/src/config/config-file';
import { Project } from '../server/src/analysis/project';
import { isSourceFile } from '../server/src/analysis/program/files';
import { RULES, RULE_SET } from '../server/src/rules/registry';
import type { Finding, TextEdit } from '../server/src/core/finding';
import { compareFindings, expectations, stripAnnotations } from './support/expectations';

const ROOT = path.join(__dirname, 'fixtures');
const MIN_CASES = 6;
const FIX_HEADER = /^\/\/ fix: (.+)$/m;

const ruleDirs = fs.readdirSync(ROOT).filter(d => fs.statSync(path.join(ROOT, d)).isDirectory()).sort();
const allFiles = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .map(f => path.join(dir, f)).filter(f => isSourceFile(f)).sort();

type Analysed = { findings: Finding[]; file: ts.SourceFile; program: ts.Program };

/** Every fixture of one tree, analysed as a check of that tree would: one workspace, thread graph and lock order. */
class FixtureRun {
  private readonly analysed = new Map<string, Analysed>();
  private project?: Project;

  constructor(readonly root: string) {}

  analyse(file: string): Analysed {
    let hit = this.analysed.get(file);
    if (!hit) {
      const project = this.project ??= this.load();
      const { workspace } = project;
      const parsed = workspace.get(file);
      assert.ok(parsed, `${file} is not in the fixture workspace`);
      assert.ok(ts.isExternalModule(parsed.sourceFile), `${file} must be a module (add \`export {};\`) so fixtures do not share globals`);
      const result = analyzeFile(parsed.sourceFile, parsed.program, RULE_SET, DEFAULT_CONFIG, project.context);
      assert.deepEqual(result.errors, [], 'a rule crashed');
      hit = { findings: result.findings, file: parsed.sourceFile, program: parsed.program };
      this.analysed.set(file, hit);
    }
    return hit;
  }

  private load(): Project {
    const files = ruleDirs.flatMap(dir => allFiles(path.join(this.root, dir)));
    const project = new Project();
    for (const f of files) project.workspace.add(f);
    // One thread graph over every fixture: spawn sites are pinned to their own folder, so a multi-file
    // fixture (main.ts spawning worker.ts) sees only its own files, as a check of that folder would.
    for (const f of files) project.readSpawns(f);
    // Lock orders likewise: lock classes are declarations, so a fixture's inversions stay within the files it imports.
    for (const f of files) assert.equal(project.readLockOrders(f).error, undefined);
    return project;
  }
}

/**
 * The fixtures and their support files copied into a package of their own with nothing installed: a
 * `package.json` at its root (fixtures name workers from the package root, as from the repository's), and
 * no `node_modules` (hence no `@types/node`) there or above, as in CI before `npm ci`. Fearless must find
 * the same there, from the declarations it bundles.
 */
function untypedCopy(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-untyped-')));
  for (let d = dir; ; d = path.dirname(d)) {
    for (const name of ['node_modules', 'package.json']) {
      assert.ok(!fs.existsSync(path.join(d, name)), `${path.join(d, name)} would give the untyped copy types or another root`);
    }
    if (path.dirname(d) === d) break;
  }
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "fixtures-without-types", "private": true }\n');
  fs.cpSync(ROOT, path.join(dir, 'test', 'fixtures'), { recursive: true });
  fs.cpSync(path.join(__dirname, 'support'), path.join(dir, 'test', 'support'), { recursive: true });
  return path.join(dir, 'test', 'fixtures');
}

function typeErrors(file: ts.SourceFile, program: ts.Program): Set<string> {
  const diags = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  return new Set(diags.filter(d => d.category === ts.DiagnosticCategory.Error)
    .map(d => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`));
}

describe('fixtures', () => {
  it('cover every rule, and only known rules', () => {
    const ids = RULES.map(r => r.meta.id);
    assert.deepEqual(ruleDirs.filter(d => !ids.includes(d)), [], 'fixture folders named after no rule');
    assert.deepEqual(ids.filter(id => !ruleDirs.includes(id)), [], 'rules without fixtures');
  });

  fixtureSuite('with the repository\'s types', () => ROOT);
  let copy: string | undefined;
  after(() => { if (copy) fs.rmSync(path.dirname(path.dirname(copy)), { recursive: true, force: true }); });
  fixtureSuite('with no installed types', () => copy ??= untypedCopy());
});

/** Every rule's fixtures, checked in the tree `root()` gives (made on first use). */
function fixtureSuite(title: string, root: () => string): void {
  let current: FixtureRun | undefined;
  const run = (): FixtureRun => current ??= new FixtureRun(root());
  // Paths are listed from the repository's tree and mapped into the tree under test.
  const at = (file: string): string => path.join(run().root, path.relative(ROOT, file));
  const analyse = (file: string): Analysed => run().analyse(at(file));
  describe(title, () => {
    // Loading every fixture into one workspace is the suite's big step: given its own time, not the first test's.
    before(function () {
      this.timeout(300_000);
      run().analyse(at(allFiles(path.join(ROOT, ruleDirs[0]))[0]));
    });

    for (const rule of ruleDirs) {
      describe(rule, () => {
        const dir = path.join(ROOT, rule);
        const files = allFiles(dir);
        const inputs = files.filter(f => !/\.fixed\.[cm]?[jt]sx?$/.test(f));
        const fixed = files.filter(f => /\.fixed\.[cm]?[jt]sx?$/.test(f));

        it(`has at least ${MIN_CASES} flagged and ${MIN_CASES} safe cases`, () => {
          let flagged = 0;
          let worded = 0;
          let safe = 0;
          for (const f of inputs) {
            const rel = path.relative(dir, f);
            if (/(^|\/)invalid/.test(rel)) {
              for (const expected of expectations(fs.readFileSync(f, 'utf8')).values()) {
                const own = expected.filter(e => e.rule === rule);
                flagged += own.length;
                worded += own.filter(e => e.fragment !== undefined).length;
              }
            } else if (/(^|\/)valid/.test(rel)) {
              const sf = analyse(f).file;
              safe += sf.statements.filter(s => ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)).length;
            }
          }
          assert.ok(flagged >= MIN_CASES, `${flagged} flagged cases in invalid* files`);
          assert.ok(worded >= 1, 'no flagged case says what its message must hold (`//~ rule-id: fragment`)');
          assert.ok(safe >= MIN_CASES, `${safe} safe cases (top-level functions/classes) in valid* files`);
        });

        for (const f of inputs) {
          it(path.relative(dir, f), () => {
            const { findings } = analyse(f);
            const problems = compareFindings(path.relative(ROOT, f), fs.readFileSync(f, 'utf8'), findings);
            assert.deepEqual(problems, []);
          });
        }

        it('every fix its fixtures offer has a .fixed fixture', () => {
          const offered = new Set<string>();
          for (const f of inputs) for (const finding of analyse(f).findings) {
            if (finding.rule === rule) for (const fix of finding.fixes) offered.add(fix.title);
          }
          const proven = new Set(fixed.map(f => FIX_HEADER.exec(fs.readFileSync(f, 'utf8'))?.[1]));
          assert.deepEqual([...offered].filter(t => !proven.has(t)).sort(), []);
        });

        for (const f of fixed) {
          it(`fix: ${path.relative(dir, f)}`, () => {
            const input = f.replace(/\.fixed(\.[cm]?[jt]sx?)$/, '$1');
            const expectedText = fs.readFileSync(f, 'utf8');
            const title = FIX_HEADER.exec(expectedText)?.[1];
            assert.ok(title, `${f} must start with "// fix: <title>"`);
            assert.ok(fs.existsSync(input), `${f} has no input ${input}`);
            const before = analyse(input);
            const edits: TextEdit[] = before.findings
              .filter(x => x.rule === rule)
              .flatMap(x => x.fixes.filter(fix => fix.title === title).slice(0, 1).flatMap(fix => fix.edits));
            assert.ok(edits.length > 0, `no finding in ${input} offers "${title}"`);
            const result = applyEdits(before.file.text, edits);
            assert.deepEqual(result.skipped, [], 'fix edits overlap');
            assert.equal(stripAnnotations(result.text), stripAnnotations(expectedText));

            const after = analyse(f);
            assert.deepEqual(compareFindings(path.relative(ROOT, f), expectedText, after.findings), []);
            const oldErrors = typeErrors(before.file, before.program);
            const newErrors = [...typeErrors(after.file, after.program)].filter(e => !oldErrors.has(e));
            assert.deepEqual(newErrors, [], 'the fix introduced TypeScript errors');
          });
        }
      });
    }
  });
}

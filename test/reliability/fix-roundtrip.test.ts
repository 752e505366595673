/**
 * Every fix the analyzer offers on the repository's fixtures (`.fixed` files included) and examples,
 * applied for real: each fix alone, then all safe fixes of a file at once, pass after pass, as "fix
 * all" and `--fix` do. After each, the touched files must still parse, have no TypeScript error they
 * did not have, the fixed finding must be gone and no finding may appear that was not there before
 * (findings are matched across the edit by mapping their ranges through it). test/fixtures.test.ts
 * proves the fixes its `.fixed` files name; this proves all of them, on every finding.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze-file';
import { applyEdits, applyFixes } from '../../server/src/engine/apply-edits';
import type { Finding, Fix, TextEdit } from '../../server/src/core/finding';
import { isSourceFile } from '../../server/src/analysis/program/files';
import { type LockOrderEdge, lockOrderEdges } from '../../server/src/analysis/locks/lock-order';
import { Project } from '../../server/src/analysis/project';
import { ts } from '../../server/src/analysis/ts';
import { DEFAULT_CONFIG } from '../../server/src/config/config-file';
import { RULE_SET } from '../../server/src/rules/registry';

const ROOT = path.join(__dirname, '..', '..');

/** The CLI's bound: fixes that keep enabling fixes must settle within it. */
const MAX_FIX_PASSES = 10;

const inputs = [path.join(ROOT, 'test', 'fixtures'), path.join(ROOT, 'examples', 'wordfreq', 'src'), path.join(ROOT, 'examples', 'exercises', 'src')]
  .flatMap(dir => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map(f => path.join(dir, f)))
  .filter(f => isSourceFile(f)).sort();

/** The files under test in one project, edited and re-analysed fix by fix. */
class RoundTrips {
  private readonly project = new Project();
  /** Per file and text: the original texts come back after every round trip, and need no type checker then. */
  private readonly errorsOf = new Map<string, string[]>();
  private readonly edgesOf = new Map<string, LockOrderEdge[]>();

  constructor(files: readonly string[]) {
    for (const f of files) this.project.workspace.add(f);
    for (const f of files) this.project.readSpawns(f);
    for (const f of files) this.project.lockOrder.update(f, this.edges(f));
  }

  text(file: string): string {
    return this.parsed(file).sourceFile.text;
  }

  setText(file: string, text: string): void {
    this.project.workspace.setText(file, text);
    this.project.readSpawns(file);
    this.project.lockOrder.update(file, this.edges(file));
  }

  private edges(file: string): LockOrderEdge[] {
    const { sourceFile, program } = this.parsed(file);
    const key = `${file}\0${sourceFile.text}`;
    let edges = this.edgesOf.get(key);
    if (!edges) {
      const found = lockOrderEdges(sourceFile, program);
      assert.equal(found.error, undefined);
      this.edgesOf.set(key, edges = found.edges);
    }
    return edges;
  }

  findings(file: string): Finding[] {
    const { sourceFile, program } = this.parsed(file);
    const analysis = analyzeFile(sourceFile, program, RULE_SET, DEFAULT_CONFIG, this.project.context, { budgetMs: Infinity });
    assert.deepEqual(analysis.errors, [], `a rule crashed on ${file}`);
    return analysis.findings;
  }

  /** Parse errors first: a file that does not parse has no other errors worth comparing. */
  errors(file: string): string[] {
    const { sourceFile, program } = this.parsed(file);
    const key = `${file}\0${sourceFile.text}`;
    const known = this.errorsOf.get(key);
    if (known) return known;
    const syntax = program.getSyntacticDiagnostics(sourceFile);
    const diags = syntax.length > 0 ? syntax : program.getSemanticDiagnostics(sourceFile);
    const errors = diags.filter(d => d.category === ts.DiagnosticCategory.Error)
      .map(d => `${syntax.length > 0 ? 'syntax ' : ''}TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    // A file's errors depend on the others' texts too, but those are restored after every round trip.
    this.errorsOf.set(key, errors);
    return errors;
  }

  /** The files whose findings an edit of `file` may change: itself and the other ends of its spawn edges. */
  partners(file: string): string[] {
    const { graph, workspace } = this.project;
    return [...new Set([file, ...graph.targets(file), ...graph.spawners(file).map(s => s.file)])].filter(f => workspace.has(f));
  }

  private parsed(file: string): { sourceFile: ts.SourceFile; program: ts.Program } {
    const parsed = this.project.workspace.get(file);
    assert.ok(parsed, `${file} is not in the workspace`);
    return parsed;
  }
}

/** Where an offset of the old text is in the new one; inside a replaced range, its start or end. */
function mapOffset(offset: number, edits: readonly TextEdit[], side: 'start' | 'end'): number {
  let shift = 0;
  for (const e of edits) {
    if (e.end < offset || (e.end === offset && (e.start < e.end || side === 'start'))) shift += e.newText.length - (e.end - e.start);
    else if (e.start < offset) return e.start + shift + (side === 'end' ? e.newText.length : 0);
  }
  return offset + shift;
}

/** Hints that a fix revealed and whose own fix then round-trips cleanly (see `roundTrip`). */
let revealedHints = 0;

/**
 * Applies `edits` (any files), re-analyses `scope` (and the files touched), compares with `before`,
 * restores every text. `fixed`: the findings the edit should remove (each must be gone).
 * A new hint is no fault when the fix only made visible how the code can go further (a lock released
 * in `finally` around one update: "use Atomics instead"), and only when its own first fix, applied
 * next, round-trips with nothing new: the chain ends in clean code.
 */
function roundTrip(project: RoundTrips, scope: readonly string[], before: Map<string, Finding[]>, edits: readonly TextEdit[], fixed: readonly Finding[], followHints = true): string[] {
  const problems: string[] = [];
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) byFile.set(e.file, [...byFile.get(e.file) ?? [], e]);
  for (const list of byFile.values()) list.sort((a, b) => a.start - b.start || a.end - b.end);
  const originals = new Map([...byFile.keys()].map(f => [f, project.text(f)]));
  const oldErrors = new Map([...byFile.keys()].map(f => [f, new Set(project.errors(f))]));
  try {
    for (const [file, list] of byFile) {
      const applied = applyEdits(originals.get(file)!, list);
      if (applied.skipped.length > 0) problems.push(`${rel(file)}: ${applied.skipped.length} edits overlap or fall outside the text`);
      project.setText(file, applied.text);
    }
    for (const [file, was] of oldErrors) {
      const added = project.errors(file).filter(e => !was.has(e));
      if (added.length > 0) problems.push(`${rel(file)}: new errors: ${added.join('; ')}`);
    }
    const files = [...new Set([...scope, ...byFile.keys()])];
    for (const file of files) {
      const text = project.text(file);
      const list = byFile.get(file) ?? [];
      const old = (before.get(file) ?? []).map(f => ({
        finding: f, start: mapOffset(f.span.start, list, 'start'), end: mapOffset(f.span.end, list, 'end'), used: false,
      }));
      const isFixed = (f: Finding): boolean => fixed.includes(f);
      const leftovers: Finding[] = [];
      const current = project.findings(file);
      for (const now of current) {
        const match = old.find(o => !o.used && !isFixed(o.finding) && o.finding.rule === now.rule
          && (o.start <= now.span.end && now.span.start <= o.end));
        if (match) match.used = true;
        else leftovers.push(now);
      }
      for (const now of leftovers) {
        if (followHints && now.severity === 'hint' && now.fixes.length > 0 &&
            roundTrip(project, [file], new Map([[file, current]]), now.fixes[0].edits, [now], false).length === 0) {
          revealedHints++;
          continue;
        }
        const stillThere = old.find(o => isFixed(o.finding) && o.finding.rule === now.rule && o.start <= now.span.end && now.span.start <= o.end);
        const excerpt = JSON.stringify(text.slice(now.span.start, Math.min(now.span.end, now.span.start + 60)));
        problems.push(stillThere ? `${rel(file)}: the fixed ${now.rule} is still there: ${excerpt}` : `${rel(file)}: new ${now.rule} at ${excerpt}: ${now.message}`);
      }
    }
  } finally {
    for (const [file, text] of originals) project.setText(file, text);
  }
  return problems;
}

function rel(file: string): string {
  return path.relative(ROOT, file);
}

describe('reliability: every fix, applied', function () {
  this.timeout(600_000);
  let project: RoundTrips;
  const found = new Map<string, Finding[]>();
  let checked = 0;

  before(() => {
    project = new RoundTrips(inputs);
    for (const file of inputs) found.set(file, project.findings(file));
  });
  after(() => console.log(`      fixes checked: ${checked} alone, plus fix-all passes (see above); hints revealed by a fix, then fixed cleanly: ${revealedHints}`));

  it('each fix alone: parses, no new TypeScript error, the finding gone, nothing new', () => {
    const problems: string[] = [];
    for (const file of inputs) {
      for (const finding of found.get(file)!) {
        for (const fix of finding.fixes) {
          checked++;
          const scope = project.partners(file);
          problems.push(...roundTrip(project, scope, found, fix.edits, [finding]).map(p => `${rel(file)} ${finding.rule} / "${fix.title}": ${p}`));
        }
      }
    }
    assert.ok(checked > 100, `only ${checked} fixes offered`);
    assert.deepEqual(problems, []);
  });

  it('all safe fixes of a file at once, pass after pass, as fix-all and --fix do', () => {
    const problems: string[] = [];
    let passes = 0;
    for (const file of inputs) {
      if (!found.get(file)!.some(f => f.fixes[0]?.kind === 'safe')) continue;
      const original = project.text(file);
      try {
        let findings = found.get(file)!;
        for (let pass = 0; ; pass++) {
          const fixed = applyFixes(findings.filter(f => f.span.file === file), new Map([[file, project.text(file)]])).get(file);
          if (fixed === undefined) break;
          if (pass === MAX_FIX_PASSES) {
            problems.push(`${rel(file)}: fixes still change the file after ${MAX_FIX_PASSES} passes`);
            break;
          }
          passes++;
          const offered = findings.filter(f => f.fixes[0]?.kind === 'safe');
          const outcome = roundTrip(project, [file], new Map([[file, findings]]), [diffEdit(file, project.text(file), fixed)], offered);
          // Not every fix offered is applied (applyFixes leaves out those that conflict): one still there is no fault.
          problems.push(...outcome.filter(p => !/ the fixed /.test(p)).map(p => `${rel(file)} pass ${pass + 1}: ${p}`));
          project.setText(file, fixed);
          const after = project.findings(file);
          if (after.length >= findings.length) problems.push(`${rel(file)} pass ${pass + 1}: ${findings.length} findings before, ${after.length} after`);
          findings = after;
        }
      } finally {
        project.setText(file, original);
      }
    }
    console.log(`      fix-all passes checked: ${passes}`);
    assert.deepEqual(problems, []);
  });

  it('fixes that touch the same text never corrupt each other', () => {
    // Every pair of safe fixes of one file whose edits are near enough to interact, applied together
    // the way applyFixes combines them: the result must parse and add no TypeScript error.
    const problems: string[] = [];
    let pairs = 0;
    for (const file of inputs) {
      const safe = found.get(file)!.filter(f => f.fixes[0]?.kind === 'safe');
      for (let i = 0; i < safe.length; i++) {
        for (let j = i + 1; j < safe.length; j++) {
          const [a, b] = [safe[i].fixes[0], safe[j].fixes[0]];
          if (!near(a, b)) continue;
          pairs++;
          const fixed = applyFixes([safe[i], safe[j]], new Map([[file, project.text(file)]])).get(file);
          if (fixed === undefined) continue;
          const outcome = roundTrip(project, [file], found, [diffEdit(file, project.text(file), fixed)], [safe[i], safe[j]]);
          problems.push(...outcome.filter(p => !/ the fixed /.test(p)).map(p => `${rel(file)} ${safe[i].rule} + ${safe[j].rule}: ${p}`));
        }
      }
    }
    console.log(`      pairs of neighbouring safe fixes checked: ${pairs}`);
    assert.deepEqual(problems, []);
  });
});

/** The one edit that turns `before` into `after`: what lies between their common prefix and suffix. */
function diffEdit(file: string, before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let tail = 0;
  while (tail < before.length - start && tail < after.length - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { file, start, end: before.length - tail, newText: after.slice(start, after.length - tail) };
}

/** Edits within a line's reach of each other (or overlapping): where two fixes could interfere. */
function near(a: Fix, b: Fix): boolean {
  return a.edits.some(x => b.edits.some(y => x.file === y.file && x.start <= y.end + 80 && y.start <= x.end + 80));
}

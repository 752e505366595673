/** A whole check, as the CLI runs it: config, files, workspace, analysis of every file. */
import fs from 'node:fs';
import path from 'node:path';
import { configBaseDir, loadConfig, type ConfigProblem } from '../config';
import { RULE_METAS } from '../rules/index';
import { FileAnalysis, type UntypedApiUse, analyzeFile } from './analyze';
import { collectFiles } from './files';
import { originalText } from './flow';
import { type SkippedFile, generatedReason } from './generated';
import { DiskModuleFiles } from './module-files';
import type { Finding } from './finding';
import { ThreadGraph } from './thread-graph';
import { LockOrderGraph, lockOrderEdges } from './lock-order';
import { ThreadMap, buildThreadMap } from './thread-map';
import type { ts } from './ts';
import { Workspace } from './workspace';

export interface CheckOptions {
  cwd: string;
  configFile?: string;
  /** Each file's time budget (see budget.ts); the engine's default when absent. */
  budgetMs?: number;
  /** Analyse generated and minified files found in folders too (see generated.ts). */
  includeGenerated?: boolean;
  /** Told after each file's analysis: how many of how many are done, and the file just done. */
  onProgress?: (progress: CheckProgress) => void;
}

export interface CheckProgress {
  done: number;
  total: number;
  file: string;
}

export interface CheckResult {
  files: string[];
  /** Files found but left out as generated or minified: not in `files`. */
  skipped: SkippedFile[];
  findings: Finding[];
  texts: ReadonlyMap<string, string>;
  configProblems: ConfigProblem[];
  usageErrors: string[];
  /** Internal failures of a rule on a file: the run went on without that rule's findings there. */
  internalErrors: string[];
  /** Uses of thread APIs whose types are missing, which some rules could therefore not check. */
  untyped: UntypedApiUse[];
}

export function checkPaths(paths: string[], options: CheckOptions): CheckResult {
  const run = analysePaths(paths, options, false);
  const findings: Finding[] = [];
  const texts = new Map<string, string>();
  const internalErrors = [...run.internalErrors];
  const untyped: UntypedApiUse[] = [];
  for (const { file, sourceFile, program, analysis } of run.analysed) {
    texts.set(file, originalText(sourceFile));
    findings.push(...analysis.findings);
    untyped.push(...analysis.untyped ?? []);
    internalErrors.push(...analysis.errors);
    // Related locations and fix edits may point into files that were not checked (a type's module):
    // their text comes from the same program, so every position the report prints is exact.
    for (const f of analysis.findings) {
      for (const span of [...f.related.map(r => r.span), ...f.fixes.flatMap(x => x.edits)]) {
        if (!texts.has(span.file)) {
          const other = program.getSourceFile(span.file);
          if (other) texts.set(span.file, originalText(other));
        }
      }
    }
  }
  return {
    files: run.files, skipped: run.skipped, findings, texts, configProblems: run.configProblems, usageErrors: run.usageErrors, internalErrors, untyped,
  };
}

export interface AnalysedRun {
  cwd: string;
  files: string[];
  skipped: SkippedFile[];
  analysed: { file: string; sourceFile: ts.SourceFile; program: ts.Program; analysis: FileAnalysis }[];
  configProblems: ConfigProblem[];
  usageErrors: string[];
  /** Failures outside a file's rules (its lock orders): the run went on without what failed. */
  internalErrors: string[];
}

/**
 * Config, files, workspace, the thread graph, then every file through the rules: what the CLI's commands
 * share. `keepFacts`: whether each file's facts outlive its analysis (the thread map needs them; a
 * check that keeps them all holds every file's analysis in memory at once).
 */
export function analysePaths(paths: string[], options: CheckOptions, keepFacts = true): AnalysedRun {
  const cwd = path.resolve(options.cwd);
  const loaded = loadConfig(cwd, RULE_METAS.map(m => m.id), options.configFile);
  const { config } = loaded;
  const collected = collectFiles(paths.length > 0 ? paths : ['.'], cwd, {
    include: config.include, exclude: config.exclude, baseDir: configBaseDir(loaded, cwd),
  });
  const { usageErrors } = collected;
  // A file named on the command line is asked for: only what a folder brings in is left out.
  const skipped = options.includeGenerated ? [] : generatedAmong(collected.files.filter(f => !collected.named.has(f)));
  const left = new Set(skipped.map(s => s.file));
  const files = collected.files.filter(f => !left.has(f));
  const workspace = new Workspace({ stableDisk: true });
  for (const file of files) workspace.add(file);
  // Spawn sites first, across every file checked: a module's thread depends on who spawns it.
  const graph = new ThreadGraph();
  for (const file of files) {
    const parsed = workspace.get(file);
    if (parsed) graph.update(parsed.sourceFile);
  }
  // Lock orders too: an inversion needs both files' orders before either is judged.
  const lockOrder = new LockOrderGraph();
  const internalErrors: string[] = [];
  for (const file of files) {
    const parsed = workspace.get(file);
    if (!parsed) continue;
    const { edges, error } = lockOrderEdges(parsed.sourceFile, parsed.program);
    lockOrder.update(file, edges);
    if (error) internalErrors.push(error);
  }
  const context = { graph, peer: (file: string) => workspace.get(file), lockOrder };
  const analysed: AnalysedRun['analysed'] = [];
  for (const file of files) {
    const parsed = workspace.get(file);
    if (!parsed) continue;
    const analysis = analyzeFile(parsed.sourceFile, parsed.program, config, context, { budgetMs: options.budgetMs });
    analysed.push({ file, ...parsed, analysis: keepFacts ? analysis : { ...analysis, facts: undefined } });
    options.onProgress?.({ done: analysed.length, total: files.length, file });
  }
  return { cwd, files, skipped, analysed, configProblems: [...loaded.problems, ...workspace.problems], usageErrors, internalErrors };
}

/** The files that read as generated or minified, with why. */
function generatedAmong(files: readonly string[]): SkippedFile[] {
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue; // the workspace reports a file it cannot read
    }
    const reason = generatedReason(file, text);
    if (reason) skipped.push({ file, reason });
  }
  return skipped;
}

/** The thread map of the files under `paths` (for `fearless graph`), rooted at the current directory. */
export function mapPaths(paths: string[], options: CheckOptions): { map: ThreadMap; run: AnalysedRun } {
  const run = analysePaths(paths, options);
  const facts = run.analysed.flatMap(a => a.analysis.facts ? [a.analysis.facts] : []);
  return { map: buildThreadMap(facts, run.cwd, new DiskModuleFiles()), run };
}

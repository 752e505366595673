/** A whole check, as the CLI runs it: config, files, workspace, analysis of every file. */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ConfigProblem, FearlessConfig } from '../config/config-file';
import { ConfigResolver } from '../config/resolver';
import type { RuleSet } from './rule';
import { FileAnalysis, type UntypedApiUse, analyzeFile } from './analyze-file';
import { heapPressure } from '../analysis/program/heap';
import { DEFAULT_FILE_BUDGET_MS } from '../analysis/program/budget';
import type { CrossFileContext } from '../analysis/threads/cross-thread';
import { errorText } from '../core/error-text';
import type { FileFacts } from '../analysis/file-facts';
import { type CollectedFiles, collectFiles, notSource, readSource } from './file-selection';
import { isSourceFile, readText } from '../analysis/program/files';
import { GitIgnores } from './gitignore';
import { originalText } from '../analysis/program/flow';
import { type SkippedFile, generatedReason } from '../analysis/program/generated';
import { DiskModuleFiles } from '../analysis/threads/module-files';
import type { Finding } from '../core/finding';
import { Project } from '../analysis/project';
import { type CacheData, runKey } from './result-cache';
import type { LockOrders } from '../analysis/locks/lock-order';
import { type ReusedFile, ResultReuse } from './reuse';
import { ThreadMap, buildThreadMap } from '../views/thread-map';
import type { ts } from '../analysis/ts';
import type { Unreadable } from './walk';
import { Workspace } from '../analysis/program/workspace';
import { INTERNAL_ERROR, READ_ERROR } from '../core/engine-diagnostics';

export interface CheckOptions {
  cwd: string;
  /** The rules to run (the registry's RULE_SET), and every id a configuration may name. */
  rules: RuleSet;
  /** A configuration file for every file, instead of those found above each (relative to `cwd`). */
  configFile?: string;
  /** Each file's time budget (see budget.ts); the engine's default when absent. */
  budgetMs?: number;
  /** Analyse generated and minified files found in folders too (see generated.ts). */
  includeGenerated?: boolean;
  /** Leave out of what folders and globs bring in what git ignores (.gitignore files, .git/info/exclude). */
  gitignore?: boolean;
  /** One file checked with this text instead of the disk's (the CLI's `--stdin`): no path is searched. */
  given?: { file: string; text: string };
  /** Told after each file's analysis: how many of how many are done, and the file just done. */
  onProgress?: (progress: CheckProgress) => void;
  /** Reuse results kept by an earlier run, and keep this run's (see result-cache.ts); none: nothing is reused or kept. */
  cache?: CacheOptions;
}

export interface CacheOptions {
  /** What the cache held, as read: anything that does not hold (another version or config, damaged) is ignored. */
  previous: unknown;
  /** Fearless's version: part of the key. */
  version: string;
}

/** With a cache: what to keep for the next run, and the files analysed (the others' results were reused). */
export interface CacheOutcome {
  data: CacheData;
  analysed: string[];
  /** Those of them analysed without their program: changed files that take no part in threads (see reuse.ts). */
  alone: string[];
}

export interface CheckProgress {
  done: number;
  total: number;
  file: string;
}

/** What any run says besides its findings: the files it covered, and what kept it from others. */
export interface RunOutline {
  files: string[];
  /** Files found but left out as generated or minified: not in `files`. */
  skipped: SkippedFile[];
  /** Mistakes in Fearless's configuration files: when there are any, nothing was analysed. */
  configErrors: ConfigProblem[];
  /** Problems of the projects' tsconfig.json / jsconfig.json files: their files were analysed on defaults. */
  configProblems: ConfigProblem[];
  /** Files named on the command line that the configuration's `ignores` leave out. */
  ignored: string[];
  usageErrors: string[];
  /** Internal failures (of a rule on a file, of a file's lock orders): the run went on without what failed. */
  internalErrors: string[];
  /** Files and folders that could not be read (each with its `read-error` finding in a check): the run is incomplete. */
  unreadable: Unreadable[];
  cache?: CacheOutcome;
}

export interface CheckResult extends RunOutline {
  findings: Finding[];
  texts: ReadonlyMap<string, string>;
  /** Uses of thread APIs whose types are missing, which some rules could therefore not check. */
  untyped: UntypedApiUse[];
}

export function checkPaths(paths: string[], options: CheckOptions): CheckResult {
  const findings: Finding[] = [];
  const texts = new Map<string, string>();
  const internalErrors: string[] = [];
  const untyped: UntypedApiUse[] = [];
  const run = analysePaths(paths, options, ({ file, sourceFile, program, analysis }) => {
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
  });
  for (const { file, text, entry, outside } of run.reused) {
    texts.set(file, text);
    for (const [other, otherText] of outside) if (!texts.has(other)) texts.set(other, otherText);
    findings.push(...entry.findings);
    untyped.push(...entry.untyped);
    internalErrors.push(...entry.errors);
  }
  for (const entry of run.unreadable) {
    texts.set(entry.path, '');
    findings.push(readErrorFinding(entry));
  }
  for (const failure of run.failures) {
    // Its finding is at the start of the file: any text places it, the report needs one.
    if (!texts.has(failure.file)) texts.set(failure.file, readText(failure.file) ?? '');
    findings.push(internalErrorFinding(failure.file, failure.error));
    internalErrors.push(`${failure.file}: ${errorText(failure.error)}`);
  }
  internalErrors.push(...run.internalErrors);
  return {
    files: run.files, skipped: run.skipped, findings, texts, configErrors: run.configErrors, configProblems: run.configProblems,
    ignored: run.ignored, usageErrors: run.usageErrors, internalErrors, unreadable: run.unreadable, untyped,
    ...(run.cache && { cache: run.cache }),
  };
}

/** One file through the rules, handed to the caller while its program is held (it may be dropped after). */
export interface AnalysedFile {
  file: string;
  sourceFile: ts.SourceFile;
  program: ts.Program;
  analysis: FileAnalysis;
}

export interface AnalysedRun extends RunOutline {
  cwd: string;
  /** Files the engine itself failed on: each is reported once, and the run went on. */
  failures: { file: string; error: unknown }[];
  /** Files whose results the cache gave (not handed to `onFile`). */
  reused: ReusedFile[];
}

/**
 * How many programs (each with its type checker) a run holds at once: a repository of many package
 * roots is analysed a few roots at a time. Below the heap's limit, one: see `relieve`.
 */
const LIVE_PROGRAMS = 4;
/** The share of the heap's limit above which a run holds one program at a time. */
const HEAP_PRESSURE = 0.6;

/**
 * Config, files, workspace, the thread graph, then every file through the rules, each handed to
 * `onFile` as it is done: what the CLI's commands share. Files are taken program by program, so
 * that a program is built once per pass while few are held; the last ones of the first pass are the
 * first of the second. With a cache, a file whose kept result holds is neither parsed nor analysed
 * (see reuse.ts), and its program is not built unless another file needs it.
 */
export function analysePaths(paths: string[], options: CheckOptions, onFile: (done: AnalysedFile) => void): AnalysedRun {
  const cwd = path.resolve(options.cwd);
  const configs = new ConfigResolver(options.rules.metas.map(m => m.id), {
    ...(options.configFile !== undefined && { explicitFile: path.resolve(cwd, options.configFile) }),
  });
  const { given } = options;
  const collected = given ? givenFile(cwd, given.file) : collectFiles(paths.length > 0 ? paths : ['.'], cwd, {
    selected: file => configs.selects(file),
    ignored: options.gitignore ? [gitIgnored(cwd)] : [],
  });
  const { usageErrors } = collected;
  const ignored = [...collected.named].filter(f => configs.resolve(f).ignored);
  // A run on a weakened configuration would pass what the user meant to fail: nothing is analysed.
  if (configs.problems.length > 0) {
    return {
      cwd, files: [], skipped: [], configErrors: configs.problems, configProblems: [], ignored, usageErrors, internalErrors: [], unreadable: [],
      failures: [], reused: [],
    };
  }
  const read = given ? { texts: new Map(collected.files.map(file => [file, given.text])), unreadable: [] } : readAll(collected.files);
  const { texts } = read;
  const unreadable = [...collected.unreadable, ...read.unreadable];
  // A file named on the command line is asked for: only what a folder brings in is left out.
  const skipped = options.includeGenerated ? [] : generatedAmong(collected.files.filter(f => !collected.named.has(f)), texts);
  const left = new Set([...ignored, ...skipped.map(s => s.file), ...read.unreadable.map(u => u.path)]);
  const files = collected.files.filter(f => !left.has(f));
  const configOf = (file: string): FearlessConfig => configs.resolve(file).config;
  const project = new Project({ stableDisk: true, livePrograms: LIVE_PROGRAMS });
  const { workspace, graph, lockOrder, context } = project;
  for (const file of files) workspace.add(file, texts.get(file));
  const reuse = options.cache && new ResultReuse(options.cache.previous, runKey({
    version: options.cache.version, config: configs.loaded().map(c => [c.file, c.config]), budgetMs: options.budgetMs, includeGenerated: options.includeGenerated, files,
  }), files, texts);
  if (!reuse) texts.clear();
  const failures: AnalysedRun['failures'] = [];
  const failed = new Set<string>();
  const guard = (file: string, work: () => void): void => {
    if (failed.has(file)) return;
    try {
      work();
    } catch (error) {
      failed.add(file);
      failures.push({ file, error });
    }
    relieve(workspace);
  };
  const groups = workspace.byProgram(files);
  const order = groups.flat();
  // Spawn sites first, across every file checked: a module's thread depends on who spawns it. Lock
  // orders too: an inversion needs both files' orders before either is judged.
  const orders = new Map<string, LockOrders>();
  const readOrders = (file: string): void => {
    const read = project.lockOrdersOf(file);
    if (read) orders.set(file, read);
  };
  for (const file of order) {
    guard(file, () => {
      if (reuse?.readAhead(file, graph, orders, () => workspace.tree(file))) return;
      project.readSpawns(file);
      readOrders(file);
    });
    options.onProgress?.({ done: 0, total: files.length, file });
  }
  if (reuse) {
    reuse.judgeChanged(graph, orders);
    for (const group of groups.map(g => g.filter(f => !failed.has(f)))) {
      if (group.length === 0 || !reuse.needsProgram(group, orders)) continue;
      guard(group[0], () => {
        const parsed = workspace.get(group[0]);
        if (parsed) reuse.compareNames(group, parsed.program, orders);
      });
      for (const file of group) if (reuse.sourceOf(file) === 'program' && !orders.has(file)) guard(file, () => readOrders(file));
    }
  }
  // Fed in the files' order, whichever pass read them: which cycle is found first depends on it.
  const internalErrors: string[] = [];
  for (const file of order) {
    const read = orders.get(file);
    if (!read) continue;
    guard(file, () => lockOrder.update(file, read.edges));
    if (read.error) internalErrors.push(read.error);
  }
  reuse?.validate(graph, lockOrder);
  const budgetMs = options.budgetMs ?? DEFAULT_FILE_BUDGET_MS;
  const reused: ReusedFile[] = [];
  const analysed: string[] = [];
  const alone: string[] = [];
  let done = 0;
  for (const file of [...groups].reverse().flat()) {
    const source = reuse?.sourceOf(file) ?? 'program';
    if (source === 'cache' && !failed.has(file)) reused.push(reuse!.reuse(file));
    else guard(file, () => {
      const parsed = source === 'alone' ? reuse!.aloneTree(file) : workspace.get(file);
      if (!parsed) return;
      const analyse = (within: CrossFileContext): FileAnalysis =>
        analyzeFile(parsed.sourceFile, parsed.program, options.rules, configOf(file), within, { budgetMs: options.budgetMs });
      if (!reuse) {
        onFile({ file, ...parsed, analysis: analyse(context) });
        return;
      }
      const started = performance.now();
      const watched = reuse.watch(context, analyse);
      const timedOut = performance.now() - started >= budgetMs;
      reuse.record(file, parsed, { ...watched, orders: orders.get(file), timedOut }, graph, lockOrder);
      analysed.push(file);
      if (source === 'alone') alone.push(file);
      onFile({ file, ...parsed, analysis: watched.analysis });
    });
    options.onProgress?.({ done: ++done, total: files.length, file });
  }
  return {
    cwd, files, skipped, configErrors: [], configProblems: workspace.problems, ignored, usageErrors, internalErrors, unreadable, failures, reused,
    ...(reuse && { cache: { data: reuse.data(), analysed, alone } }),
  };
}

/** Near the heap's limit, a run holds one program at a time: slower (programs are built again), but it finishes. */
function relieve(workspace: Workspace): void {
  if (heapPressure() > HEAP_PRESSURE) workspace.holdOnly(1);
}

/** The finding of a file the engine failed on: the run goes on, and says where it could not. */
function internalErrorFinding(file: string, error: unknown): Finding {
  const message = error instanceof Error ? error.message : String(error);
  return {
    rule: INTERNAL_ERROR, severity: 'error', span: { file, start: 0, end: 0 }, related: [], fixes: [],
    message: `Fearless failed on this file and did not analyse it: ${message}. Please report it with the file if you can.`,
  };
}

/** The finding of a file or folder that could not be read: the run goes on without it, and says so. */
function readErrorFinding(entry: Unreadable): Finding {
  const message = entry.kind === 'loop'
    ? `This is ${entry.reason}: a loop, so it was not followed (the files it leads to are checked where they are).`
    : entry.kind === 'file'
      ? `Fearless could not read this file (${entry.reason}), so it was not analysed.`
      : `Fearless could not read this folder (${entry.reason}), so the files in it were not checked.`;
  return { rule: READ_ERROR, severity: 'error', span: { file: entry.path, start: 0, end: 0 }, related: [], fixes: [], message };
}

/** What git ignores, asked of each file and folder a walk finds. */
function gitIgnored(cwd: string): (file: string, isDirectory: boolean) => boolean {
  const ignores = new GitIgnores(cwd);
  return (file, isDirectory) => ignores.ignores(file, isDirectory);
}

/** The one file a check of given text covers: named, so checked whatever include/exclude say, if a source file. */
function givenFile(cwd: string, name: string): CollectedFiles {
  const file = path.resolve(cwd, name);
  return isSourceFile(file)
    ? { files: [file], named: new Set([file]), usageErrors: [], unreadable: [] }
    : { files: [], named: new Set(), usageErrors: [notSource(name)], unreadable: [] };
}

/** Every file's text, read once, and the files that could not be read. */
function readAll(files: readonly string[]): { texts: Map<string, string>; unreadable: Unreadable[] } {
  const texts = new Map<string, string>();
  const unreadable: Unreadable[] = [];
  for (const file of files) {
    const read = readSource(file);
    if (typeof read === 'string') texts.set(file, read);
    else unreadable.push(read);
  }
  return { texts, unreadable };
}

/** The files that read as generated or minified, with why. */
function generatedAmong(files: readonly string[], texts: ReadonlyMap<string, string>): SkippedFile[] {
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    const text = texts.get(file);
    if (text === undefined) continue;
    const reason = generatedReason(file, text);
    if (reason) skipped.push({ file, reason });
  }
  return skipped;
}

/** The thread map of the files under `paths` (for `fearless graph`), rooted at the current directory. */
export function mapPaths(paths: string[], options: CheckOptions): { map: ThreadMap; run: AnalysedRun } {
  const facts: FileFacts[] = [];
  const run = analysePaths(paths, options, ({ analysis }) => {
    if (analysis.facts) facts.push(analysis.facts);
  });
  return { map: buildThreadMap(facts, run.cwd, new DiskModuleFiles()), run };
}

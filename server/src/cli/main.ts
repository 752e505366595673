#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { version } from '../../../package.json';
import { applyFixes } from '../engine/apply-edits';
import { checkPaths, mapPaths, type CheckOptions, type CheckResult } from '../engine/check';
import { plural } from '../core/text';
import { formatConfigProblem, type ConfigProblem } from '../config/config-file';
import { RULE_METAS, RULE_SET } from '../rules/registry';
import { formatGraphDot } from './format-graph-dot';
import { formatGraphJson } from './format-graph-json';
import { formatGraphMermaid } from './format-graph-mermaid';
import { formatGithub } from './format-github';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';
import { formatStylish } from './format-stylish';
import { formatUntyped } from './format-untyped';
import { progressLine } from './progress';
import { cacheFilePath, readCacheFile, writeCacheFile } from './cache-file';
import { initConfig } from './init';
import { printConfig } from './print-config';
import { wantsColor } from './color';
import { writeOutput } from './output';

const EXIT_OK = 0;
const EXIT_FINDINGS = 1;
/** Bad usage, failures of the tool itself and runs that could not read everything share a code, as in ESLint and ruff. */
const EXIT_USAGE = 2;
const EXIT_TOOL_FAILURE = 2;
const EXIT_INCOMPLETE = 2;

/** What text read with `--stdin` is checked as when `--stdin-filename` does not say. */
const STDIN_NAME = 'stdin.ts';

/** ESLint's bound: a fix can enable another fix, but a cycle of fixes must not loop forever. */
const MAX_FIX_PASSES = 10;

type Format = 'stylish' | 'json' | 'sarif' | 'github';
type GraphFormat = 'mermaid' | 'dot' | 'json';

interface CheckFlags {
  format: Format;
  fix?: boolean;
  config?: string;
  fileBudget?: number;
  includeGenerated?: boolean;
  maxWarnings?: number;
  hints?: boolean;
  exitZero?: boolean;
  /** Undefined unless `--color` or `--no-color` is given: then the environment and the terminal decide. */
  color?: boolean;
  progress: boolean;
  cache?: boolean;
  cacheLocation?: string;
  printConfig?: string;
  gitignore: boolean;
  stdin?: boolean;
  stdinFilename?: string;
  outputFile?: string;
}

interface GraphFlags {
  format: GraphFormat;
  config?: string;
  includeGenerated?: boolean;
  gitignore: boolean;
  outputFile?: string;
}

const GRAPH_FORMATTERS = { mermaid: formatGraphMermaid, dot: formatGraphDot, json: formatGraphJson };

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('Expected a non-negative integer.');
  return Number(value);
}

/** Problems of tsconfig.json files, which the run survives, and the files named that `ignores` leave out. */
function warnAbout(run: { configProblems: readonly ConfigProblem[]; ignored: readonly string[] }, cwd: string): void {
  for (const problem of run.configProblems) {
    process.stderr.write(`fearless: warning: ${formatConfigProblem(problem, cwd)}\n`);
  }
  for (const file of run.ignored) {
    process.stderr.write(`fearless: warning: ${path.relative(cwd, file)}: not checked: the configuration's "ignores" match it\n`);
  }
}

/** A wrong configuration fails the run, as in ESLint and Biome: checking on defaults would quietly weaken the gate. */
function configError(problems: readonly ConfigProblem[], cwd: string): number {
  for (const problem of problems) process.stderr.write(`fearless: error: ${formatConfigProblem(problem, cwd)}\n`);
  process.stderr.write('fearless: nothing was checked: the configuration has errors\n');
  return EXIT_USAGE;
}

/** A file keeps its byte-order mark whether or not the engine's text of it had one. Undefined when written, else why not. */
function writeFixed(file: string, text: string): string | undefined {
  try {
    const hadBom = fs.readFileSync(file, 'utf8').startsWith('\uFEFF');
    fs.writeFileSync(file, hadBom && !text.startsWith('\uFEFF') ? `\uFEFF${text}` : text);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

interface Fixed {
  result: CheckResult;
  fixedFiles: number;
  /** Files whose fixes could not be written (read-only, removed), with why: their findings stay in the report. */
  unwritten: Map<string, string>;
}

/**
 * Applies safe fixes until none is left (or the pass limit), re-checking after each write. Only the
 * files checked are written: a fix with an edit in any other file (a type's module) is left out whole.
 */
function fixAll(first: CheckResult, recheck: () => CheckResult): Fixed {
  let result = first;
  const fixed = new Set<string>();
  const unwritten = new Map<string, string>();
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const checked = new Set(result.files.filter((file) => !unwritten.has(file)));
    const changes = applyFixes(result.findings, new Map([...result.texts].filter(([file]) => checked.has(file))));
    let written = 0;
    for (const [file, text] of changes) {
      const problem = writeFixed(file, text);
      if (problem === undefined) {
        fixed.add(file);
        written++;
      } else {
        unwritten.set(file, problem);
      }
    }
    if (written === 0) break;
    result = recheck();
  }
  return { result, fixedFiles: fixed.size, unwritten };
}

function usageError(messages: readonly string[]): number {
  for (const message of messages) process.stderr.write(`fearless: ${message}\n`);
  return EXIT_USAGE;
}

/** The engine's options for `--config`, `--include-generated` and `--no-gitignore`; undefined when the config file named is missing. */
function engineOptions(cwd: string, flags: { config?: string; includeGenerated?: boolean; gitignore: boolean }): CheckOptions | undefined {
  const { config } = flags;
  // A config file named on the command line is part of the invocation: missing, it is bad usage.
  if (config !== undefined && !fs.existsSync(path.resolve(cwd, config))) return undefined;
  return {
    cwd, rules: RULE_SET, ...(config === undefined ? {} : { configFile: config }), includeGenerated: flags.includeGenerated === true, gitignore: flags.gitignore,
  };
}

/** What is wrong with `--stdin` and the flags around it, as ESLint has it: stdin is checked, never fixed. */
function stdinMisuse(paths: readonly string[], flags: CheckFlags): string[] {
  if (!flags.stdin) return flags.stdinFilename === undefined ? [] : ['--stdin-filename names the text read with --stdin: add --stdin'];
  return [
    ...(paths.length > 0 ? ['--stdin checks the text read from stdin: name no paths (its name is --stdin-filename)'] : []),
    ...(flags.fix ? ['--fix cannot write piped-in text back: drop --fix, or check the file itself'] : []),
  ];
}

function runCheck(paths: string[], flags: CheckFlags): number {
  const cwd = process.cwd();
  const found = engineOptions(cwd, flags);
  if (!found) return usageError([`${flags.config}: no such configuration file`]);
  if (flags.printConfig !== undefined) return runPrintConfig(flags.printConfig, cwd, found.configFile);
  const misuse = stdinMisuse(paths, flags);
  if (misuse.length > 0) return usageError(misuse);
  const progress = flags.progress ? progressLine(process.stderr, { cwd }) : undefined;
  const options = {
    ...found,
    ...(flags.fileBudget === undefined ? {} : { budgetMs: flags.fileBudget === 0 ? Infinity : flags.fileBudget }),
    ...(flags.stdin && { given: { file: flags.stdinFilename ?? STDIN_NAME, text: fs.readFileSync(0, 'utf8') } }),
    onProgress: progress?.onProgress,
  };
  // Text from stdin is not a file the cache could tell unchanged next time.
  const cacheFile = flags.cache && !flags.stdin ? cacheFilePath(cwd, flags.cacheLocation) : undefined;
  // Each check reuses the last one's results: after `--fix`, only what the fixes changed is analysed again.
  let kept = cacheFile === undefined ? undefined : readCacheFile(cacheFile);
  // Whatever is written next (warnings, the report, a crash's message) must not land on the line.
  const check = (): CheckResult => {
    try {
      const result = checkPaths(paths, cacheFile === undefined ? options : { ...options, cache: { previous: kept, version } });
      kept = result.cache?.data;
      return result;
    } finally {
      progress?.clear();
    }
  };
  const first = check();
  if (first.configErrors.length > 0) return configError(first.configErrors, cwd);
  warnAbout(first, cwd);
  if (first.usageErrors.length > 0) return usageError(first.usageErrors);

  const { result, fixedFiles, unwritten } = flags.fix
    ? fixAll(first, check)
    : { result: first, fixedFiles: 0, unwritten: new Map<string, string>() };
  if (cacheFile !== undefined && result.cache) {
    const problem = writeCacheFile(cacheFile, result.cache.data);
    if (problem) process.stderr.write(`fearless: warning: could not write the cache: ${problem}\n`);
  }

  const color = wantsColor(flags.color, process.env, flags.outputFile === undefined && process.stdout.isTTY === true);
  let output: string;
  if (flags.format === 'json') {
    output = formatJson(result, cwd);
  } else if (flags.format === 'sarif') {
    output = formatSarif(result, cwd, { toolVersion: version, rules: RULE_METAS });
  } else if (flags.format === 'github') {
    output = formatGithub(result, cwd, { hints: flags.hints === true });
  } else {
    const fixedNote = fixedFiles > 0
      ? `${pc.createColors(color).green(`Applied safe fixes to ${fixedFiles} file${fixedFiles === 1 ? '' : 's'}.`)}\n\n`
      : '';
    output = fixedNote + formatStylish(result, cwd, { color, hints: flags.hints === true });
  }
  const unwrittenReport = writeOutput(output, flags.outputFile, cwd);
  process.stderr.write(formatUntyped(result, cwd));

  // The report is still worth reading, but a run that lost findings to a crash must not pass.
  if (result.internalErrors.length > 0) {
    for (const message of result.internalErrors) process.stderr.write(`fearless: internal error: ${message}\n`);
    return EXIT_TOOL_FAILURE;
  }
  // Nor one that could not read, or write, everything it was asked to: each path is in the report already.
  const incomplete = [
    ...(result.unreadable.length > 0
      ? [`${plural(result.unreadable.length, 'path')} could not be read (see read-error in the report): the run is incomplete`]
      : []),
    ...[...unwritten].map(([file, why]) => `could not write the fixes of ${path.relative(cwd, file)}: ${why}`),
    ...(unwrittenReport === undefined ? [] : [unwrittenReport]),
  ];
  if (incomplete.length > 0) {
    for (const message of incomplete) process.stderr.write(`fearless: ${message}\n`);
    return EXIT_INCOMPLETE;
  }
  if (flags.exitZero) return EXIT_OK;
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  const tooManyWarnings = flags.maxWarnings !== undefined && warnings > flags.maxWarnings;
  return errors > 0 || tooManyWarnings ? EXIT_FINDINGS : EXIT_OK;
}

/** The thread map is a picture, not a verdict: whatever it shows, the command succeeds. */
function runGraph(paths: string[], flags: GraphFlags): number {
  const cwd = process.cwd();
  const options = engineOptions(cwd, flags);
  if (!options) return usageError([`${flags.config}: no such configuration file`]);
  const { map, run } = mapPaths(paths, options);
  if (run.configErrors.length > 0) return configError(run.configErrors, cwd);
  warnAbout(run, cwd);
  if (run.usageErrors.length > 0) return usageError(run.usageErrors);
  for (const entry of run.unreadable) {
    process.stderr.write(`fearless: warning: could not read ${path.relative(cwd, entry.path)}: ${entry.reason}\n`);
  }
  const unwritten = writeOutput(GRAPH_FORMATTERS[flags.format](map), flags.outputFile, cwd);
  return unwritten === undefined ? EXIT_OK : usageError([unwritten]);
}

function runPrintConfig(file: string, cwd: string, configFile: string | undefined): number {
  const { json, problems } = printConfig(file, cwd, configFile);
  if (json === undefined) return configError(problems, cwd);
  process.stdout.write(json);
  return EXIT_OK;
}

function runInit(): number {
  const outcome = initConfig(process.cwd());
  if ('refused' in outcome) return usageError([outcome.refused]);
  process.stdout.write(`Wrote ${path.basename(outcome.written)}: see the README's Configuration section for what it can say.\n`);
  return EXIT_OK;
}

function buildProgram(onExitCode: (code: number) => void): Command {
  const program = new Command('fearless')
    .description('Finds data races, unsafe sends and leaked workers in worker_threads / Web Worker code.')
    .version(version, '-v, --version')
    // Set before `command()`: subcommands copy these settings when created.
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('check')
    .description('check files or folders and report concurrency bugs')
    .argument('[paths...]', 'files, folders or quoted globs to check (default: .)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json', 'sarif', 'github']).default('stylish'))
    .option('-o, --output-file <path>', 'write the report to this file (its folders made) instead of stdout')
    .option('--fix', 'apply safe fixes, write the files, then report what is left')
    .option('-c, --config <file>', 'use this configuration file instead of fearless.json')
    .option('--max-warnings <n>', 'exit with 1 when there are more than n warnings', parseCount)
    .option('--file-budget <ms>', 'stop running rules on a file after this many milliseconds (default 2000; 0: no limit)', parseCount)
    .option('--include-generated', 'also check generated and minified files found in folders (skipped by default)')
    .option('--no-gitignore', 'also check files that .gitignore ignores, in folders and globs')
    .option('--stdin', 'check the text read from stdin, as if it were the file --stdin-filename names')
    .option('--stdin-filename <path>', `the path the text read with --stdin stands for (default: ${STDIN_NAME})`)
    .option('--hints', 'show hints in stylish and github output')
    .option('--exit-zero', 'exit with 0 even when problems are found (bad usage, a failure or an incomplete run still exit with 2)')
    .option('--color', 'color the report even into a pipe or a file (as FORCE_COLOR=1 does)')
    .option('--no-color', 'disable colored output (as NO_COLOR=1 does)')
    .option('--no-progress', 'do not show files done on a terminal during a long run')
    .option('--cache', 'reuse the results of files unchanged since the last run with --cache, and keep this run\'s')
    .option('--cache-location <path>', 'the cache file, or a folder to keep it in (default: .fearlesscache)')
    .option('--print-config <file>', 'print the configuration this file is checked with, as JSON, and check nothing')
    .action((paths: string[], flags: CheckFlags) => onExitCode(runCheck(paths, flags)));

  program
    .command('graph')
    .description('print the thread map: modules as threads, spawn edges, shared buffers and who touches them')
    .argument('[paths...]', 'files, folders or quoted globs to map (default: .)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(GRAPH_FORMATTERS)).default('mermaid'))
    .option('-c, --config <file>', 'use this configuration file instead of fearless.json')
    .option('--include-generated', 'also map generated and minified files found in folders (skipped by default)')
    .option('--no-gitignore', 'also map files that .gitignore ignores, in folders and globs')
    .option('-o, --output-file <path>', 'write the map to this file (its folders made) instead of stdout')
    .action((paths: string[], flags: GraphFlags) => onExitCode(runGraph(paths, flags)));

  program
    .command('init')
    .description('write a starter fearless.json in the current directory (never overwrites one)')
    .action(() => onExitCode(runInit()));

  return program;
}

function main(argv: string[]): number {
  let exitCode = EXIT_OK;
  try {
    buildProgram((code) => { exitCode = code; }).parse(argv);
    return exitCode;
  } catch (error) {
    // Commander has already printed its own message (or the help / version).
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    // A system error (a file that cannot be read or written) is the user's to act on: its message says it all.
    if (error instanceof Error && 'code' in error && 'syscall' in error) {
      process.stderr.write(`fearless: ${error.message}\n`);
    } else {
      // A bug of ours: the message first, then where it happened, for the bug report.
      const message = error instanceof Error ? error.message : String(error);
      const trace = error instanceof Error ? (error.stack ?? '').split('\n').slice(1).join('\n') : '';
      process.stderr.write(`fearless: internal error: ${message}\n${trace ? `${trace}\n` : ''}`);
    }
    return EXIT_TOOL_FAILURE;
  }
}

// Set, not `process.exit()`: exiting at once could cut off output still flowing into a pipe.
process.exitCode = main(process.argv);

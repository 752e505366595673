#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { version } from '../../package.json';
import { applyFixes } from './analysis/apply-edits';
import { checkPaths, mapPaths, type CheckOptions, type CheckResult } from './analysis/check';
import { formatConfigProblem, type ConfigProblem } from './config';
import { RULE_METAS } from './rules/index';
import { formatGraphDot } from './cli/format-graph-dot';
import { formatGraphJson } from './cli/format-graph-json';
import { formatGraphMermaid } from './cli/format-graph-mermaid';
import { formatJson } from './cli/format-json';
import { formatSarif } from './cli/format-sarif';
import { formatStylish } from './cli/format-stylish';
import { formatUntyped } from './cli/format-untyped';
import { progressLine } from './cli/progress';
import { cacheFilePath, readCacheFile, writeCacheFile } from './cli/cache-file';
import { initConfig } from './cli/init';
import { printConfig } from './cli/print-config';

const EXIT_OK = 0;
const EXIT_FINDINGS = 1;
/** Bad usage and failures of the tool itself share a code, as in ESLint and ruff. */
const EXIT_USAGE = 2;
const EXIT_TOOL_FAILURE = 2;

/** ESLint's bound: a fix can enable another fix, but a cycle of fixes must not loop forever. */
const MAX_FIX_PASSES = 10;

type Format = 'stylish' | 'json' | 'sarif';
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
  color: boolean;
  progress: boolean;
  cache?: boolean;
  cacheLocation?: string;
  printConfig?: string;
}

interface GraphFlags {
  format: GraphFormat;
  config?: string;
  includeGenerated?: boolean;
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

/** A file keeps its byte-order mark whether or not the engine's text of it had one. */
function writeFixed(file: string, text: string): void {
  const hadBom = fs.readFileSync(file, 'utf8').startsWith('\uFEFF');
  fs.writeFileSync(file, hadBom && !text.startsWith('\uFEFF') ? `\uFEFF${text}` : text);
}

/**
 * Applies safe fixes until none is left (or the pass limit), re-checking after each write. Only the
 * files checked are written: a fix with an edit in any other file (a type's module) is left out whole.
 */
function fixAll(first: CheckResult, recheck: () => CheckResult): { result: CheckResult; fixedFiles: number } {
  let result = first;
  const fixed = new Set<string>();
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const checked = new Set(result.files);
    const changes = applyFixes(result.findings, new Map([...result.texts].filter(([file]) => checked.has(file))));
    if (changes.size === 0) break;
    for (const [file, text] of changes) {
      writeFixed(file, text);
      fixed.add(file);
    }
    result = recheck();
  }
  return { result, fixedFiles: fixed.size };
}

function usageError(messages: readonly string[]): number {
  for (const message of messages) process.stderr.write(`fearless: ${message}\n`);
  return EXIT_USAGE;
}

/** The engine's options for `--config` and `--include-generated`; undefined when the config file named is missing. */
function engineOptions(cwd: string, flags: { config?: string; includeGenerated?: boolean }): CheckOptions | undefined {
  const { config } = flags;
  // A config file named on the command line is part of the invocation: missing, it is bad usage.
  if (config !== undefined && !fs.existsSync(path.resolve(cwd, config))) return undefined;
  return { cwd, ...(config === undefined ? {} : { configFile: config }), includeGenerated: flags.includeGenerated === true };
}

function runCheck(paths: string[], flags: CheckFlags): number {
  const cwd = process.cwd();
  const found = engineOptions(cwd, flags);
  if (!found) return usageError([`${flags.config}: no such configuration file`]);
  if (flags.printConfig !== undefined) return runPrintConfig(flags.printConfig, cwd, found.configFile);
  const progress = flags.progress ? progressLine(process.stderr, { cwd }) : undefined;
  const options = {
    ...found,
    ...(flags.fileBudget === undefined ? {} : { budgetMs: flags.fileBudget === 0 ? Infinity : flags.fileBudget }),
    onProgress: progress?.onProgress,
  };
  const cacheFile = flags.cache ? cacheFilePath(cwd, flags.cacheLocation) : undefined;
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

  const { result, fixedFiles } = flags.fix
    ? fixAll(first, check)
    : { result: first, fixedFiles: 0 };
  if (cacheFile !== undefined && result.cache) {
    const problem = writeCacheFile(cacheFile, result.cache.data);
    if (problem) process.stderr.write(`fearless: warning: could not write the cache: ${problem}\n`);
  }

  const color = flags.color && process.stdout.isTTY === true && !process.env.NO_COLOR;
  let output: string;
  if (flags.format === 'json') {
    output = formatJson(result, cwd);
  } else if (flags.format === 'sarif') {
    output = formatSarif(result, cwd, { toolVersion: version, rules: RULE_METAS });
  } else {
    const fixedNote = fixedFiles > 0
      ? `${pc.createColors(color).green(`Applied safe fixes to ${fixedFiles} file${fixedFiles === 1 ? '' : 's'}.`)}\n\n`
      : '';
    output = fixedNote + formatStylish(result, cwd, { color, hints: flags.hints === true });
  }
  process.stdout.write(output);
  process.stderr.write(formatUntyped(result, cwd));

  // The report is still worth reading, but a run that lost findings to a crash must not pass.
  if (result.internalErrors.length > 0) {
    for (const message of result.internalErrors) process.stderr.write(`fearless: internal error: ${message}\n`);
    return EXIT_TOOL_FAILURE;
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
  process.stdout.write(GRAPH_FORMATTERS[flags.format](map));
  return EXIT_OK;
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
    .argument('[paths...]', 'files or folders to check (default: .)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json', 'sarif']).default('stylish'))
    .option('--fix', 'apply safe fixes, write the files, then report what is left')
    .option('-c, --config <file>', 'use this configuration file instead of fearless.json')
    .option('--max-warnings <n>', 'exit with 1 when there are more than n warnings', parseCount)
    .option('--file-budget <ms>', 'stop running rules on a file after this many milliseconds (default 2000; 0: no limit)', parseCount)
    .option('--include-generated', 'also check generated and minified files found in folders (skipped by default)')
    .option('--hints', 'show hints in stylish output')
    .option('--exit-zero', 'exit with 0 even when problems are found (bad usage still exits with 2)')
    .option('--no-color', 'disable colored output')
    .option('--no-progress', 'do not show files done on a terminal during a long run')
    .option('--cache', 'reuse the results of files unchanged since the last run with --cache, and keep this run\'s')
    .option('--cache-location <path>', 'the cache file, or a folder to keep it in (default: .fearlesscache)')
    .option('--print-config <file>', 'print the configuration this file is checked with, as JSON, and check nothing')
    .action((paths: string[], flags: CheckFlags) => onExitCode(runCheck(paths, flags)));

  program
    .command('graph')
    .description('print the thread map: modules as threads, spawn edges, shared buffers and who touches them')
    .argument('[paths...]', 'files or folders to map (default: .)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(GRAPH_FORMATTERS)).default('mermaid'))
    .option('-c, --config <file>', 'use this configuration file instead of fearless.json')
    .option('--include-generated', 'also map generated and minified files found in folders (skipped by default)')
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

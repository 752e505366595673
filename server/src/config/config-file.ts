/**
 * One configuration file: `fearless.json`, or the `"fearless"` key of `package.json`, read and
 * validated with messages that name the key and the bad value (and the nearest good one). Never
 * throws: every mistake becomes a `ConfigProblem`, and what could not be read is left out. Which
 * files apply to a source file, and how they combine, is resolver.ts's job.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { SEVERITY_OPTIONS, type SeverityOption } from '../core/finding.js';
import { ENVIRONMENTS, type Environment } from '../core/environment.js';
import { nearestNames } from '../core/nearest-names.js';
import { UNUSED_IGNORE } from '../core/engine-diagnostics.js';


/** What one file's analysis is configured with. */
export interface FearlessConfig {
  rules: Record<string, SeverityOption>;
  environment: Environment;
}

/** Severities and an environment, as one file or one of its `overrides` sets them. */
export interface ConfigLayer {
  rules: Record<string, SeverityOption>;
  /** Absent: left to the files further up (or the default). */
  environment?: Environment;
}

export interface ConfigOverride extends ConfigLayer {
  /** Glob patterns relative to the configuration file's folder. */
  files: string[];
}

/** A configuration file as written. Glob patterns are relative to its folder, kept as written. */
export interface ConfigFile extends ConfigLayer {
  /** The walk up from a source file stops here: no configuration further up applies. */
  root: boolean;
  include: string[];
  exclude: string[];
  /** Files never analysed, even when named on the command line. */
  ignores: string[];
  overrides: ConfigOverride[];
}

/** `line` / `column` are 1-based, in UTF-16 code units; `length` is how much of the text is wrong. */
export interface ConfigProblem {
  file: string;
  message: string;
  line?: number;
  column?: number;
  length?: number;
}

export interface LoadedConfig {
  /** Absolute path of the file the configuration came from. */
  file: string;
  config: ConfigFile;
  problems: ConfigProblem[];
}

/** Frozen: what a file is analysed with when no configuration says otherwise. */
export const DEFAULT_CONFIG: FearlessConfig = Object.freeze({
  rules: Object.freeze({}),
  environment: 'auto',
}) as FearlessConfig;

/**
 * The suppression module's own rule: it is not in the engine's rule list, yet users configure
 * its severity like any other rule.
 */
const ALWAYS_KNOWN_RULES = [UNUSED_IGNORE];

const KEYS = ['root', 'rules', 'environment', 'overrides', 'ignores', 'include', 'exclude'] as const;
const OVERRIDE_KEYS = ['files', 'rules', 'environment'] as const;
/** Editors add `$schema` for completion; it is not configuration. */
const IGNORED_KEYS = new Set(['$schema']);

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Unexpected character',
  InvalidNumberFormat: 'Invalid number',
  PropertyNameExpected: 'Expected a property name in double quotes',
  ValueExpected: 'Expected a value',
  ColonExpected: 'Expected a colon',
  CommaExpected: 'Expected a comma',
  CloseBraceExpected: "Expected a closing brace '}'",
  CloseBracketExpected: "Expected a closing bracket ']'",
  EndOfFileExpected: 'Expected the end of the file',
  InvalidCommentToken: 'Invalid comment',
  UnexpectedEndOfComment: 'Unterminated comment',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Unterminated number',
  InvalidUnicode: 'Invalid unicode escape',
  InvalidEscapeCharacter: 'Invalid escape character in string',
  InvalidCharacter: 'Invalid character in string',
};

/** Reads a file named as configuration (the CLI's `--config`): a package.json is read for its `"fearless"` key. */
export function loadConfigFile(file: string, knownRules: readonly string[]): LoadedConfig {
  const read = readText(file);
  if ('error' in read) return { file, config: emptyConfig(), problems: [{ file, message: `Cannot read config file ${file}: ${read.error}` }] };
  return { file, ...parseConfigText(read.text, file, knownRules, path.basename(file) === 'package.json') };
}

/**
 * The configuration a directory holds, if any: its `fearless.json`, else its package.json's
 * `"fearless"` key. A package.json without the key (or one that cannot be read) belongs to
 * someone else: undefined, as for a directory with neither.
 */
export function configIn(dir: string, knownRules: readonly string[]): LoadedConfig | undefined {
  const fearlessJson = path.join(dir, 'fearless.json');
  const own = readText(fearlessJson);
  if ('text' in own) return { file: fearlessJson, ...parseConfigText(own.text, fearlessJson, knownRules, false) };
  if (own.code !== 'ENOENT' && own.code !== 'ENOTDIR') {
    const problems = [{ file: fearlessJson, message: `Cannot read config file ${fearlessJson}: ${own.error}` }];
    return { file: fearlessJson, config: emptyConfig(), problems };
  }
  const packageJson = path.join(dir, 'package.json');
  const pkg = readText(packageJson);
  if (!('text' in pkg) || !hasFearlessKey(pkg.text)) return undefined;
  return { file: packageJson, ...parseConfigText(pkg.text, packageJson, knownRules, true) };
}

/** Whether a package.json's text has a top-level `"fearless"` key (it may be broken elsewhere). */
export function hasFearlessKey(text: string): boolean {
  return fearlessProperty(parseTree(blankBom(text), [], { allowTrailingComma: true })) !== undefined;
}

/**
 * Parses and validates one configuration text. With `fromPackageJsonKey`, the configuration is
 * the value of the top-level `"fearless"` key. Any JSON syntax error discards the whole file, so
 * a half-typed edit never half-applies.
 */
export function parseConfigText(
  text: string,
  file: string,
  knownRules: readonly string[],
  fromPackageJsonKey: boolean,
): { config: ConfigFile; problems: ConfigProblem[] } {
  const source = blankBom(text);
  const problems: ConfigProblem[] = [];
  const report: Report = (message, at) => {
    problems.push(at === undefined ? { file, message } : { file, message, ...lineColumn(source, at.offset), length: at.length });
  };

  const errors: ParseError[] = [];
  const tree = parseTree(source, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) {
    const code = printParseErrorCode(e.error);
    report(`JSON syntax error: ${SYNTAX_MESSAGES[code] ?? code}`, e);
  }
  if (errors.length > 0) return { config: emptyConfig(), problems };

  let root = tree;
  let where = 'The configuration';
  if (fromPackageJsonKey) {
    const property = fearlessProperty(tree);
    if (!property) report('package.json has no "fearless" key');
    root = property?.children?.[1];
    where = 'The "fearless" key of package.json';
  }
  const config = emptyConfig();
  if (!root) {
    if (!fromPackageJsonKey) report(`${where} is empty`);
  } else if (root.type !== 'object') {
    report(`${where} must be an object, got ${describe(root)}`, root);
  } else {
    for (const [keyNode, value] of properties(root)) readKey(config, keyNode, value, knownRules, report);
  }
  return { config, problems };
}

type Report = (message: string, at?: { offset: number; length: number }) => void;

function readKey(config: ConfigFile, keyNode: JsonNode, value: JsonNode, knownRules: readonly string[], report: Report): void {
  const key = keyNode.value as string;
  switch (key) {
    case 'root':
      if (value.type === 'boolean') config.root = value.value as boolean;
      else report(`"root" must be true or false, got ${describe(value)}`, value);
      break;
    case 'rules':
    case 'environment':
      readLayerKey(config, key, value, '', knownRules, report);
      break;
    case 'overrides':
      config.overrides = readOverrides(value, knownRules, report);
      break;
    case 'ignores':
    case 'include':
    case 'exclude':
      config[key] = readGlobs(`"${key}"`, value, report);
      break;
    default:
      if (!IGNORED_KEYS.has(key)) report(unknownKey(key, KEYS), keyNode);
  }
}

/** `rules` or `environment`, of the file or (`where` says which) of one of its overrides. */
function readLayerKey(
  layer: ConfigLayer, key: 'rules' | 'environment', value: JsonNode, where: string, knownRules: readonly string[], report: Report,
): void {
  if (key === 'rules') {
    layer.rules = readRules(value, where, knownRules, report);
  } else if (value.type === 'string' && (ENVIRONMENTS as readonly string[]).includes(value.value)) {
    layer.environment = value.value as Environment;
  } else {
    report(`Invalid ${where}"environment" ${describe(value)} (expected ${ENVIRONMENTS.join(', ')})`, value);
  }
}

function readRules(node: JsonNode, where: string, knownRules: readonly string[], report: Report): Record<string, SeverityOption> {
  const rules: Record<string, SeverityOption> = {};
  if (node.type !== 'object') {
    report(`${where}"rules" must be an object mapping rule ids to severities, got ${describe(node)}`, node);
    return rules;
  }
  const known = [...knownRules, ...ALWAYS_KNOWN_RULES];
  for (const [keyNode, value] of properties(node)) {
    const id = keyNode.value as string;
    if (!known.includes(id)) {
      report(`Unknown rule "${id}" in ${where}"rules"${didYouMean(id, known)}`, keyNode);
    } else if (value.type === 'string' && (SEVERITY_OPTIONS as readonly string[]).includes(value.value)) {
      rules[id] = value.value as SeverityOption;
    } else {
      const hint = value.type === 'string' ? didYouMean(value.value, SEVERITY_OPTIONS) : '';
      report(`Invalid severity ${describe(value)} for rule "${id}"${hint} (expected ${SEVERITY_OPTIONS.join(', ')})`, value);
    }
  }
  return rules;
}

/** ESLint's `overrides`: each entry's `rules` and `environment` apply to the files its globs match. */
function readOverrides(node: JsonNode, knownRules: readonly string[], report: Report): ConfigOverride[] {
  if (node.type !== 'array') {
    report(`"overrides" must be an array of { "files", "rules", "environment" } objects, got ${describe(node)}`, node);
    return [];
  }
  const overrides: ConfigOverride[] = [];
  (node.children ?? []).forEach((item, i) => {
    const where = `"overrides"[${i}].`;
    if (item.type !== 'object') {
      report(`"overrides"[${i}] must be an object with "files" and "rules" or "environment", got ${describe(item)}`, item);
      return;
    }
    const override: ConfigOverride = { files: [], rules: {} };
    let files: JsonNode | undefined;
    for (const [keyNode, value] of properties(item)) {
      const key = keyNode.value as string;
      if (key === 'files') {
        files = value;
        override.files = readGlobs(`${where}"files"`, value, report);
      } else if (key === 'rules' || key === 'environment') {
        readLayerKey(override, key, value, where, knownRules, report);
      } else {
        report(unknownKey(key, OVERRIDE_KEYS), keyNode);
      }
    }
    if (!files) report(`"overrides"[${i}] has no "files": the glob patterns it applies to`, item);
    else if (override.files.length > 0) overrides.push(override);
    else if (files.type === 'array' && (files.children ?? []).length === 0) report(`${where}"files" is empty: it would match nothing`, files);
  });
  return overrides;
}

function readGlobs(name: string, node: JsonNode, report: Report): string[] {
  if (node.type !== 'array') {
    report(`${name} must be an array of glob patterns, got ${describe(node)}`, node);
    return [];
  }
  const globs: string[] = [];
  (node.children ?? []).forEach((item, i) => {
    if (item.type === 'string') globs.push(item.value);
    else report(`${name}[${i}] must be a glob pattern string, got ${describe(item)}`, item);
  });
  return globs;
}

function unknownKey(key: string, expected: readonly string[]): string {
  return `Unknown key "${key}"${didYouMean(key, expected)} (expected ${expected.join(', ')})`;
}

function didYouMean(name: string, candidates: readonly string[]): string {
  const hint = closestName(name, candidates);
  return hint ? `; did you mean "${hint}"?` : '';
}

/** `file:line:column: message`, with the path relative to `cwd`, for terminals. */
export function formatConfigProblem(problem: ConfigProblem, cwd: string): string {
  const where = problem.line === undefined ? '' : `:${problem.line}:${problem.column}`;
  return `${path.relative(cwd, problem.file) || problem.file}${where}: ${problem.message}`;
}

/** The candidate nearest to a misspelt `name` (the first, if several are as near), for a hint. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  return nearestNames(name, candidates)[0];
}

function properties(object: JsonNode): [key: JsonNode, value: JsonNode][] {
  return (object.children ?? []).flatMap((p) =>
    p.children?.length === 2 ? [[p.children[0], p.children[1]] as [JsonNode, JsonNode]] : [],
  );
}

function fearlessProperty(tree: JsonNode | undefined): JsonNode | undefined {
  if (tree?.type !== 'object') return undefined;
  return tree.children?.find((p) => p.children?.[0].value === 'fearless');
}

function describe(node: JsonNode): string {
  switch (node.type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    default:
      return JSON.stringify(node.value);
  }
}

/** jsonc-parser rejects a byte-order mark; a space keeps every offset where it was. */
function blankBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function readText(file: string): { text: string } | { error: string; code?: string } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    return { error: error.code === 'ENOENT' ? 'no such file' : error.message, code: error.code };
  }
}

function emptyConfig(): ConfigFile {
  return { root: false, rules: {}, include: [], exclude: [], ignores: [], overrides: [] };
}

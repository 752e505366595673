/**
 * The user's configuration: `fearless.json`, or the `"fearless"` key of `package.json`, found by
 * walking up from a start directory; validated with messages that name the key and the bad value,
 * and merged over editor settings. Never throws: every mistake becomes a `ConfigProblem` and the
 * defaults stand in for what could not be read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { SEVERITIES, type SeverityOption } from './analysis/finding.js';
import { nearestNames } from './nearest-names.js';

export type Environment = 'node' | 'web' | 'auto';

export interface FearlessConfig {
  rules: Record<string, SeverityOption>;
  environment: Environment;
  /** Glob patterns relative to `configBaseDir`, kept as written. */
  include: string[];
  exclude: string[];
}

/** `line` / `column` are 1-based, in UTF-16 code units. */
export interface ConfigProblem {
  file: string;
  message: string;
  line?: number;
  column?: number;
}

export interface LoadedConfig {
  config: FearlessConfig;
  /** Absolute path of the file the configuration came from; absent when defaults are used. */
  file?: string;
  problems: ConfigProblem[];
}

/** Frozen: callers get copies from `loadConfig` / `mergeConfig`, never this object. */
export const DEFAULT_CONFIG: FearlessConfig = Object.freeze({
  rules: Object.freeze({}),
  environment: 'auto',
  include: Object.freeze([]),
  exclude: Object.freeze([]),
}) as unknown as FearlessConfig;

/**
 * The suppression module's own rule: it is not in the engine's rule list, yet users configure
 * its severity like any other rule.
 */
const ALWAYS_KNOWN_RULES = ['unused-ignore'];

const SEVERITY_OPTIONS: readonly SeverityOption[] = ['off', ...SEVERITIES];
const ENVIRONMENTS: readonly Environment[] = ['node', 'web', 'auto'];
const KEYS = ['rules', 'environment', 'include', 'exclude'] as const;
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

/**
 * Finds and reads the configuration. `explicitFile` (the CLI's `--config`, resolved against
 * `startDir`) is read as a fearless.json unless it is a package.json; otherwise the nearest
 * directory from `startDir` upward holding `fearless.json` or a package.json with a `"fearless"`
 * key wins (fearless.json first within one directory).
 */
export function loadConfig(startDir: string, knownRules: readonly string[], explicitFile?: string): LoadedConfig {
  if (explicitFile !== undefined) {
    const file = path.resolve(startDir, explicitFile);
    const read = readText(file);
    if ('error' in read) {
      const problems = [{ file, message: `Cannot read config file ${file}: ${read.error}` }];
      return { config: copyDefaults(), problems };
    }
    return { ...parseConfigText(read.text, file, knownRules, path.basename(file) === 'package.json'), file };
  }
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    const found = configIn(dir, knownRules);
    if (found) return found;
    if (path.dirname(dir) === dir) return { config: copyDefaults(), problems: [] };
  }
}

function configIn(dir: string, knownRules: readonly string[]): LoadedConfig | undefined {
  const fearlessJson = path.join(dir, 'fearless.json');
  const own = readText(fearlessJson);
  if ('text' in own) return { ...parseConfigText(own.text, fearlessJson, knownRules, false), file: fearlessJson };
  if (own.code !== 'ENOENT' && own.code !== 'ENOTDIR') {
    return {
      config: copyDefaults(),
      file: fearlessJson,
      problems: [{ file: fearlessJson, message: `Cannot read config file ${fearlessJson}: ${own.error}` }],
    };
  }
  const packageJson = path.join(dir, 'package.json');
  const pkg = readText(packageJson);
  // A package.json without the key (or one we cannot read) belongs to someone else: keep looking.
  if (!('text' in pkg) || !fearlessProperty(parseTree(blankBom(pkg.text), [], { allowTrailingComma: true }))) {
    return undefined;
  }
  return { ...parseConfigText(pkg.text, packageJson, knownRules, true), file: packageJson };
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
): { config: FearlessConfig; problems: ConfigProblem[] } {
  const source = blankBom(text);
  const problem = (message: string, offset?: number): ConfigProblem =>
    offset === undefined ? { file, message } : { file, message, ...lineColumn(source, offset) };

  const errors: ParseError[] = [];
  const tree = parseTree(source, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    return {
      config: copyDefaults(),
      problems: errors.map((e) => {
        const code = printParseErrorCode(e.error);
        return problem(`JSON syntax error: ${SYNTAX_MESSAGES[code] ?? code}`, e.offset);
      }),
    };
  }

  let root = tree;
  let where = 'The configuration';
  if (fromPackageJsonKey) {
    const property = fearlessProperty(tree);
    if (!property) return { config: copyDefaults(), problems: [problem('package.json has no "fearless" key')] };
    root = property.children?.[1];
    where = 'The "fearless" key of package.json';
  }
  if (!root) return { config: copyDefaults(), problems: [problem(`${where} is empty`)] };
  if (root.type !== 'object') {
    const problems = [problem(`${where} must be an object, got ${describe(root)}`, root.offset)];
    return { config: copyDefaults(), problems };
  }

  const problems: ConfigProblem[] = [];
  const config = copyDefaults();
  for (const [keyNode, value] of properties(root)) {
    const key = keyNode.value as string;
    switch (key) {
      case 'rules':
        config.rules = readRules(value, knownRules, (message, offset) => problems.push(problem(message, offset)));
        break;
      case 'environment':
        if (value.type === 'string' && (ENVIRONMENTS as readonly string[]).includes(value.value)) {
          config.environment = value.value as Environment;
        } else {
          const expected = ENVIRONMENTS.join(', ');
          problems.push(problem(`Invalid "environment" ${describe(value)} (expected ${expected})`, value.offset));
        }
        break;
      case 'include':
      case 'exclude':
        config[key] = readGlobs(key, value, (message, offset) => problems.push(problem(message, offset)));
        break;
      default:
        if (!IGNORED_KEYS.has(key)) {
          const hint = closestName(key, KEYS);
          problems.push(
            problem(
              `Unknown key "${key}"${hint ? `; did you mean "${hint}"?` : ''} (expected ${KEYS.join(', ')})`,
              keyNode.offset,
            ),
          );
        }
    }
  }
  return { config, problems };
}

type Report = (message: string, offset: number) => void;

function readRules(node: JsonNode, knownRules: readonly string[], report: Report): Record<string, SeverityOption> {
  const rules: Record<string, SeverityOption> = {};
  if (node.type !== 'object') {
    report(`"rules" must be an object mapping rule ids to severities, got ${describe(node)}`, node.offset);
    return rules;
  }
  const known = [...knownRules, ...ALWAYS_KNOWN_RULES];
  for (const [keyNode, value] of properties(node)) {
    const id = keyNode.value as string;
    if (!known.includes(id)) {
      const hint = closestName(id, known);
      report(`Unknown rule "${id}" in "rules"${hint ? `; did you mean "${hint}"?` : ''}`, keyNode.offset);
    } else if (value.type === 'string' && (SEVERITY_OPTIONS as readonly string[]).includes(value.value)) {
      rules[id] = value.value as SeverityOption;
    } else {
      const hint = value.type === 'string' ? closestName(value.value, SEVERITY_OPTIONS) : undefined;
      report(
        `Invalid severity ${describe(value)} for rule "${id}"${hint ? `; did you mean "${hint}"?` : ''} ` +
          `(expected ${SEVERITY_OPTIONS.join(', ')})`,
        value.offset,
      );
    }
  }
  return rules;
}

function readGlobs(key: 'include' | 'exclude', node: JsonNode, report: Report): string[] {
  if (node.type !== 'array') {
    report(`"${key}" must be an array of glob patterns, got ${describe(node)}`, node.offset);
    return [];
  }
  const globs: string[] = [];
  (node.children ?? []).forEach((item, i) => {
    if (item.type === 'string') globs.push(item.value);
    else report(`"${key}"[${i}] must be a glob pattern string, got ${describe(item)}`, item.offset);
  });
  return globs;
}

/** Later wins: scalars and glob lists are replaced, rules are merged per id. */
export function mergeConfig(base: FearlessConfig, override: Partial<FearlessConfig>): FearlessConfig {
  return {
    rules: { ...base.rules, ...override.rules },
    environment: override.environment ?? base.environment,
    include: [...(override.include ?? base.include)],
    exclude: [...(override.exclude ?? base.exclude)],
  };
}

/**
 * The directory `include` / `exclude` are relative to: the config file's, or `startDir` when no
 * file was found. (`startDir` is a parameter because a `LoadedConfig` from defaults has no path.)
 */
export function configBaseDir(loaded: LoadedConfig, startDir: string): string {
  return loaded.file ? path.dirname(loaded.file) : path.resolve(startDir);
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

function copyDefaults(): FearlessConfig {
  return mergeConfig(DEFAULT_CONFIG, {});
}

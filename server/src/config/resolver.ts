/**
 * Which configuration applies to a source file, as ESLint's cascading configuration does: every
 * `fearless.json` (or package.json `"fearless"` key) from the file's folder up to the first one
 * with `"root": true` (or the file system's root), the nearer winning; within one file, its
 * `overrides` whose globs match win over its own `rules` / `environment`, later ones over earlier.
 * Each file's globs are relative to its own folder. A configuration named explicitly (the CLI's
 * `--config`) is the only one for every file. Files are read once per resolver: a new resolver
 * sees the disk again.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import {
  type ConfigLayer, type ConfigProblem, DEFAULT_CONFIG, type FearlessConfig, type LoadedConfig, configIn, loadConfigFile,
} from './config-file';

export interface ResolvedConfig {
  config: FearlessConfig;
  /** The configuration files that apply, farthest first. */
  files: string[];
  /** Matched by an `ignores` pattern: never analysed, even when named. */
  ignored: boolean;
  /** Kept by every applying file's `include` / `exclude`: what a walk through folders keeps. */
  included: boolean;
}

export interface ResolverOptions {
  /** A configuration file used for every source file instead of those found on disk (absolute). */
  explicitFile?: string;
  /** Told of each configuration file as it is first read, with its problems (none: it is fine). */
  onRead?: (loaded: LoadedConfig) => void;
}

type Matcher = (relative: string) => boolean;

/** A configuration file with its globs compiled, relative to `dir`. */
interface Compiled {
  loaded: LoadedConfig;
  dir: string;
  include: Matcher;
  exclude: Matcher;
  ignores: Matcher;
  overrides: { matches: Matcher; layer: ConfigLayer }[];
}

export class ConfigResolver {
  /** Problems of every configuration file read so far, in the order read. */
  readonly problems: ConfigProblem[] = [];
  private readonly compiled = new Map<string, Compiled>();
  private readonly chains = new Map<string, Compiled[]>();
  private readonly explicit: Compiled | undefined;

  constructor(private readonly knownRules: readonly string[], private readonly options: ResolverOptions = {}) {
    this.explicit = options.explicitFile === undefined ? undefined : this.compile(loadConfigFile(options.explicitFile, knownRules));
  }

  /** `file`'s configuration, laid over `base` (the editor's settings; the defaults elsewhere). */
  resolve(file: string, base: FearlessConfig = DEFAULT_CONFIG): ResolvedConfig {
    const absolute = path.resolve(file);
    const rules = { ...base.rules };
    let environment = base.environment;
    const apply = (layer: ConfigLayer): void => {
      Object.assign(rules, layer.rules);
      environment = layer.environment ?? environment;
    };
    let ignored = false;
    let included = true;
    const chain = this.chainIn(path.dirname(absolute));
    for (const config of chain) {
      const relative = path.relative(config.dir, absolute).split(path.sep).join('/');
      apply(config.loaded.config);
      for (const override of config.overrides) if (override.matches(relative)) apply(override.layer);
      ignored ||= config.ignores(relative);
      included &&= config.include(relative) && !config.exclude(relative);
    }
    return { config: { rules, environment }, files: chain.map(c => c.loaded.file), ignored, included };
  }

  /** Whether a walk through folders analyses `file`. */
  selects(file: string): boolean {
    const { ignored, included } = this.resolve(file);
    return included && !ignored;
  }

  /** Every configuration file read so far, with what it says, sorted by path (a cache's key). */
  loaded(): LoadedConfig[] {
    return [...this.compiled.values()].map(c => c.loaded).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  }

  /** The configuration files that apply in `dir`, farthest first, read now if they were not yet. */
  filesIn(dir: string): string[] {
    return this.chainIn(path.resolve(dir)).map(c => c.loaded.file);
  }

  /** Whether this resolver has read `file` as a configuration file. */
  hasRead(file: string): boolean {
    return this.compiled.has(file);
  }

  private chainIn(dir: string): Compiled[] {
    return this.explicit ? [this.explicit] : this.chainOfDir(dir);
  }

  private chainOfDir(dir: string): Compiled[] {
    let chain = this.chains.get(dir);
    if (chain) return chain;
    const found = configIn(dir, this.knownRules);
    const own = found && this.compile(found);
    const parent = path.dirname(dir);
    const above = own?.loaded.config.root || parent === dir ? [] : this.chainOfDir(parent);
    chain = own ? [...above, own] : above;
    this.chains.set(dir, chain);
    return chain;
  }

  private compile(loaded: LoadedConfig): Compiled {
    const { config } = loaded;
    const compiled: Compiled = {
      loaded,
      dir: path.dirname(loaded.file),
      include: config.include.length > 0 ? matcher(config.include) : () => true,
      exclude: matcher(config.exclude),
      ignores: matcher(config.ignores),
      overrides: config.overrides.map(o => ({ matches: matcher(o.files), layer: o })),
    };
    this.compiled.set(loaded.file, compiled);
    this.problems.push(...loaded.problems);
    this.options.onRead?.(loaded);
    return compiled;
  }
}

function matcher(globs: readonly string[]): Matcher {
  return globs.length > 0 ? picomatch(globs as string[], { dot: true }) : () => false;
}

/** `fearless check --print-config <file>`: the configuration a file is analysed with, as ESLint's `--print-config` shows it. */
import path from 'node:path';
import type { ConfigProblem } from '../config/config-file';
import { ConfigResolver } from '../config/resolver';
import { RULE_METAS } from '../rules/registry';

/**
 * The JSON printed: the configuration files that apply (farthest first, relative to `cwd`), whether
 * `ignores` leave the file out, its environment and the rules set for it (the others run at their
 * default severity). Undefined, with the problems, when a configuration file that applies is wrong.
 * `configFile`: the CLI's `--config`, relative to `cwd`.
 */
export function printConfig(file: string, cwd: string, configFile?: string): { json?: string; problems: ConfigProblem[] } {
  const configs = new ConfigResolver(RULE_METAS.map(m => m.id), {
    ...(configFile !== undefined && { explicitFile: path.resolve(cwd, configFile) }),
  });
  const resolved = configs.resolve(path.resolve(cwd, file));
  if (configs.problems.length > 0) return { problems: configs.problems };
  const relative = (f: string): string => path.relative(cwd, f).split(path.sep).join('/') || f;
  const sortedRules = Object.fromEntries(Object.entries(resolved.config.rules).sort(([a], [b]) => a.localeCompare(b)));
  const json = JSON.stringify({
    configFiles: resolved.files.map(relative),
    ignored: resolved.ignored,
    environment: resolved.config.environment,
    rules: sortedRules,
  }, null, 2);
  return { json: `${json}\n`, problems: [] };
}

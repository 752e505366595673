/**
 * Whether a report is coloured, read as Node.js and chalk read it: `--color` / `--no-color` first, then
 * `FORCE_COLOR` (set and not `0` or `false`: colour even into a pipe; `0` / `false`: none), then
 * `NO_COLOR` (set and not empty: none, see no-color.org), then whether the output is a terminal that
 * is not `TERM=dumb`.
 */
export function wantsColor(flag: boolean | undefined, env: NodeJS.ProcessEnv, terminal: boolean): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return terminal && env.TERM !== 'dumb';
}

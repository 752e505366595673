/** "Did you mean": the known names nearest to a misspelt one (config keys, severities, rule ids). */

/**
 * The candidates nearest to a misspelt `name`, all at the same least distance, within 3 edits; never
 * one that would rewrite every letter of a short name ("x" is not a typo of "off"). Several mean the
 * typo is ambiguous; none, that nothing is close.
 */
export function nearestNames(name: string, candidates: readonly string[]): string[] {
  let nearest: string[] = [];
  let bestDistance = Math.min(4, name.length);
  for (const candidate of new Set(candidates)) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) [nearest, bestDistance] = [[candidate], distance];
    else if (distance === bestDistance && nearest.length > 0) nearest.push(candidate);
  }
  return nearest;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

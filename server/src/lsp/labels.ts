/** Short, clickable-looking names for places in the workspace: `main.ts:80` (1-based, as editors show lines). */
import path from 'node:path';

export function placeLabel(file: string, zeroBasedLine: number): string {
  return `${path.basename(file)}:${zeroBasedLine + 1}`;
}

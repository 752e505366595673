import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a report to stdout, or to `file` (relative to `cwd`, its folders made) leaving stdout empty, as
 * ESLint's `--output-file` does. Undefined when written, else why not.
 */
export function writeOutput(text: string, file: string | undefined, cwd: string): string | undefined {
  if (file === undefined) {
    process.stdout.write(text);
    return undefined;
  }
  const target = path.resolve(cwd, file);
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    return undefined;
  } catch (error) {
    return `could not write the report to ${file}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

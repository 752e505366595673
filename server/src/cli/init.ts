/** `fearless init`: a starter `fearless.json` in the current directory, as `biome init` writes one. */
import fs from 'node:fs';
import path from 'node:path';
import { hasFearlessKey } from '../config/config-file';

/** Where the schema is once the package is installed: editors complete and check the file with it. */
const SCHEMA = './node_modules/fearless/schemas/fearless.schema.json';

const STARTER_CONFIG = `${JSON.stringify({ $schema: SCHEMA, root: true, rules: {}, ignores: [] }, null, 2)}\n`;

/** Writes the starter file; the reason it did not when a configuration is already there (nothing is overwritten). */
export function initConfig(dir: string): { written: string } | { refused: string } {
  const file = path.join(dir, 'fearless.json');
  if (fs.existsSync(file)) return { refused: 'fearless.json already exists here; it was left as it is' };
  const packageJson = path.join(dir, 'package.json');
  if (fs.existsSync(packageJson) && hasFearlessKey(fs.readFileSync(packageJson, 'utf8'))) {
    return { refused: 'package.json here already has a "fearless" key, which a fearless.json would hide; edit that key instead' };
  }
  // `wx`: a file that appeared since the check above is not overwritten either.
  fs.writeFileSync(file, STARTER_CONFIG, { flag: 'wx' });
  return { written: file };
}

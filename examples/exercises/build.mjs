// Compiles every src/**/*.ts to .build/**/*.js, file by file: no bundling, so each worker module stays a
// file of its own that `new URL('./worker.js', import.meta.url)` finds beside the module that spawns it.
//
// esbuild is not a dependency of this package: it is the repository's, and Node finds it by walking up
// from this file to the root's node_modules. So this runs anywhere inside the repo (after `npm ci` at the
// root) without an install here. The output folder's name starts with a dot because `fearless check`
// skips dot-folders: `npm start` checks the sources, not the JavaScript made from them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error('build.mjs: esbuild not found. Run `npm ci` at the repository root: these exercises use its node_modules.');
  process.exit(2);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'src');
const entryPoints = fs.readdirSync(src, { recursive: true })
  .filter(file => file.endsWith('.ts'))
  .map(file => path.join(src, file));

await esbuild.build({
  entryPoints,
  outbase: src,
  outdir: path.join(here, '.build'),
  format: 'esm',
  platform: 'node',
  target: 'node20',
  bundle: false,
  logLevel: 'warning',
});

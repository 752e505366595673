// Packages the VS Code extension: production bundles (minified, with source maps) into dist/, then
// `vsce package` into fearless-<version>.vsix at the repository root, or where `--out FILE` says.
//   node scripts/package.mjs [--out FILE]
// Works offline. What goes into the VSIX is decided by .vscodeignore.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const outAt = process.argv.indexOf('--out');
const out = path.resolve(outAt > 0 ? process.argv[outAt + 1] : path.join(root, `${manifest.name}-${manifest.version}.vsix`));
const vsce = path.join(path.dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');

execFileSync(process.execPath, ['build.mjs', '--production'], { cwd: root, stdio: 'inherit' });
fs.mkdirSync(path.dirname(out), { recursive: true });
execFileSync(process.execPath, [vsce, 'package',
  // everything the extension runs is bundled: there is no dependency tree to walk
  '--no-dependencies',
  // The Marketplace shows the README alone: its relative links (docs/rules/…) become links into the
  // repository at the homepage package.json declares, as the rule links in diagnostics are.
  '--baseContentUrl', `${manifest.homepage}/blob/main/`, '--baseImagesUrl', `${manifest.homepage}/raw/main/`,
  '--out', out,
], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
console.log(`${out}: ${(fs.statSync(out).size / 1024 / 1024).toFixed(1)} MiB`);

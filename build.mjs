// Bundles the three entry points: the language server, the VS Code client and the CLI.
// Everything is bundled (ts-morph and its TypeScript included) so the extension ships no node_modules.
//   node build.mjs [server|client|cli] [--production]
// --production (the VSIX) minifies, and leaves the sources out of the maps: they would be mostly
// TypeScript's own compiler, tens of MB, while file:line in stack traces is what the maps are for.
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
  // jsonc-parser's UMD main cannot be bundled; its ESM build can.
  mainFields: ['module', 'main'],
  // ...which means ESM dependencies (fdir) read import.meta.url: give the CommonJS bundle one.
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
};

const args = process.argv.slice(2);
const production = args.includes('--production');
const only = args.find(a => !a.startsWith('--'));
const targets = {
  server: { entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  client: { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  cli: { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js' },
};
await Promise.all(Object.entries(targets)
  .filter(([name]) => !only || name === only)
  .map(async ([, options]) => {
    await build({ ...common, ...(production && { minify: true, sourcesContent: false }), ...options });
    asciiOnly(options.outfile);
  }));

/**
 * esbuild escapes non-ASCII characters in strings, but not in the comments it keeps; one `…` in a
 * comment makes Node read the whole 15 MB bundle as a two-byte string: slower to load, and 15 MB more
 * memory for every run. Escaped, the text means the same (a comment's character never runs).
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  const escaped = text.replace(/[^\x00-\x7f]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (escaped !== text) writeFileSync(file, escaped);
}

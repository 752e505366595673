/**
 * The source tree's layers, as the README's Development section draws them: each folder of
 * server/src imports only the folders below it, and the VS Code client only what the server shares
 * with it on purpose (its messages and its views).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const SERVER = path.join(ROOT, 'server', 'src');

/** What each folder of server/src may import, besides itself and packages. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  analysis: ['core'],
  views: ['core', 'analysis'],
  protocol: ['views'],
  config: ['core'],
  // The rules know the engine only by its contract with them.
  rules: ['core', 'analysis', 'engine/rule.ts'],
  engine: ['core', 'analysis', 'config', 'views'],
  snippets: [],
  cli: ['core', 'analysis', 'config', 'engine', 'rules', 'views'],
  lsp: ['core', 'analysis', 'config', 'engine', 'rules', 'views', 'protocol', 'snippets'],
};

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile() && e.name.endsWith('.ts'))
    .map(e => path.join(e.parentPath, e.name));
}

/** The files of the repository a source file imports, resolved (package.json and other data files included). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map(m => path.resolve(path.dirname(file), (m[1] ?? m[2]).replace(/\.js$/, '')));
}

/** Where a resolved import lands, named as MAY_IMPORT names it: `engine/rule.ts`'s folder `engine`, or outside server/src. */
function layerOf(target: string): string | undefined {
  const rel = path.relative(SERVER, target);
  return rel.startsWith('..') ? undefined : rel.split(path.sep)[0];
}

describe('layering', () => {
  it('every folder of server/src has a rule here, and no source file sits beside them', () => {
    const entries = fs.readdirSync(SERVER, { withFileTypes: true });
    assert.deepEqual(entries.filter(e => e.isFile()).map(e => e.name), []);
    assert.deepEqual(entries.filter(e => e.isDirectory()).map(e => e.name).filter(d => !(d in MAY_IMPORT)), []);
  });

  it('each folder imports only the folders below it', () => {
    const wrong: string[] = [];
    for (const [layer, allowed] of Object.entries(MAY_IMPORT)) {
      for (const file of sources(path.join(SERVER, layer))) {
        for (const target of importsOf(file)) {
          const to = layerOf(target);
          if (to === undefined || to === layer) continue;
          const rel = path.relative(SERVER, target).split(path.sep).join('/');
          if (allowed.includes(to) || allowed.some(a => a.endsWith('.ts') && rel === a.slice(0, -3))) continue;
          wrong.push(`${path.relative(SERVER, file)} imports ${rel}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('the client imports nothing of the server but its messages and views', () => {
    const wrong = sources(path.join(ROOT, 'client', 'src')).flatMap(file => importsOf(file)
      .filter(target => !target.startsWith(path.join(ROOT, 'client')))
      .filter(target => !['protocol', 'views'].includes(layerOf(target) ?? ''))
      .map(target => `${path.relative(ROOT, file)} imports ${path.relative(ROOT, target)}`));
    assert.deepEqual(wrong, []);
  });

  it('no source file is longer than 450 lines', () => {
    const long = [...sources(SERVER), ...sources(path.join(ROOT, 'client', 'src'))]
      .map(file => ({ file: path.relative(ROOT, file), lines: fs.readFileSync(file, 'utf8').split('\n').length }))
      .filter(f => f.lines > 450);
    assert.deepEqual(long, []);
  });
});

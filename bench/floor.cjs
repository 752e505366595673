// The TypeScript floors, as separate processes: what the compiler Fearless analyses with (TypeScript 6,
// bundled by ts-morph) needs just to read the corpus. `parse`: every file parsed; `bind`: a program
// and its type checker (files parsed, bound, globals merged), which any type-aware tool must build.
// `bind-all`: for a corpus of many package roots, ONE program over every .ts/.js file outside
// node_modules (the options most of its packages use, allowJs, @types/node, and every lib file one of
// its tsconfig.json files asks for), bound: what analysing those files costs when nothing is loaded twice.
//   node bench/floor.cjs parse|bind|bind-all <corpus dir>
const fs = require('node:fs');
const path = require('node:path');
const { getLibFiles, libFolderInMemoryPath, ts } = require('@ts-morph/common');

/** Source files under dir; node_modules and symlinks (a link back to the root is a cycle) are not entered. */
function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(file);
    return entry.isFile() && /\.[cm]?[jt]sx?$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name) ? [file] : [];
  });
}

/** Every tsconfig.json under dir, outside node_modules and symlinks. */
function configs(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : configs(file);
    return entry.isFile() && entry.name === 'tsconfig.json' ? [file] : [];
  });
}

/**
 * The lib files the corpus's configurations load, together: each one's `lib`, or its target's default
 * (which has the DOM); the files outside any configuration are given `fallback`.
 */
function libsAskedFor(dir, fallback) {
  const libs = new Set(fallback);
  for (const file of configs(dir)) {
    const { options } = ts.getParsedCommandLineOfConfigFile(file, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    for (const lib of options.lib ?? [ts.getDefaultLibFileName(options)]) libs.add(lib);
  }
  return [...libs];
}

/**
 * A compiler host that also serves the lib .d.ts files: the bundled compiler has them in memory only,
 * and a program without them binds a fraction of what Fearless's programs (given them by ts-morph) do.
 */
function hostWithLibs(options) {
  const host = ts.createCompilerHost(options);
  const libs = new Map(getLibFiles().map(f => [`${libFolderInMemoryPath}/${f.fileName}`, f.text]));
  return {
    ...host,
    getDefaultLibLocation: () => libFolderInMemoryPath,
    getDefaultLibFileName: o => `${libFolderInMemoryPath}/${ts.getDefaultLibFileName(o)}`,
    fileExists: f => libs.has(f) || host.fileExists(f),
    readFile: f => libs.get(f) ?? host.readFile(f),
    getSourceFile: (f, language, ...rest) => libs.has(f) ? ts.createSourceFile(f, libs.get(f), language) : host.getSourceFile(f, language, ...rest),
  };
}

const [mode, dir] = process.argv.slice(2);
if (mode === 'bind-all') {
  const options = {
    allowJs: true, checkJs: false, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2024, lib: libsAskedFor(dir, ['lib.es2024.d.ts']), types: ['node'], typeRoots: [path.join(dir, 'node_modules', '@types')],
    skipLibCheck: true, noEmit: true,
  };
  ts.createProgram(sources(dir), options, hostWithLibs(options)).getTypeChecker();
} else {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (mode === 'parse') {
    for (const file of config.fileNames) ts.createSourceFile(file, ts.sys.readFile(file), ts.ScriptTarget.Latest, true);
  } else {
    // With the libs the tsconfig asks for: without them (the bundled compiler has none on disk) the floor
    // left out what tsc and every type-aware tool load.
    ts.createProgram(config.fileNames, config.options, hostWithLibs(config.options)).getTypeChecker();
  }
}

// The TypeScript floors, as separate processes: what the compiler Fearless analyses with (TypeScript 6,
// bundled by ts-morph) needs just to read the corpus. `parse`: every file parsed; `bind`: a program
// and its type checker (files parsed, bound, globals merged), which any type-aware tool must build.
//   node bench/floor.cjs parse|bind <corpus dir>
const path = require('node:path');
const { ts } = require('@ts-morph/common');

const [mode, dir] = process.argv.slice(2);
const config = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
if (mode === 'parse') {
  for (const file of config.fileNames) ts.createSourceFile(file, ts.sys.readFile(file), ts.ScriptTarget.Latest, true);
} else {
  const program = ts.createProgram(config.fileNames, config.options);
  program.getTypeChecker();
}

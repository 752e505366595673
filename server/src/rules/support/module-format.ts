/** Whether a file runs as an ES module (`import.meta`, top-level `await`) rather than as CommonJS (`__dirname`, `require`). */
import { ts } from '../../analysis/ts';

export function isEsModule(file: ts.SourceFile, program: ts.Program): boolean {
  if (!ts.isExternalModule(file)) return false;
  if (/\.m[jt]s$/.test(file.fileName) || file.impliedNodeFormat === ts.ModuleKind.ESNext) return true;
  if (/\.c[jt]s$/.test(file.fileName)) return false;
  const options = program.getCompilerOptions();
  const module = options.module;
  if (module === ts.ModuleKind.Node16 || module === ts.ModuleKind.NodeNext) {
    // Under Node's module rules a `.ts` / `.js` file is an ES module when its package says `"type": "module"`;
    // the compiler does not always record that on files it was handed directly, so ask it the same question.
    return ts.getImpliedNodeFormatForFile(file.fileName, undefined, ts.sys, options) === ts.ModuleKind.ESNext;
  }
  return module === ts.ModuleKind.ES2022 || module === ts.ModuleKind.ESNext || module === ts.ModuleKind.Preserve;
}

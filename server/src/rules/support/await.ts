/** Whether `await` may be written at a point: inside an async function, or at the top of an ES module. */
import { ts } from '../../analysis/ts';
import { enclosingFunction } from '../../analysis/syntax';

export function isAwaitAllowed(node: ts.Node, program: ts.Program): boolean {
  const fn = enclosingFunction(node);
  if (ts.isSourceFile(fn)) {
    if (!ts.isExternalModule(fn)) return false;
    if (/\.m[jt]s$/.test(fn.fileName) || fn.impliedNodeFormat === ts.ModuleKind.ESNext) return true;
    const options = program.getCompilerOptions();
    const module = options.module;
    if (module === ts.ModuleKind.Node16 || module === ts.ModuleKind.NodeNext) {
      // Under Node's module rules a `.ts` / `.js` file is an ES module when its package says `"type": "module"`;
      // the compiler does not always record that on files it was handed directly, so ask it the same question.
      return ts.getImpliedNodeFormatForFile(fn.fileName, undefined, ts.sys, options) === ts.ModuleKind.ESNext;
    }
    return module === ts.ModuleKind.ES2022 || module === ts.ModuleKind.ESNext || module === ts.ModuleKind.Preserve;
  }
  if (ts.isClassStaticBlockDeclaration(fn)) return false;
  return (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async) !== 0;
}

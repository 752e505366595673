/** Whether `await` may be written at a point: inside an async function, or at the top of an ES module. */
import { ts } from '../../analysis/ts';
import { enclosingFunction } from '../../analysis/syntax';

export function isAwaitAllowed(node: ts.Node, program: ts.Program): boolean {
  const fn = enclosingFunction(node);
  if (ts.isSourceFile(fn)) {
    if (!ts.isExternalModule(fn)) return false;
    if (/\.m[jt]s$/.test(fn.fileName) || fn.impliedNodeFormat === ts.ModuleKind.ESNext) return true;
    const module = program.getCompilerOptions().module;
    return module === ts.ModuleKind.ES2022 || module === ts.ModuleKind.ESNext || module === ts.ModuleKind.Preserve;
  }
  if (ts.isClassStaticBlockDeclaration(fn)) return false;
  return (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async) !== 0;
}

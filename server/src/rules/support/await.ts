/** Whether `await` may be written at a point: inside an async function, or at the top of an ES module. */
import { ts } from '../../analysis/ts';
import { enclosingFunction } from '../../analysis/syntax/syntax';
import { isEsModule } from './module-format';

export function isAwaitAllowed(node: ts.Node, program: ts.Program): boolean {
  const fn = enclosingFunction(node);
  if (ts.isSourceFile(fn)) return isEsModule(fn, program);
  if (ts.isClassStaticBlockDeclaration(fn)) return false;
  return (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async) !== 0;
}

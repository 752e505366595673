/** Small questions the Join rules' fixes ask about a spawned worker's code. */
import { ts } from '../../analysis/ts';
import type { WorkerFate } from '../../analysis/threads/joins';
import { skipOuter } from '../../analysis/syntax/syntax';

/**
 * The expression of a statement that is the worker and nothing else (`new Worker(…);`,
 * `new Worker(…).on('message', f);`): what a fix can wrap, or chain a Node listener onto. Not an
 * expression that only evaluates to it (`this.worker ||= new Worker(…)`), whose other effects a
 * wrapping would bury.
 */
export function workerChain(statement: ts.Statement, fate: WorkerFate): ts.Expression | undefined {
  if (!ts.isExpressionStatement(statement) || !fate.uses.includes(skipOuter(statement.expression))) return undefined;
  return chainStart(skipOuter(statement.expression)) === fate.uses[0] ? statement.expression : undefined;
}

/** The object a chain of method calls starts from: `x` of `x.on(…).on(…)`. */
function chainStart(e: ts.Expression): ts.Expression {
  for (;;) {
    const callee = ts.isCallExpression(e) ? skipOuter(e.expression) : undefined;
    if (!callee || !ts.isPropertyAccessExpression(callee)) return e;
    e = skipOuter(callee.expression);
  }
}

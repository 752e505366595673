/** Small questions the Join rules' fixes ask about a spawned worker's code. */
import { ts } from '../../analysis/ts';
import type { WorkerFate } from '../../analysis/joins';
import { skipOuter } from '../../analysis/syntax';

/**
 * The expression of a statement that is the worker and nothing else (`new Worker(…);`,
 * `new Worker(…).on('message', f);`): what a fix can wrap, or chain a Node listener onto.
 */
export function workerChain(statement: ts.Statement, fate: WorkerFate): ts.Expression | undefined {
  return ts.isExpressionStatement(statement) && fate.uses.includes(skipOuter(statement.expression)) ? statement.expression : undefined;
}

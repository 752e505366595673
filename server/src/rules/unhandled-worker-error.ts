import { ts } from '../analysis/ts';
import type { Fix } from '../core/finding';
import { type WorkerFate, executorParameter, isSpawnedLazily, nameAfterSpawn, workerName } from '../analysis/threads/joins';
import type { SpawnSite } from '../analysis/threads/spawns';
import { enclosingFunction, skipOuter } from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';
import { insertAt } from './support/edits';
import { lineAfter, listedStatement } from './support/statements';
import { workerChain } from './support/worker-code';

const LISTENERS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);

export const unhandledWorkerError: Rule = {
  meta: {
    id: 'unhandled-worker-error',
    family: 'join',
    defaultSeverity: 'warning',
    description: "A worker with no 'error' handler: in Node its exception crashes the process; in a browser the work is silently lost.",
  },
  check(ctx) {
    const { facts } = ctx;
    const sites = facts.spawns.filter(s => s.kind === 'node' || s.kind === 'web');
    const runtime = sites.length > 0 ? facts.runtime : 'undecided';
    if (runtime === 'undecided') return;
    for (const site of sites) {
      if (site.kind !== runtime) continue;
      const fate = facts.fateOf(site.node);
      if (fate.errors.kind !== 'unhandled') continue;
      const { subject } = workerName(fate);
      ctx.report({
        at: site.node,
        message: runtime === 'node'
          ? `${subject} has no 'error' handler: an exception thrown in the worker is emitted here as an 'error' event, and ` +
            'with no listener it crashes the whole process. Handle it (reject the promise waiting for the worker, or log it).'
          : `${subject} has no 'error' handler: when it throws, the browser only logs the error, the work is lost and ` +
            'nothing here learns of it (a reply that never comes leaves the page waiting). Handle it.',
        fixes: errorHandlerFix(site, fate, runtime),
      });
    }
  },
};

/**
 * A handler where the surrounding code can take the error: beside the worker's other listeners in a
 * `new Promise((resolve, reject) => …)` executor it rejects that promise (the crash becomes the
 * rejection the caller already waits on); elsewhere it logs, and the program goes on.
 */
function errorHandlerFix(site: SpawnSite, fate: WorkerFate, runtime: 'node' | 'web'): Fix[] {
  const title = "Add an `'error'` handler";
  const name = nameAfterSpawn(site.node, fate);
  const spawnStatement = listedStatement(site.node);
  const rejecting = (reject: string): string => runtime === 'node' ? reject : `(event) => ${reject}(new Error(event.message))`;
  const logging = runtime === 'node' ? '(error) => console.error(error)' : '(event) => console.error(`worker failed: ${event.message}`)';
  const handler = (worker: string, listener: string): string =>
    runtime === 'node' ? `${worker}.on('error', ${listener});` : `${worker}.addEventListener('error', ${listener});`;

  // Beside the spawn the worker is its variable; beside a listener, whatever names it there (a callback's parameter…).
  const candidates = [
    { at: site.node, worker: name },
    ...fate.uses.filter(isListenerRegistration).map(use => ({ at: use, worker: use.getText() })),
  ].flatMap(({ at, worker }) => {
    const statement = listedStatement(at);
    return statement ? [{ statement, worker }] : [];
  }).sort((a, b) => a.statement.pos - b.statement.pos);
  for (const { statement, worker } of candidates) {
    const reject = executorParameter(enclosingFunction(statement), 1);
    if (!reject) continue;
    if (worker) return [{ title, kind: 'safe', edits: [lineAfter(statement, handler(worker, rejecting(reject.text)))] }];
    const chain = runtime === 'node' ? workerChain(statement, fate) : undefined;
    if (chain) return [{ title, kind: 'safe', edits: [insertAt(statement.getSourceFile(), chain.end, `.on('error', ${reject.text})`)] }];
  }
  if (!spawnStatement) return [];
  if (name) return [{ title, kind: 'suggestion', edits: [lineAfter(spawnStatement, handler(name, logging))] }];
  // A Node worker's `on` returns the worker: the handler can ride on the spawn itself (`w ??= new Worker(…).on(…)`).
  const chain = runtime === 'node' ? workerChain(spawnStatement, fate) ?? (isSpawnedLazily(site.node) ? site.node : undefined) : undefined;
  return chain ? [{ title, kind: 'suggestion', edits: [insertAt(spawnStatement.getSourceFile(), chain.end, `.on('error', ${logging})`)] }] : [];
}

/** `w.on('message', …)`, `w.addEventListener(…)`, `w.onmessage = …`: where the worker's events are taken. */
function isListenerRegistration(use: ts.Expression): boolean {
  const access = use.parent;
  if (!ts.isPropertyAccessExpression(access) || skipOuter(access.expression) !== use) return false;
  return LISTENERS.has(access.name.text) || /^on[a-z]+$/.test(access.name.text);
}

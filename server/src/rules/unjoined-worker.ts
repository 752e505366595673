import type { Fix } from '../core/finding';
import type { FileFacts } from '../analysis/file-facts';
import { type WorkerFate, nameAfterSpawn, workerName } from '../analysis/threads/joins';
import type { SpawnSite } from '../analysis/threads/spawns';
import { Rule } from '../engine/rule';
import { insertAt, replaceNode } from './support/edits';
import { isAwaitAllowed } from './support/await';
import { builtinBinding } from './support/imports';
import { afterLastUse, lineAfter, lineBefore, listedStatement } from './support/statements';
import { workerChain } from './support/worker-code';

export const unjoinedWorker: Rule = {
  meta: {
    id: 'unjoined-worker',
    family: 'join',
    defaultSeverity: 'warning',
    description: "A worker whose end is never observed ('exit', once(w, 'exit'), an awaited terminate()), neither detached with unref() nor handed off.",
  },
  check(ctx) {
    const { facts } = ctx;
    const sites = facts.spawns.filter(s => s.kind === 'node');
    if (sites.length === 0 || facts.runtime !== 'node') return;
    for (const site of sites) {
      const fate = facts.fateOf(site.node);
      if (fate.join.kind !== 'never') continue;
      const { subject, code: name } = workerName(fate);
      ctx.report({
        at: site.node,
        message: `${subject} is never joined: nothing observes its end (an 'exit' listener, await once(${name ?? 'worker'}, 'exit'), ` +
          `await ${name ?? 'worker'}.terminate()), so nothing can tell when its work is done or whether it failed, and the ` +
          `process waits for it unseen. Join it, or let it go on purpose with ${name ?? 'worker'}.unref().`,
        fixes: [joinFix(facts, site, fate), detachFix(site, fate)].filter((f): f is Fix => f !== undefined),
      });
    }
  },
};

/**
 * `await once(w, 'exit')` after the worker's last use (listeners first, then the wait); where `await`
 * cannot be written, the same promise with `.then`, which must not turn an error the worker's own
 * `'error'` handler deals with into an unhandled rejection.
 */
function joinFix(facts: FileFacts, site: SpawnSite, fate: WorkerFate): Fix | undefined {
  const statement = listedStatement(site.node);
  const once = statement && builtinBinding(facts, 'node:events', 'once', 'once');
  if (!statement || !once) return undefined;
  const awaits = isAwaitAllowed(site.node, facts.program);
  const join = (worker: string): string => awaits
    ? `await ${once.text}(${worker}, 'exit')`
    : `${once.text}(${worker}, 'exit').then(([code]) => { if (code !== 0) console.error(\`worker exited with code \${code}\`); }` +
      `${fate.errors.kind === 'handled' ? ', () => {}' : ''})`;
  const shown = (worker: string): string => awaits ? `await once(${worker}, 'exit')` : `once(${worker}, 'exit').then(…)`;
  const name = fate.holder?.text;
  if (name) {
    const place = afterLastUse(statement, fate.uses);
    const code = `${join(name)};`;
    const edit = place.before ? lineBefore(place.statement, code) : lineAfter(place.statement, code);
    return { title: `Join: \`${shown(name)}\``, kind: 'suggestion', edits: [edit, ...once.edits] };
  }
  const chain = workerChain(statement, fate);
  if (!chain) return undefined;
  return { title: `Join: \`${shown('new Worker(…)')}\``, kind: 'suggestion', edits: [replaceNode(chain, join(chain.getText())), ...once.edits] };
}

function detachFix(site: SpawnSite, fate: WorkerFate): Fix | undefined {
  const statement = listedStatement(site.node);
  if (!statement) return undefined;
  const name = nameAfterSpawn(site.node, fate);
  if (name) return { title: `Detach: \`${name}.unref()\``, kind: 'suggestion', edits: [lineAfter(statement, `${name}.unref();`)] };
  const chain = workerChain(statement, fate);
  if (!chain) return undefined;
  return { title: 'Detach: `new Worker(…).unref()`', kind: 'suggestion', edits: [insertAt(site.node.getSourceFile(), chain.end, '.unref()')] };
}

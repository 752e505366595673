import path from 'node:path';
import { ts } from '../analysis/ts';
import { skipOuter } from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';

export const workerEntryNotFound: Rule = {
  meta: {
    id: 'worker-entry-not-found',
    family: 'join',
    defaultSeverity: 'error',
    description: 'The module a worker is spawned with resolves to no file (a built .js name counts when its .ts/.mts/.cts source exists).',
  },
  check(ctx) {
    const { facts } = ctx;
    for (const site of facts.spawns) {
      if (!site.resolution || site.found || site.startUnknown || !site.spec || !site.target) continue;
      let where: string;
      if (site.resolution === 'cwd') {
        where = `'${(skipOuter(site.spec) as ts.StringLiteralLike).text}' names no file, from the package root (where Node ` +
          "is usually started) nor from this file's directory";
      } else {
        const named = path.relative(path.dirname(facts.file.fileName), site.target).split(path.sep).join('/');
        where = `'${named.startsWith('.') ? named : `./${named}`}' does not exist`;
      }
      const failure = site.kind === 'web' || site.kind === 'shared'
        ? 'the browser fires an error event and the worker never runs'
        : "the worker fails to load (ERR_MODULE_NOT_FOUND, emitted as its 'error' event)";
      ctx.report({
        at: site.spec,
        message: `This worker's module is not in the workspace: ${where}, and no .ts, .mts or .cts source of it either. ` +
          `At run time ${failure}.`,
      });
    }
  },
};

import path from 'node:path';
import { ts } from '../analysis/ts';
import type { Fix } from '../core/finding';
import type { FileFacts } from '../analysis/file-facts';
import { skipOuter } from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';
import { replaceNode } from './support/edits';
import { builtinBinding } from './support/imports';
import { isEsModule } from './support/module-format';

/** What a source compiles to: the file a path written in the running code must name. */
const BUILT_EXTENSION: Record<string, string> = { '.ts': '.js', '.tsx': '.js', '.mts': '.mjs', '.cts': '.cjs' };

export const workerPathCwdRelative: Rule = {
  meta: {
    id: 'worker-path-cwd-relative',
    family: 'join',
    defaultSeverity: 'warning',
    description: "new Worker('./w.js') in Node: a relative path is resolved against the working directory, not the file.",
  },
  check(ctx) {
    const { facts } = ctx;
    const sites = facts.spawns.filter(s => s.kind === 'node' && s.resolution === 'cwd');
    if (sites.length === 0 || facts.runtime !== 'node') return;
    for (const site of sites) {
      if (!site.spec) continue;
      const spec = skipOuter(site.spec) as ts.StringLiteralLike;
      const message = /^\.\.?[\\/]/.test(spec.text)
        ? `'${spec.text}' is resolved against the directory the process is started in, not this file: started from ` +
          'anywhere else, the worker fails to load (ERR_MODULE_NOT_FOUND). Resolve it from this file.'
        : `'${spec.text}' is neither absolute nor starts with './' or '../': Node refuses it (ERR_WORKER_PATH), and a ` +
          'relative path would be resolved against the working directory anyway, not this file. Resolve it from this file.';
      const fix = site.found && pinFix(facts, spec, site.found);
      ctx.report({ at: spec, message, fixes: fix ? [fix] : [] });
    }
  },
};

/** The same module, named from this file: `new URL(…, import.meta.url)` in an ES module, `path.join(__dirname, …)` in CommonJS. */
function pinFix(facts: FileFacts, spec: ts.StringLiteralLike, module: string): Fix | undefined {
  const ext = path.extname(module);
  const built = ext in BUILT_EXTENSION ? module.slice(0, -ext.length) + BUILT_EXTENSION[ext] : module;
  const relative = path.relative(path.dirname(facts.file.fileName), built).split(path.sep).join('/');
  const quote = spec.getText().startsWith('"') ? '"' : "'";
  if (isEsModule(facts.file, facts.program)) {
    const pinned = `new URL(${quote}${relative.startsWith('../') ? relative : `./${relative}`}${quote}, import.meta.url)`;
    return { title: `Resolve from this file: \`${pinned}\``, kind: 'suggestion', edits: [replaceNode(spec, pinned)] };
  }
  const nodePath = builtinBinding(facts, 'node:path', '*', 'path');
  if (!nodePath) return undefined;
  const pinned = `${nodePath.text}.join(__dirname, ${quote}${relative}${quote})`;
  return { title: `Resolve from this file: \`${pinned}\``, kind: 'suggestion', edits: [replaceNode(spec, pinned), ...nodePath.edits] };
}

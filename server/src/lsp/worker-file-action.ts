/**
 * "Create worker file `w.ts` for this spawn": a spawn site pinned to a module that does not exist
 * yet gets the worker side written from the matching snippet (a Web Worker's, a message loop when
 * the spawner posts to the worker, else a one-task worker that reads `workerData`).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeAction, CodeActionKind, Range } from 'vscode-languageserver/node';
import { ts } from '../analysis/ts';
import type { FileFacts } from '../analysis/file-facts';
import { spawnSites } from '../analysis/threads/spawns';
import type { ModuleFiles } from '../analysis/threads/module-files';
import { outerParent } from '../analysis/syntax/syntax';
import { snippetByPrefix } from '../snippets/library';
import { expandSnippet } from '../snippets/snippet-expansion';
import type { Locator } from './convert';

export const CREATE_WORKER_KIND = `${CodeActionKind.Refactor}.fearless.createWorker`;

export function createWorkerActions(facts: FileFacts, range: Range, at: Locator, files: ModuleFiles): CodeAction[] {
  const file = facts.file.fileName;
  const actions: CodeAction[] = [];
  for (const site of spawnSites(facts.file, files)) {
    if (!site.target || files.exists(site.target) || (site.kind !== 'node' && site.kind !== 'web')) continue;
    const span = at.range({ file, start: site.node.getStart(), end: site.node.end });
    if (span.end.line < range.start.line || span.start.line > range.end.line) continue;
    const target = sourceNameFor(file, site.target);
    const twin = snippetByPrefix(target, site.kind === 'web' ? 'worker-web' : postsTo(facts, site.node) ? 'worker-main' : 'worker-task');
    if (!twin) continue;
    const uri = pathToFileURL(target).href;
    actions.push({
      title: `Create worker file \`${path.basename(target)}\` for this spawn`,
      kind: CREATE_WORKER_KIND,
      edit: {
        documentChanges: [
          { kind: 'create', uri, options: { ignoreIfExists: true } },
          {
            textDocument: { uri, version: null },
            edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `${expandSnippet(twin.whole, { file: target, tab: '  ' })}\n` }],
          },
        ],
      },
    });
  }
  return actions;
}

/** A TypeScript spawner names the built `.js`; the file to create is its source, `.ts` (`.mts` for `.mjs`). */
function sourceNameFor(spawner: string, target: string): string {
  if (!/\.[mc]?tsx?$/.test(spawner)) return target;
  const ext = path.extname(target);
  const source = ext === '.mjs' ? '.mts' : ext === '.cjs' ? '.cts' : ext === '.js' || ext === '' ? '.ts' : ext;
  return target.slice(0, target.length - ext.length) + source;
}

/** Whether the spawner posts messages to the worker it holds (so the worker needs a message loop). */
function postsTo(facts: FileFacts, spawn: ts.Expression): boolean {
  const holder = outerParent(spawn);
  if (!ts.isVariableDeclaration(holder) || !ts.isIdentifier(holder.name)) return false;
  const sym = facts.refs.symbolAt(holder.name);
  return sym !== undefined && facts.refs.of(sym).some(ref => {
    const p = ref.parent;
    return ts.isPropertyAccessExpression(p) && p.expression === ref && p.name.text === 'postMessage';
  });
}

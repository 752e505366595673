/**
 * Code lenses: on each spawn site, what becomes of the worker (`joined at main.ts:97`, `never
 * joined`) and the module it runs; on a worker module's first line, who spawns it. Each lens points
 * at the place it names through the client's `fearless.openLocation` command.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens, Command, Range } from 'vscode-languageserver/node';
import type { SpawnFacts } from '../views/explain';
import { OPEN_LOCATION_COMMAND } from '../protocol/methods';
import type { SpawnRef } from '../analysis/threads/thread-graph';
import type { Locator } from './convert';
import { joinText, spawnedBy } from './hover';
import { placeLabel } from './labels';


export function spawnLenses(spawns: readonly SpawnFacts[], at: Locator): CodeLens[] {
  return spawns.flatMap(s => {
    const range = at.range(s.span);
    const lenses: CodeLens[] = [{ range, command: open(joinText(s, span => placeLabel(span.file, at.position(span.file, span.start).line)), s.join.span && at.range(s.join.span), s.join.span?.file) }];
    if (s.target) {
      lenses.push({ range, command: open(`runs ${path.basename(s.target)}`, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, s.target) });
    }
    return lenses;
  });
}

export function workerModuleLens(spawners: readonly SpawnRef[], at: Locator): CodeLens[] {
  if (spawners.length === 0) return [];
  const first = spawners[0];
  const zero: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return [{ range: zero, command: open(spawnedBy(spawners), at.range({ file: first.file, start: first.start, end: first.end }), first.file) }];
}

/** A lens command; without a place to go it is a label the client shows and does nothing with. */
function open(title: string, range: Range | undefined, file: string | undefined): Command {
  return range && file
    ? { title, command: OPEN_LOCATION_COMMAND, arguments: [pathToFileURL(file).href, range] }
    : { title, command: '' };
}

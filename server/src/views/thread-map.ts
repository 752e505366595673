/**
 * The program as threads, for people to look at (`fearless graph`, the editor's thread map):
 * modules that run as threads, the spawn edges between them (with what each spawn sends and whether
 * it is joined), and the shared buffers each thread touches and how. Plain data, stable ids (paths
 * relative to a root), so every format (JSON, Mermaid, DOT, a picture) is drawn from the same facts.
 */
import path from 'node:path';
import type { FileFacts } from '../analysis/file-facts';
import type { ModuleFiles } from '../analysis/threads/module-files';
import { spawnsOf } from './explain';
import { isAllocationRoot } from '../analysis/memory/provenance';
import type { Touch } from './explain';
import type { Thread } from '../analysis/threads/threads';
import { ts } from '../analysis/ts';

export interface ThreadMap {
  version: 1;
  modules: MapModule[];
  spawns: MapSpawn[];
  buffers: MapBuffer[];
}

export interface MapModule {
  /** The module's path relative to the map's root, `/`-separated: its id everywhere in the map. */
  id: string;
  file: string;
  role: Thread;
  /** A spawn names it, but there is no such file (worker-entry-not-found). */
  missing?: true;
}

export interface MapSpawn {
  from: string;
  to: string;
  /** 1-based line of the `new Worker(…)` in `from`. */
  line: number;
  sends: string[];
  join: 'joined' | 'detached' | 'never' | 'handed-off';
}

export interface MapBuffer {
  /** `<module id>:<line>`: where the buffer is allocated. */
  id: string;
  module: string;
  line: number;
  /** The name it is allocated under, when it has one (`const counts = new SharedArrayBuffer(…)`). */
  name?: string;
  users: { module: string; touches: Touch[] }[];
}

/**
 * Builds the map of the modules whose facts are given (one analysis each), rooted at `root`.
 * A module appears when it spawns, is spawned, or allocates or touches shared memory.
 */
export function buildThreadMap(all: readonly FileFacts[], root: string, files: ModuleFiles): ThreadMap {
  const id = (file: string): string => path.relative(root, file).split(path.sep).join('/');
  const modules = new Map<string, MapModule>();
  const addModule = (facts: FileFacts): void => {
    const file = facts.file.fileName;
    if (!modules.has(file)) modules.set(file, { id: id(file), file, role: facts.role.module });
  };
  const known = new Map(all.map(f => [f.file.fileName, f]));

  const spawns: MapSpawn[] = [];
  for (const facts of all) {
    for (const s of spawnsOf(facts, files)) {
      if (!s.target) continue;
      addModule(facts);
      const target = known.get(s.target);
      if (target) addModule(target);
      else if (!modules.has(s.target)) {
        modules.set(s.target, { id: id(s.target), file: s.target, role: 'worker', ...(files.exists(s.target) ? {} : { missing: true as const }) });
      }
      spawns.push({ from: id(facts.file.fileName), to: id(s.target), line: lineOf(facts.file, s.span.start), sends: s.sends, join: s.join.kind });
    }
  }

  const buffers = new Map<ts.Node, MapBuffer>();
  const bufferOf = (root: ts.Node): MapBuffer => {
    let buffer = buffers.get(root);
    if (!buffer) {
      const file = root.getSourceFile();
      const line = lineOf(file, root.getStart());
      const holder = root.parent && ts.isVariableDeclaration(root.parent) && ts.isIdentifier(root.parent.name) ? root.parent.name.text : undefined;
      buffer = { id: `${id(file.fileName)}:${line}`, module: id(file.fileName), line, ...(holder ? { name: holder } : {}), users: [] };
      buffers.set(root, buffer);
    }
    return buffer;
  };
  for (const facts of all) {
    const touches = new Map<ts.Node, Set<Touch>>();
    const touch = (target: ts.Expression, how: Touch): void => {
      const prov = facts.provenance.of(target);
      if (prov.state !== 'shared') return;
      for (const r of prov.roots) {
        if (!isAllocationRoot(r)) continue;
        let set = touches.get(r);
        if (!set) touches.set(r, set = new Set());
        set.add(how);
      }
    };
    for (const a of facts.accesses) {
      const locked = facts.locks.held.heldAt(a.node).size > 0;
      touch(a.target, locked ? 'locked' : a.kind === 'write' ? 'plain write' : 'plain read');
    }
    for (const { call } of facts.atomicsCalls) if (call.arguments[0]) touch(call.arguments[0], 'atomic');
    if (touches.size > 0) addModule(facts);
    for (const [r, hows] of touches) bufferOf(r).users.push({ module: id(facts.file.fileName), touches: [...hows].sort() });
  }

  const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    version: 1,
    modules: [...modules.values()].sort(byId),
    spawns: spawns.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.line - b.line)),
    buffers: [...buffers.values()].sort(byId),
  };
}

function lineOf(file: ts.SourceFile, offset: number): number {
  return file.getLineAndCharacterOfPosition(offset).line + 1;
}

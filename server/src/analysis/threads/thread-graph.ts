/**
 * The thread graph across files: which file's spawn sites start which module. It is fed one file
 * at a time (the CLI's and the server's scans, and every re-analysis of an edited file), so it stays
 * current without a global rebuild, and it answers the questions that cross files: is this module
 * spawned (so its code runs on a worker), by whom, and which files must be judged again when a
 * spawner changes. Sites are kept as positions, not nodes, so no syntax tree outlives its analysis.
 */
import path from 'node:path';
import { ts } from '../ts';
import { LineIndex } from '../../core/positions';
import { spawnSites } from './spawns';
import { namesItself } from './threads';
import { DiskModuleFiles, type ModuleFiles } from './module-files';
import { FileIndex } from '../syntax/file-index';

export interface SpawnRef {
  /** The spawning file. */
  file: string;
  /** The `new Worker(…)` expression's offsets in that file. */
  start: number;
  end: number;
  /** 0-based line of the spawn, for short labels (`main.ts:80`). */
  line: number;
  target: string;
  /** What the spawn puts in `workerData` (top-level keys). */
  sends: string[];
}

export class ThreadGraph {
  /** Each file's spawn sites, and every site by the module it starts. */
  private readonly sites = new FileIndex<SpawnRef>(r => r.target);
  /** Told of every file a question is about, while `watching`. */
  private asked?: (file: string) => void;

  constructor(private readonly files: ModuleFiles = new DiskModuleFiles()) {}

  /** Records a file's spawn sites (replacing what it had); returns the targets whose spawners changed. */
  update(file: ts.SourceFile): Set<string> {
    const index = new LineIndex(file.text);
    const refs = spawnSites(file, this.files).flatMap(site => {
      // A module that spawns itself is two threads: its worker side receives what its main side sends.
      const target = site.target ?? (site.spec && namesItself(site.spec, file) ? file.fileName : undefined);
      return target === undefined ? [] : [{
        file: file.fileName,
        start: site.node.getStart(file),
        end: site.node.end,
        line: index.positionAt(site.node.getStart(file)).line,
        target,
        sends: site.sends,
      }];
    });
    return this.replace(file.fileName, refs);
  }

  /** Records a file's spawn sites as a cache kept them (what `update` found from its unchanged text). */
  restore(file: string, refs: SpawnRef[]): Set<string> {
    return this.replace(file, refs);
  }

  /**
   * Runs `work`, telling `asked` of every file whose spawners or spawn sites it asks about: what a
   * cached analysis read of the graph, so that it is redone when one of those answers changes.
   */
  watching<T>(asked: (file: string) => void, work: () => T): T {
    const outer = this.asked;
    this.asked = asked;
    try {
      return work();
    } finally {
      this.asked = outer;
    }
  }

  /** Forgets a deleted file's spawn sites; returns the targets it spawned. */
  remove(file: string): Set<string> {
    return this.replace(file, []);
  }

  /** The spawn sites, in any file, that start `file`. */
  spawners(file: string): readonly SpawnRef[] {
    this.asked?.(file);
    return this.sites.withKey(file);
  }

  /**
   * Files that spawn `file` or a module of the same name with another extension: a spawn of
   * `./w.js` written before `w.ts` existed points at `w.js`, and its verdict changes when `w.ts`
   * is created (or deleted).
   */
  spawnersOfName(file: string): Set<string> {
    this.asked?.(file);
    const stem = withoutExtension(file);
    const out = new Set<string>();
    for (const [target, refs] of this.sites.keys()) {
      if (withoutExtension(target) === stem) for (const r of refs) out.add(r.file);
    }
    return out;
  }

  /** The spawn sites of `file` whose module is known. */
  sitesIn(file: string): readonly SpawnRef[] {
    this.asked?.(file);
    return this.sites.ofFile(file);
  }

  /** The modules `file` spawns, other than itself. */
  targets(file: string): string[] {
    this.asked?.(file);
    return [...new Set(this.sites.ofFile(file).map(r => r.target))].filter(t => t !== file);
  }

  private replace(file: string, refs: SpawnRef[]): Set<string> {
    const before = this.sites.replace(file, refs);
    const changed = new Set<string>();
    const key = (r: SpawnRef): string => `${r.target}\0${r.line}`;
    const beforeKeys = new Set(before.map(key));
    const afterKeys = new Set(refs.map(key));
    for (const r of before) if (!afterKeys.has(key(r))) changed.add(r.target);
    for (const r of refs) if (!beforeKeys.has(key(r))) changed.add(r.target);
    changed.delete(file); // a file that spawns itself is being judged again already
    return changed;
  }
}

function withoutExtension(file: string): string {
  return file.slice(0, file.length - path.extname(file).length);
}

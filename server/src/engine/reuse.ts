/**
 * One run with a result cache (result-cache.ts): which file's result is reused, which is analysed
 * alone, which needs its program. The point is a second run that builds no program when it can
 * avoid it: a typed program of one file of a project pulls in most of the project.
 *
 * - An unchanged file gives the thread graph its kept spawn sites and the lock-order graph its kept
 *   edges, without being parsed. Its result is reused unless what its analysis read changed (its
 *   dependency hash), or its program, built for another file, has other name sets than it had.
 * - A changed file's tree is read without its program (its spawn sites feed the graph in the run's
 *   order). When it took no part in threads and lent its program no name, and still does neither by
 *   the kept name sets and imports the same modules, no rule can run on it (thread-relevance.ts): its
 *   findings come from its syntax alone, and a program of that file alone gives them. Otherwise it
 *   needs its program.
 * - A new file, and an unchanged one that spawns a module of the name of a file created or removed
 *   (where the spawn lands may have moved), need their program; so do the name sets of the program a
 *   removed file was in: they are derived again, and the files whose sets changed are analysed again.
 */
import path from 'node:path';
import type { FileAnalysis } from './analyze-file';
import type { CrossFileContext, Peer } from '../analysis/threads/cross-thread';
import { readText } from '../analysis/program/files';
import type { LockOrderGraph, LockOrders } from '../analysis/locks/lock-order';
import { lockRelevantNames } from '../analysis/locks/lock-relevance';
import { withoutBom } from '../core/positions';
import {
  CACHE_FORMAT, type CacheData, type CachedFile, type CachedProgram, cacheUnder, contentHash, dependencyHash, bindingOptions, referencedFiles,
} from './result-cache';
import type { ThreadGraph } from '../analysis/threads/thread-graph';
import { lendsNames, mentionsAny, threadNames, touchesThreads } from '../analysis/threads/thread-relevance';
import { ts } from '../analysis/ts';

/** Where a file's result comes from: the cache, an analysis of the file alone, or one on its program. */
export type Source = 'cache' | 'alone' | 'program';

/** A file whose result the cache gave: what the report needs of it. */
export interface ReusedFile {
  file: string;
  /** Its text as the report reads it (without byte-order mark). */
  text: string;
  entry: CachedFile;
  /** Texts of the files outside the check its findings point into. */
  outside: Map<string, string>;
}

/** What one analysis read beyond its file, recorded while it ran. */
export interface Reads {
  asked: Set<string>;
  peers: Set<string>;
}

export class ResultReuse {
  private readonly previous: CacheData | undefined;
  private readonly hashes = new Map<string, string>();
  private readonly source = new Map<string, Source>();
  /** Changed files with a kept entry, and their trees once read: to be judged, alone or with their program. */
  private readonly changed = new Map<string, ts.SourceFile | undefined>();
  private readonly aloneTrees = new Map<string, Peer>();
  /** Kept programs whose name sets must be derived again (a file they held was removed). */
  private readonly probed = new Set<number>();
  /** Texts of files outside the check, read from disk when a finding points into one. */
  private readonly outside = new Map<string, string | undefined>();
  private readonly programs: CachedProgram[] = [];
  private readonly programIndex = new Map<string, number>();
  private readonly ofProgram = new WeakMap<ts.Program, number>();
  /** Kept programs' indexes in the new cache, by their index in the old. */
  private readonly ofKept = new Map<number, number>();
  /** Kept files whose program was built: their entries take its name sets. */
  private readonly programFor = new Map<string, number>();
  private readonly namesChanged = new Map<string, ReadonlySet<string>>();
  private readonly files: Record<string, CachedFile> = {};
  /** The kept programs' name sets, as sets. */
  private readonly keptSets = new Map<number, { threads: ReadonlySet<string>; locks: ReadonlySet<string> }>();

  constructor(read: unknown, private readonly key: string, files: readonly string[], private readonly texts: ReadonlyMap<string, string>) {
    this.previous = cacheUnder(read, key);
    for (const [file, text] of texts) this.hashes.set(file, contentHash(text));
    const kept = this.previous?.files ?? {};
    const checked = new Set(files);
    const gone = Object.keys(kept).filter(f => !checked.has(f));
    const created = files.filter(f => !kept[f]);
    for (const file of gone) this.probed.add(kept[file].program);
    const moved = new Set([...gone, ...created].map(withoutExtension));
    for (const file of files) {
      const entry = kept[file];
      const hash = this.hashes.get(file);
      if (!entry || hash === undefined || entry.refs.some(r => moved.has(withoutExtension(r.target)))) this.source.set(file, 'program');
      else if (entry.hash === hash) this.source.set(file, 'cache');
      else this.changed.set(file, undefined);
    }
  }

  /**
   * The file's part of the graphs without its program, in the run's order: an unchanged file's kept
   * spawn sites and edges, a changed one's spawn sites from its tree (`tree`: as its program holds it,
   * built or not). False: the caller reads it from its program.
   */
  readAhead(file: string, graph: ThreadGraph, edges: Map<string, LockOrders>, tree: () => ts.SourceFile | undefined): boolean {
    const entry = this.previous?.files[file];
    if (!entry) return false;
    if (this.source.get(file) === 'cache') {
      graph.restore(file, entry.refs);
      edges.set(file, { edges: entry.edges, ...(entry.lockError !== undefined && { error: entry.lockError }) });
      return true;
    }
    const sourceFile = this.changed.has(file) ? tree() : undefined;
    if (!sourceFile) {
      this.changed.delete(file);
      this.source.set(file, 'program');
      return false;
    }
    graph.update(sourceFile);
    this.changed.set(file, sourceFile);
    return true;
  }

  /** Once the graph is whole: each changed file is analysed alone if it stays out of threads, else on its program. */
  judgeChanged(graph: ThreadGraph, edges: Map<string, LockOrders>): void {
    for (const [file, sourceFile] of this.changed) {
      const entry = this.previous!.files[file];
      const kept = this.namesOfKept(entry.program);
      const alone = sourceFile !== undefined && entry.isolated && entry.modules === modulesHash(sourceFile) &&
        isolated(sourceFile, graph, kept.threads, kept.locks);
      this.source.set(file, alone ? 'alone' : 'program');
      if (!alone) continue;
      this.aloneTrees.set(file, { sourceFile, program: aloneProgram(sourceFile, this.previous!.programs[entry.program]) });
      // Out of threads, it takes no lock: lock-relevance.ts finds no function of it that can.
      edges.set(file, { edges: [] });
    }
    this.changed.clear();
  }

  /**
   * Whether the program of these files (one group of the workspace) must be built before the
   * analyses: a changed file's lock orders need it, or the name sets of a program that may have
   * changed (a file of it changed, was created or removed) must be compared with those kept.
   */
  needsProgram(group: readonly string[], edges: ReadonlyMap<string, LockOrders>): boolean {
    if (group.some(f => this.source.get(f) === 'program' && !edges.has(f))) return true;
    const kept = group.filter(f => this.source.get(f) !== 'program');
    if (kept.length === 0) return false;
    return kept.some(f => this.probed.has(this.previous!.files[f].program)) ||
      group.some(f => this.source.get(f) === 'program' && this.previous?.files[f]?.hash !== this.hashes.get(f));
  }

  /**
   * The program of the group is built. When its name sets are not those a kept result was judged
   * with, the result holds unless the file mentions a name that came or went: its relevance, and
   * what its rules read of the lock names, go through the names it mentions. Those that do are
   * analysed on the program, their lock orders read again; the others are judged with its sets from now on.
   */
  compareNames(group: readonly string[], program: ts.Program, edges: Map<string, LockOrders>): void {
    const now = this.programOf(program);
    for (const file of group) {
      const entry = this.previous?.files[file];
      if (!entry || this.source.get(file) === 'program') continue;
      const changed = this.changedNames(entry.program, now);
      const sourceFile = changed.size > 0 ? program.getSourceFile(file) : undefined;
      if (changed.size > 0 && (!sourceFile || mentionsAny(sourceFile, changed))) {
        this.source.set(file, 'program');
        this.aloneTrees.delete(file);
        edges.delete(file);
      } else {
        this.programFor.set(file, now);
      }
    }
  }

  /** The names in one of a kept program's sets and not in a new one's, or the reverse. */
  private changedNames(kept: number, now: number): ReadonlySet<string> {
    const key = `${kept} ${now}`;
    let changed = this.namesChanged.get(key);
    if (!changed) {
      const before = this.previous!.programs[kept];
      const after = this.programs[now];
      changed = new Set([...difference(before.threads, after.threads), ...difference(before.locks, after.locks)]);
      this.namesChanged.set(key, changed);
    }
    return changed;
  }

  /**
   * Once the lock orders are whole: an unchanged file's result holds when what its analysis read is
   * as it was, and the files its findings point into can still be read.
   */
  validate(graph: ThreadGraph, lockOrder: LockOrderGraph): void {
    for (const [file, source] of this.source) {
      if (source !== 'cache') continue;
      const entry = this.previous!.files[file];
      const holds = entry.referenced.every(f => this.textOf(f) !== undefined) &&
        dependencyHash({ file, ...entry }, graph, lockOrder, f => this.textHash(f)) === entry.deps;
      if (!holds) this.source.set(file, 'program');
    }
  }

  sourceOf(file: string): Source {
    return this.source.get(file) ?? 'program';
  }

  /** The tree and program of a file analysed alone. */
  aloneTree(file: string): Peer | undefined {
    return this.aloneTrees.get(file);
  }

  /** A kept result, carried into the new cache as it was. */
  reuse(file: string): ReusedFile {
    const entry = this.previous!.files[file];
    this.files[file] = { ...entry, program: this.programFor.get(file) ?? this.keepKept(entry.program) };
    const outside = new Map<string, string>();
    for (const f of entry.referenced) if (!this.hashes.has(f)) outside.set(f, this.textOf(f)!);
    return { file, text: withoutBom(this.texts.get(file)!), entry, outside };
  }

  /** Runs an analysis with a context that records what it reads of other files. */
  watch(context: CrossFileContext, analyse: (context: CrossFileContext) => FileAnalysis): { analysis: FileAnalysis; reads: Reads } {
    const reads: Reads = { asked: new Set(), peers: new Set() };
    const watched: CrossFileContext = {
      ...context,
      peer: file => {
        reads.peers.add(file);
        return context.peer(file);
      },
    };
    const analysis = context.graph.watching(file => reads.asked.add(file), () => analyse(watched));
    return { analysis, reads };
  }

  /**
   * Keeps a new result. Not one that may have been cut short by the time budget (it depends on the
   * machine), nor one pointing into a file the next run could not read.
   */
  record(file: string, parsed: Peer, done: { analysis: FileAnalysis; reads: Reads; orders?: LockOrders; timedOut: boolean },
    graph: ThreadGraph, lockOrder: LockOrderGraph): void {
    const { analysis, reads } = done;
    const hash = this.hashes.get(file);
    const referenced = referencedFiles(file, analysis.findings);
    if (done.timedOut || hash === undefined || referenced.some(f => this.textOf(f) === undefined)) return;
    const alone = this.source.get(file) === 'alone';
    const entry = this.previous?.files[file];
    const program = alone ? this.programFor.get(file) ?? this.keepKept(entry!.program) : this.programOf(parsed.program);
    const standsApart = alone ||
      isolated(parsed.sourceFile, graph, threadNames(parsed.program), lockRelevantNames(parsed.program));
    const asked = [...reads.asked].sort();
    const peers = [...reads.peers].sort();
    this.files[file] = {
      hash, program, isolated: standsApart, ...(standsApart && { modules: modulesHash(parsed.sourceFile) }),
      refs: [...graph.sitesIn(file)], edges: done.orders?.edges ?? [], ...(done.orders?.error !== undefined && { lockError: done.orders.error }),
      asked, peers, referenced, deps: dependencyHash({ file, asked, peers, referenced }, graph, lockOrder, f => this.textHash(f)),
      findings: analysis.findings, untyped: analysis.untyped ?? [], errors: analysis.errors,
    };
  }

  /** The cache to write: the entries of this run's files. */
  data(): CacheData {
    return { format: CACHE_FORMAT, key: this.key, programs: this.programs, files: this.files };
  }

  private programOf(program: ts.Program): number {
    let index = this.ofProgram.get(program);
    if (index === undefined) {
      index = this.keep({ options: bindingOptions(program.getCompilerOptions()), ...sortedNames(program) });
      this.ofProgram.set(program, index);
    }
    return index;
  }

  private namesOfKept(index: number): { threads: ReadonlySet<string>; locks: ReadonlySet<string> } {
    let sets = this.keptSets.get(index);
    if (!sets) {
      const kept = this.previous!.programs[index];
      this.keptSets.set(index, sets = { threads: new Set(kept.threads), locks: new Set(kept.locks) });
    }
    return sets;
  }

  private keepKept(index: number): number {
    let kept = this.ofKept.get(index);
    if (kept === undefined) this.ofKept.set(index, kept = this.keep(this.previous!.programs[index]));
    return kept;
  }

  private keep(program: CachedProgram): number {
    const key = JSON.stringify(program);
    let index = this.programIndex.get(key);
    if (index === undefined) {
      index = this.programs.push(program) - 1;
      this.programIndex.set(key, index);
    }
    return index;
  }

  private textHash(file: string): string | undefined {
    const checked = this.hashes.get(file);
    if (checked !== undefined) return checked;
    const text = this.textOf(file);
    return text === undefined ? undefined : contentHash(text);
  }

  /** A file's text as the report reads it: a checked file's, else the disk's. */
  private textOf(file: string): string | undefined {
    const checked = this.texts.get(file);
    if (checked !== undefined) return withoutBom(checked);
    if (!this.outside.has(file)) {
      const text = readText(file);
      this.outside.set(file, text === undefined ? undefined : withoutBom(text));
    }
    return this.outside.get(file);
  }
}

/**
 * A program of the file alone, its tree as its own program holds it: no import resolved, no library
 * read. Its options are those its tree was bound under in that program, which binds it too.
 */
function aloneProgram(sourceFile: ts.SourceFile, kept: CachedProgram): ts.Program {
  const options: ts.CompilerOptions = { ...kept.options, allowJs: true, noLib: true, noResolve: true, types: [], noEmit: true };
  const host = ts.createCompilerHost(options, true);
  host.getSourceFile = file => (file === sourceFile.fileName ? sourceFile : undefined);
  return ts.createProgram({ rootNames: [sourceFile.fileName], options, host });
}

/**
 * Neither taking part in threads nor lending a name to its program's sets, judged with those sets:
 * then (thread-relevance.ts) no rule runs on it, and the sets are what they would be without it.
 */
function isolated(file: ts.SourceFile, graph: ThreadGraph, threads: ReadonlySet<string>, locks: ReadonlySet<string>): boolean {
  return !touchesThreads(file, graph, threads, () => locks) && !lendsNames(file, threads) && !lendsNames(file, locks);
}

function sortedNames(program: ts.Program): Pick<CachedProgram, 'threads' | 'locks'> {
  return { threads: [...threadNames(program)].sort(), locks: [...lockRelevantNames(program)].sort() };
}

function difference(a: readonly string[], b: readonly string[]): string[] {
  const inA = new Set(a);
  const inB = new Set(b);
  return [...a.filter(n => !inB.has(n)), ...b.filter(n => !inA.has(n))];
}

/** The modules a file imports and the files it references: while they stay, its program holds the same files. */
function modulesHash(file: ts.SourceFile): string {
  const info = ts.preProcessFile(file.text, true, true);
  return contentHash(JSON.stringify([info.importedFiles, info.referencedFiles, info.typeReferenceDirectives, info.libReferenceDirectives]
    .map(list => list.map(r => r.fileName))));
}

function withoutExtension(file: string): string {
  return file.slice(0, file.length - path.extname(file).length);
}

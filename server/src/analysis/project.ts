/**
 * The whole-program context of the files being analysed: their programs (the workspace), which module
 * spawns which (the thread graph), and the order their functions take locks in (the lock-order graph).
 * A file's rules read the others through `context`. The CLI's check, the language server's session and
 * the tests all build it here, so a new whole-program pass has one home.
 */
import type { CrossFileContext, Peer } from './threads/cross-thread';
import { LockOrderGraph, type LockOrders, lockOrderEdges } from './locks/lock-order';
import type { ModuleFiles } from './threads/module-files';
import { ThreadGraph } from './threads/thread-graph';
import { Workspace, type WorkspaceOptions } from './program/workspace';

export interface ProjectOptions extends WorkspaceOptions {
  /** Module files as spawn sites resolve them (default: the disk). */
  files?: ModuleFiles;
  /**
   * Whether a file a rule asks about that is not in the project may be added to it: the editor's
   * spawner that nobody opened yet. Without it, the project is the files given to it.
   */
  mayAdd?: (file: string) => boolean;
}

export class Project {
  private current: Workspace;
  readonly graph: ThreadGraph;
  readonly lockOrder = new LockOrderGraph();
  /** What a file's analysis reads of the other files. */
  readonly context: CrossFileContext;

  constructor(private readonly options: ProjectOptions = {}) {
    this.current = new Workspace(options);
    this.graph = new ThreadGraph(options.files);
    this.context = { graph: this.graph, peer: file => this.peer(file), lockOrder: this.lockOrder };
  }

  get workspace(): Workspace {
    return this.current;
  }

  /** Every program built again on next use: the compiler options changed (a tsconfig.json was edited). */
  renewPrograms(): void {
    this.current = new Workspace(this.options);
  }

  /** A file's spawn sites, read from its tree in the project (none when it has none): the modules whose spawners changed. */
  readSpawns(file: string): Set<string> {
    const parsed = this.current.get(file);
    return parsed ? this.graph.update(parsed.sourceFile) : this.graph.remove(file);
  }

  /** A file's lock-order edges, read from its program but not yet fed to `lockOrder` (undefined when it has none). */
  lockOrdersOf(file: string): LockOrders | undefined {
    const parsed = this.current.get(file);
    return parsed && lockOrderEdges(parsed.sourceFile, parsed.program);
  }

  /** A file's lock orders, read and fed: the files whose inversions that changed, and what failed. */
  readLockOrders(file: string): { changed: Set<string>; error?: string } {
    const { edges, error } = this.lockOrdersOf(file) ?? { edges: [] };
    return { changed: this.lockOrder.update(file, edges), ...(error !== undefined && { error }) };
  }

  /** A file gone: its programs' trees, spawn sites and lock orders forgotten; the files whose context that changed. */
  remove(file: string): Set<string> {
    this.current.remove(file);
    return new Set([...this.graph.remove(file), ...this.lockOrder.remove(file)]);
  }

  private peer(file: string): Peer | undefined {
    if (!this.current.has(file)) {
      if (!this.options.mayAdd?.(file)) return undefined;
      this.current.add(file);
    }
    return this.current.get(file);
  }
}

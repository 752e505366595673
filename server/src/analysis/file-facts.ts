/**
 * Everything the rules may ask about one file, each fact computed on first use and kept for the
 * life of this object (one analysis of one version of the file).
 */
import { ts } from './ts';
import { LockModel, lockModelOf } from './locks/model';
import { ProvenanceAnalysis } from './memory/provenance';
import { References } from './syntax/references';
import { ModuleRole, Thread, moduleRole, threadAt } from './threads/threads';
import { Runtime, detectRuntime } from './threads/environment';
import type { Environment } from '../core/environment';
import { AtomicsCall, MemoryAccess, atomicsCalls, memoryAccesses } from './memory/memory-access';
import { LoopAnalysis } from './memory/loops';
import { SharingAnalysis } from './memory/sharing';
import { Crossing, crossingPoints } from './threads/boundaries';
import type { SpawnRef } from './threads/thread-graph';
import { CrossFileContext, CrossThreadValues } from './threads/cross-thread';
import type { LockOrderGraph } from './locks/lock-order';
import { DiskModuleFiles } from './threads/module-files';
import { SpawnSite, spawnSites } from './threads/spawns';
import { WorkerFate, workerFate } from './threads/joins';
import { Channel, messageChannels } from './threads/ports';
import { type CloneFinding, structuredCloneIssues } from './threads/structured-clone';

/** Spawn paths are resolved against the files on disk, as the thread graph resolves them. */
const DISK = new DiskModuleFiles();

export interface FileFactsOptions {
  environment: Environment;
  /** The thread graph and the other files: what this file's threads receive and who spawns them. */
  context?: CrossFileContext;
}

export class FileFacts {
  readonly checker: ts.TypeChecker;
  private readonly fates = new Map<ts.Node, WorkerFate>();
  private readonly clones = new Map<ts.Expression, readonly CloneFinding[]>();
  private cached: {
    refs?: References; provenance?: ProvenanceAnalysis; role?: ModuleRole; runtime?: Runtime;
    locks?: LockModel; accesses?: MemoryAccess[]; loops?: LoopAnalysis; sharing?: SharingAnalysis; atomics?: AtomicsCall[];
    boundaries?: Crossing[]; spawns?: SpawnSite[]; channels?: Channel[];
  } = {};

  constructor(readonly file: ts.SourceFile, readonly program: ts.Program, private readonly options: FileFactsOptions) {
    this.checker = program.getTypeChecker();
  }

  get text(): string {
    return this.file.text;
  }

  get refs(): References {
    return this.cached.refs ??= new References(this.file, this.checker);
  }

  get provenance(): ProvenanceAnalysis {
    if (!this.cached.provenance) {
      const context = this.options.context;
      // Values cross into this file when something spawns it, or when it spawns something that replies.
      const crossing = context && (this.spawners.length > 0 || context.graph.sitesIn(this.file.fileName).length > 0);
      const external = crossing ? new CrossThreadValues(this.checker, this.spawners, context) : undefined;
      this.cached.provenance = new ProvenanceAnalysis(this.checker, this.refs, external);
    }
    return this.cached.provenance;
  }

  get role(): ModuleRole {
    return this.cached.role ??= moduleRole(this.file, this.spawners.length > 0);
  }

  get runtime(): Runtime {
    return this.cached.runtime ??= detectRuntime(this.file, this.options.environment);
  }

  get locks(): LockModel {
    return this.cached.locks ??= lockModelOf(this.program, this.file);
  }

  get loops(): LoopAnalysis {
    return this.cached.loops ??= new LoopAnalysis(this);
  }

  get sharing(): SharingAnalysis {
    return this.cached.sharing ??= new SharingAnalysis(this);
  }

  /** Reads and writes of typed-array / DataView memory in this file, whatever the memory is. */
  get accesses(): readonly MemoryAccess[] {
    return this.cached.accesses ??= memoryAccesses(this.file);
  }

  get atomicsCalls(): readonly AtomicsCall[] {
    return this.cached.atomics ??= atomicsCalls(this.file);
  }

  /** Where this file hands values to other threads: messages, `workerData`, pool tasks (see boundaries.ts). */
  get boundaries(): readonly Crossing[] {
    return this.cached.boundaries ??= crossingPoints(this.file, this.program, node => this.threadAt(node));
  }

  /** This file's spawn sites, each with the module it starts (see spawns.ts). */
  get spawns(): readonly SpawnSite[] {
    return this.cached.spawns ??= spawnSites(this.file, DISK, name => this.refs.named(name));
  }

  /** What becomes of the worker a spawn site of this file starts: joined, detached, handed off; its errors handled (see joins.ts). */
  fateOf(spawn: ts.NewExpression | ts.CallExpression): WorkerFate {
    let fate = this.fates.get(spawn);
    if (!fate) this.fates.set(spawn, fate = workerFate(this, spawn));
    return fate;
  }

  /** What structured clone meets in a payload this file sends: the send rules each read it, once. */
  cloneIssues(payload: ts.Expression): readonly CloneFinding[] {
    let found = this.clones.get(payload);
    if (!found) this.clones.set(payload, found = structuredCloneIssues(payload, this.program));
    return found;
  }

  /** The message channels this file opens, and what becomes of each port (see ports.ts). */
  get channels(): readonly Channel[] {
    return this.cached.channels ??= messageChannels(this);
  }

  /** Spawn sites in other files that start this module. */
  get spawners(): readonly SpawnRef[] {
    return this.options.context?.graph.spawners(this.file.fileName) ?? [];
  }

  /** The workspace's lock orders, this file's current edges in, when the analysis was given them. */
  get lockOrder(): LockOrderGraph | undefined {
    return this.options.context?.lockOrder;
  }

  threadAt(node: ts.Node): Thread {
    return threadAt(node, this.role, this.checker, this.refs);
  }

  typeOf(node: ts.Node): ts.Type {
    return this.checker.getTypeAtLocation(node);
  }
}

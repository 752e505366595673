/**
 * The lock model of a file: which locks are held at a point, flow-sensitively over each function's
 * control-flow graph, and what every call does to them. Its parts, each with its own file:
 * - keys.ts: the names of locks (`this.mutex`, `cells[0]`), and what they resolve to across files;
 * - recognition.ts: which values are locks, blocking or in-thread;
 * - raw-locks.ts: the Atomics spin lock's take and release;
 * - call-events.ts: what each call takes or drops;
 * - summaries.ts: what a called function of the program does to its callers' locks;
 * - held.ts: the locks held at each point of a function, and where they were taken.
 */
import { ts } from '../ts';
import type { FunctionLike } from '../syntax/syntax';
import { lockRelevantNames } from './lock-relevance';
import { LOCK_METHODS } from './lock-vocabulary';
import { isPromiseLike } from '../syntax/types';
import { CallEvents } from './call-events';
import { type LockKey, type LockMethods, READ_SUFFIX } from './events';
import { HeldLocks } from './held';
import { LockKeys } from './keys';
import { RawLocks } from './raw-locks';
import { LockRecognition } from './recognition';
import { Summaries } from './summaries';

export class LockModel {
  readonly keys: LockKeys;
  readonly recognition: LockRecognition;
  readonly calls: CallEvents;
  readonly summaries: Summaries;
  readonly held: HeldLocks;
  /** For each typed lock seen, the method names it is taken and released with (`lock`/`unlock`…). */
  readonly methodsOf = new Map<LockKey, LockMethods>();
  private readonly checker: ts.TypeChecker;

  constructor(program: ts.Program) {
    const checker = this.checker = program.getTypeChecker();
    const relevant = (): ReadonlySet<string> => lockRelevantNames(program);
    this.keys = new LockKeys(checker);
    this.recognition = new LockRecognition(checker);
    const raw = new RawLocks(program, this.keys);
    // Summaries read functions' held sets, which read calls' events, which read summaries: the parts meet here.
    this.summaries = new Summaries(checker, this.keys, relevant, (fn: FunctionLike) => this.held.functionLocks(fn));
    this.calls = new CallEvents(checker, this.keys, this.recognition, raw, this.summaries, relevant, this.methodsOf);
    this.held = new HeldLocks(checker, this.keys, raw, this.calls, relevant);
  }

  /** How a typed lock that `key` names at `at` is taken and released (`lock`/`unlock`…, or `await lockAsync()`). */
  methodsAt(key: LockKey, at: ts.Node): LockMethods | undefined {
    const known = this.methodsOf.get(key);
    if (known) return known;
    const type = this.keys.resolveKey(key, at)?.type;
    if (!type || key.includes('[')) return undefined;
    for (const [name, m] of Object.entries(LOCK_METHODS)) {
      if (m.kind !== 'acquire' || (m.mode === 'read') !== key.endsWith(READ_SUFFIX)) continue;
      const acquire = this.checker.getPropertyOfType(type, name);
      const release = this.checker.getPropertyOfType(type, m.pair);
      const signature = acquire && this.checker.getTypeOfSymbolAtLocation(acquire, at).getCallSignatures()[0];
      if (signature && release && !isPromiseLike(signature.getReturnType(), this.checker)) return { acquire: name, release: m.pair };
    }
    return undefined;
  }
}

const models = new WeakMap<ts.Program, WeakMap<ts.SourceFile, LockModel>>();

/** The lock model of one file of a program, made once: the lock-order pass and the rules share it. */
export function lockModelOf(program: ts.Program, file: ts.SourceFile): LockModel {
  let byFile = models.get(program);
  if (!byFile) models.set(program, byFile = new WeakMap());
  let model = byFile.get(file);
  if (!model) byFile.set(file, model = new LockModel(program));
  return model;
}

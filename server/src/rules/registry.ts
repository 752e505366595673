/** Every rule, in catalog order. Adding a rule is adding its file and one line here. */
import type { RuleMeta } from '../core/rule-meta';
import { ENGINE_METAS } from '../core/engine-diagnostics';
import type { Rule, RuleSet } from '../engine/rule';
import { atomicsInvalidArray } from './atomics-invalid-array';
import { atomicsUnsharedMemory } from './atomics-unshared-memory';
import { blockingWaitOnMainThread } from './blocking-wait-on-main-thread';
import { busyWait } from './busy-wait';
import { portNotStarted } from './port-not-started';
import { sendLosesPrototype } from './send-loses-prototype';
import { sendNonCloneable } from './send-non-cloneable';
import { transferListMissingPort } from './transfer-list-missing-port';
import { transferSharedBuffer } from './transfer-shared-buffer';
import { unclosedPort } from './unclosed-port';
import { unhandledWorkerError } from './unhandled-worker-error';
import { unjoinedWorker } from './unjoined-worker';
import { unsynchronizedSharedRead } from './unsynchronized-shared-read';
import { unsynchronizedSharedWrite } from './unsynchronized-shared-write';
import { useAfterTransfer } from './use-after-transfer';
import { waitOutsideLoop } from './wait-outside-loop';
import { workerEntryNotFound } from './worker-entry-not-found';
import { workerPathCwdRelative } from './worker-path-cwd-relative';
import { awaitHoldingLock } from './await-holding-lock';
import { doubleLock } from './double-lock';
import { emptyCriticalSection } from './empty-critical-section';
import { guardedByViolation } from './guarded-by-violation';
import { lockNotReleased } from './lock-not-released';
import { lockOrderInversion } from './lock-order-inversion';
import { lockWithoutFinally } from './lock-without-finally';
import { preferAtomicOverLock } from './prefer-atomic-over-lock';
import { unlockWithoutLock } from './unlock-without-lock';

export const RULES: readonly Rule[] = [
  sendNonCloneable,
  sendLosesPrototype,
  useAfterTransfer,
  transferListMissingPort,
  transferSharedBuffer,
  unsynchronizedSharedWrite,
  unsynchronizedSharedRead,
  atomicsInvalidArray,
  atomicsUnsharedMemory,
  blockingWaitOnMainThread,
  busyWait,
  waitOutsideLoop,
  unjoinedWorker,
  unhandledWorkerError,
  unclosedPort,
  portNotStarted,
  workerPathCwdRelative,
  workerEntryNotFound,
  lockNotReleased,
  lockWithoutFinally,
  doubleLock,
  unlockWithoutLock,
  lockOrderInversion,
  awaitHoldingLock,
  guardedByViolation,
  preferAtomicOverLock,
  emptyCriticalSection,
];

/** Every id a finding may carry: the rules', then the engine's own. */
export const RULE_METAS: readonly RuleMeta[] = [...RULES.map(r => r.meta), ...ENGINE_METAS];

/** What the CLI, the language server and the tests hand the engine. */
export const RULE_SET: RuleSet = { rules: RULES, metas: RULE_METAS };

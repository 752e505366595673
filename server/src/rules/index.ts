/** Every rule, in catalog order. Adding a rule is adding its file and one line here. */
import type { RuleMeta } from './meta';
import type { Rule } from './rule';
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

/** Findings the engine makes itself rather than through a rule's check. */
export const ENGINE_METAS: readonly RuleMeta[] = [
  {
    id: 'unused-ignore',
    family: 'meta',
    defaultSeverity: 'hint',
    description: 'An ignore comment that suppresses nothing.',
  },
  {
    id: 'unknown-ignore-rule',
    family: 'meta',
    defaultSeverity: 'warning',
    description: 'An ignore comment naming a rule that does not exist (a typo): it suppresses nothing.',
  },
  {
    id: 'parse-error',
    family: 'meta',
    defaultSeverity: 'error',
    description: 'The file could not be parsed (or is not text), so it was not analysed.',
  },
  {
    id: 'analysis-budget-exceeded',
    family: 'meta',
    defaultSeverity: 'info',
    description: 'A file too costly to analyse (too slow, or nested too deeply) was analysed only in part, or not at all.',
  },
  {
    id: 'read-error',
    family: 'meta',
    defaultSeverity: 'error',
    description: 'A file or folder could not be read (permissions, removed during the run, a symbolic link loop); the run went on with the others.',
  },
  {
    id: 'internal-error',
    family: 'meta',
    defaultSeverity: 'error',
    description: 'Fearless itself failed on the file, which was not analysed; the run went on with the others.',
  },
];

export const RULE_METAS: readonly RuleMeta[] = [...RULES.map(r => r.meta), ...ENGINE_METAS];

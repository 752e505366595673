/** Every rule, in catalog order. Adding a rule is adding its file and one line here. */
import type { RuleMeta } from './meta';
import type { Rule } from './rule';
import { atomicsInvalidArray } from './atomics-invalid-array';
import { atomicsUnsharedMemory } from './atomics-unshared-memory';
import { blockingWaitOnMainThread } from './blocking-wait-on-main-thread';
import { busyWait } from './busy-wait';
import { sendLosesPrototype } from './send-loses-prototype';
import { sendNonCloneable } from './send-non-cloneable';
import { transferListMissingPort } from './transfer-list-missing-port';
import { transferSharedBuffer } from './transfer-shared-buffer';
import { unsynchronizedSharedRead } from './unsynchronized-shared-read';
import { unsynchronizedSharedWrite } from './unsynchronized-shared-write';
import { useAfterTransfer } from './use-after-transfer';
import { waitOutsideLoop } from './wait-outside-loop';

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
    id: 'parse-error',
    family: 'meta',
    defaultSeverity: 'error',
    description: 'The file could not be parsed (or is not text), so it was not analysed.',
  },
];

export const RULE_METAS: readonly RuleMeta[] = [...RULES.map(r => r.meta), ...ENGINE_METAS];

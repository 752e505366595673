/**
 * The findings the engine makes itself rather than through a rule's check: their ids, which the
 * engine, the adapters and the configuration share, and their metadata beside the rules'.
 */
import type { RuleMeta } from './rule-meta';

export const UNUSED_IGNORE = 'unused-ignore';
export const UNKNOWN_IGNORE_RULE = 'unknown-ignore-rule';
export const PARSE_ERROR = 'parse-error';
export const BUDGET_EXCEEDED = 'analysis-budget-exceeded';
export const READ_ERROR = 'read-error';
export const INTERNAL_ERROR = 'internal-error';

/** Findings the engine makes itself rather than through a rule's check. */
export const ENGINE_METAS: readonly RuleMeta[] = [
  {
    id: UNUSED_IGNORE,
    family: 'meta',
    defaultSeverity: 'hint',
    description: 'An ignore comment that suppresses nothing.',
  },
  {
    id: UNKNOWN_IGNORE_RULE,
    family: 'meta',
    defaultSeverity: 'warning',
    description: 'An ignore comment naming a rule that does not exist (a typo): it suppresses nothing.',
  },
  {
    id: PARSE_ERROR,
    family: 'meta',
    defaultSeverity: 'error',
    description: 'The file could not be parsed (or is not text), so it was not analysed.',
  },
  {
    id: BUDGET_EXCEEDED,
    family: 'meta',
    defaultSeverity: 'info',
    description: 'A file too costly to analyse (too slow, or nested too deeply) was analysed only in part, or not at all.',
  },
  {
    id: READ_ERROR,
    family: 'meta',
    defaultSeverity: 'error',
    description: 'A file or folder could not be read (permissions, removed during the run, a symbolic link loop); the run went on with the others.',
  },
  {
    id: INTERNAL_ERROR,
    family: 'meta',
    defaultSeverity: 'error',
    description: 'Fearless itself failed on the file, which was not analysed; the run went on with the others.',
  },
];

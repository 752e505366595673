import { homepage } from '../../../package.json';
import type { Severity } from './finding';

/** The thread APIs a rule may know only by their declared types (see analysis/untyped-apis.ts). */
export type TypedApi = 'threads' | 'pools' | 'locks';

export type RuleFamily = 'sync' | 'send' | 'join' | 'locks' | 'meta';

/** What every adapter needs to know about a rule without running it. */
export interface RuleMeta {
  id: string;
  family: RuleFamily;
  defaultSeverity: Severity;
  /** One line, for the README table, SARIF `shortDescription` and hovers. */
  description: string;
  /** The APIs this rule knows by their declared types: where those are missing, it cannot see their uses. */
  typedApis?: readonly TypedApi[];
}

/** The project's page, as package.json declares it: every link Fearless prints starts with it. */
export const HOMEPAGE = homepage;

/** A rule's page in the repository (the package ships the same pages under docs/rules/). */
export function ruleDocUrl(id: string): string {
  return `${HOMEPAGE}/blob/main/docs/rules/${id}.md`;
}

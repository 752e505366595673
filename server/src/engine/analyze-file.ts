/**
 * One file through the rules: parse check, rule checks, the user's severities, then suppressions.
 * A rule that throws loses its findings for this file, never the others'; the error is returned so
 * that the adapter can say so. A file that costs too much (time, or depth: see budget.ts) is
 * analysed in part, or not at all, and says so in one finding.
 */
import { performance } from 'node:perf_hooks';
import { ts } from '../analysis/ts';
import { mayTouchThreads } from '../analysis/threads/thread-relevance';
import type { FearlessConfig } from '../config/config-file';
import type { Finding, Severity } from '../core/finding';
import { DEFAULT_FILE_BUDGET_MS, budgetFinding, isStackOverflow, refusalOf } from '../analysis/program/budget';
import { FileFacts } from '../analysis/file-facts';
import { applySuppressions } from './suppressions';
import { parseSuppressions } from './ignore-comments';
import type { Report, RuleSet } from './rule';
import type { RuleMeta } from '../core/rule-meta';
import type { CrossFileContext } from '../analysis/threads/cross-thread';
import { errorText } from '../core/error-text';
import { flowOf } from '../analysis/program/flow';
import { type UntypedUse, untypedUses } from '../analysis/threads/untyped-apis';
import { BUDGET_EXCEEDED, PARSE_ERROR } from '../core/engine-diagnostics';

export interface FileAnalysis {
  findings: Finding[];
  /** Uses of thread APIs without types, and the enabled rules that cannot check them for it. */
  untyped?: UntypedApiUse[];
  /** The facts the rules used, for the editor's hover and lens on this same version (none for an unreadable file). */
  facts?: FileFacts;
  /** Internal failures (a rule crashed): for logs, not for the user's problem list. */
  errors: string[];
}

export interface UntypedApiUse extends UntypedUse {
  file: string;
  rules: string[];
}

export interface AnalyzeOptions {
  /** Milliseconds this file's rules may take, checked between rules (`Infinity`: no limit). */
  budgetMs?: number;
}

/** The ids a set of rules knows, and their default severities: read once per set. */
const catalogs = new WeakMap<RuleSet, { known: ReadonlySet<string>; defaults: ReadonlyMap<string, Severity> }>();

function catalogOf(set: RuleSet): { known: ReadonlySet<string>; defaults: ReadonlyMap<string, Severity> } {
  let catalog = catalogs.get(set);
  if (!catalog) {
    catalog = { known: new Set(set.metas.map(m => m.id)), defaults: new Map(set.metas.map(m => [m.id, m.defaultSeverity])) };
    catalogs.set(set, catalog);
  }
  return catalog;
}

/** `set`'s rules on one file of `program`, under `config`; `context` is what the file reads of the others (see Project). */
export function analyzeFile(
  file: ts.SourceFile, program: ts.Program, set: RuleSet, config: FearlessConfig, context?: CrossFileContext, options: AnalyzeOptions = {},
): FileAnalysis {
  const budget = (message: string): Finding[] => {
    const configured = config.rules[BUDGET_EXCEEDED];
    if (configured === 'off') return [];
    return [{ ...budgetFinding(file.fileName, message), severity: configured ?? 'info' }];
  };
  const refusal = refusalOf(file);
  if (refusal) return { findings: budget(`Fearless did not analyse this file: ${refusal}.`), errors: [] };
  let facts: FileFacts;
  try {
    const unreadable = parseProblem(file, program);
    if (unreadable) return { findings: [unreadable], errors: [] };
    facts = new FileFacts(file, program, { environment: config.environment, context });
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    return { findings: budget('Fearless did not analyse this file: the TypeScript compiler ran out of stack on it.'), errors: [] };
  }
  // Counted from here: building the project and its type checker is shared by every file, not this one's cost.
  const budgetMs = options.budgetMs ?? DEFAULT_FILE_BUDGET_MS;
  const deadline = performance.now() + budgetMs;
  const skipped: string[] = [];
  const overflowed: string[] = [];
  const findings: Finding[] = [];
  const errors: string[] = [];
  const enabled = new Set<string>();
  // A file that names nothing of threads, shared memory, ports or locks has nothing for the rules to find.
  const rules = mayTouchThreads(file, program, context) ? set.rules : [];
  for (const rule of rules) {
    const configured = config.rules[rule.meta.id];
    if (configured === 'off') continue;
    enabled.add(rule.meta.id);
    if (performance.now() > deadline) {
      skipped.push(rule.meta.id);
      continue;
    }
    const report = (r: Report): void => {
      const span = 'kind' in r.at
        ? { start: (r.at as ts.Node).getStart(file), end: (r.at as ts.Node).end }
        : r.at as { start: number; end: number };
      findings.push({
        rule: rule.meta.id,
        severity: (configured as Severity | undefined) ?? r.severity ?? rule.meta.defaultSeverity,
        span: { file: file.fileName, ...span },
        message: r.message,
        related: r.related ?? [],
        fixes: r.fixes ?? [],
      });
    };
    try {
      rule.check({ facts, report });
    } catch (e) {
      if (isStackOverflow(e)) overflowed.push(rule.meta.id);
      else errors.push(`${rule.meta.id} failed on ${file.fileName}: ${errorText(e)}`);
    }
  }
  const cutOff = [
    ...(skipped.length > 0 ? [`its rules took more than ${budgetMs} ms, so ${skipped.join(', ')} did not run`] : []),
    ...(overflowed.length > 0 ? [`${overflowed.join(', ')} ran out of stack on how deeply it nests`] : []),
  ];
  // Left out of `enabled`: an ignore comment for it is never reported unused, since whether a file
  // runs out of time depends on the machine.
  if (cutOff.length > 0) findings.push(...budget(`Fearless analysed this file only in part: ${cutOff.join('; ')}.`));
  const kept = applySuppressions(file.text, findings, parseSuppressions(file.text, file.fileName), {
    file: file.fileName, knownRules: catalogOf(set).known, enabledRules: enabled, severityOf: id => config.rules[id] ?? catalogOf(set).defaults.get(id)!,
  });
  const untyped = blindRules(file, program, rules.filter(r => enabled.has(r.meta.id)));
  return { findings: kept.sort((a, b) => a.span.start - b.span.start), errors, facts, ...(untyped.length > 0 && { untyped }) };
}

/** The uses of thread APIs in `file` that some of `rules` cannot check, having no types for them. */
function blindRules(file: ts.SourceFile, program: ts.Program, rules: readonly { meta: RuleMeta }[]): UntypedApiUse[] {
  if (!rules.some(r => r.meta.typedApis)) return [];
  return untypedUses(file, program).flatMap(use => {
    const blind = rules.filter(r => r.meta.typedApis?.includes(use.api)).map(r => r.meta.id);
    return blind.length > 0 ? [{ ...use, file: file.fileName, rules: blind }] : [];
  });
}

/**
 * TypeScript's complaints about type syntax in a JavaScript file ("… can only be used in TypeScript
 * files": Flow's annotations and `?T`, `import type`, type aliases, `declare`…). They come from a
 * walk over a complete tree, the one the same text gets in a `.ts` file, so the file is analysed.
 */
const TYPES_IN_JAVASCRIPT = new Set([8002, 8003, 8004, 8005, 8006, 8008, 8009, 8010, 8011, 8012, 8013, 8016, 8017, 8037]);

/**
 * A file that is not text, or does not parse, gets one finding and no analysis (recovered trees
 * mislead). A Flow file TypeScript cannot parse is read with its types blanked out (see flow.ts);
 * when Flow's own parser could not read it either, its complaint is the one reported: TypeScript's
 * first may be about valid Flow syntax before the real mistake.
 */
function parseProblem(file: ts.SourceFile, program: ts.Program): Finding | undefined {
  const nul = file.text.indexOf('\0');
  if (nul >= 0) {
    return parseError(file, 0, 0, 'This file is not text (it contains NUL bytes); it was not analysed.');
  }
  const diag = program.getSyntacticDiagnostics(file).find(d => !TYPES_IN_JAVASCRIPT.has(d.code));
  if (!diag) return undefined;
  const flow = flowOf(file);
  if (flow?.error) return parseError(file, flow.error.start, flow.error.start, `Parsing error: ${flow.error.message}. The file was not analysed.`);
  const start = diag.start ?? 0;
  const flowNote = flow
    ? ' This is Flow (`@flow`) that TypeScript cannot read even with its types removed.'
    : '';
  const text = ts.flattenDiagnosticMessageText(diag.messageText, ' ').replace(/\.$/, '');
  return parseError(file, start, start + (diag.length ?? 0), `Parsing error: ${text}.${flowNote} The file was not analysed.`);
}

function parseError(file: ts.SourceFile, start: number, end: number, message: string): Finding {
  return { rule: PARSE_ERROR, severity: 'error', span: { file: file.fileName, start, end }, message, related: [], fixes: [] };
}

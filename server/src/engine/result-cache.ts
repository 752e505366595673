/**
 * What `fearless check --cache` keeps of a run, and whether a kept result of a file still holds. A
 * result is reused when the run's key (the Fearless version, the effective configuration, the options
 * that change findings, the project files that shape the programs) and the file's text are as they
 * were, and so is everything its analysis read of other files: the thread graph's answers about the
 * files it asked about, the texts of the peers whose trees it read and of the files its findings
 * point into, and the lock-order inversions of its edges. Not the modules it imports: like ESLint's
 * cache with typed linting, a type changed in an imported module is seen when the file itself, or one
 * of those, changes. Paths are absolute, as the engine's are: a cache is worth nothing in another folder.
 *
 * The other half of a run's facts are its programs' name sets (thread-relevance.ts): a changed file
 * that takes no part in threads and lends them no name is analysed without its program (see reuse.ts).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import type { UntypedApiUse } from './analyze-file';
import type { Finding } from '../core/finding';
import { readText } from '../analysis/program/files';
import type { LockOrderEdge, LockOrderGraph } from '../analysis/locks/lock-order';
import type { SpawnRef, ThreadGraph } from '../analysis/threads/thread-graph';
import type { ts } from '../analysis/ts';

/** Changed whenever what is stored changes shape or meaning: an older file is then ignored. */
export const CACHE_FORMAT = 1;

/** A program of the run that wrote the cache, as far as its files' relevance depends on it. */
export interface CachedProgram {
  /** The compiler options its files were bound under (see BINDING_OPTIONS). */
  options: ts.CompilerOptions;
  /** Its name sets, sorted: `threadNames` and `lockRelevantNames` (thread-relevance.ts, lock-relevance.ts). */
  threads: string[];
  locks: string[];
}

export interface CachedFile {
  /** Of the file's text. */
  hash: string;
  /** Index into `CacheData.programs`. */
  program: number;
  /** Took no part in threads and lent no name to its program's sets: what it reported came from its syntax alone. */
  isolated: boolean;
  /** Of its imports and references (isolated files): while they stay, so do its program's files. */
  modules?: string;
  refs: SpawnRef[];
  edges: LockOrderEdge[];
  /** Why its lock orders could not be read, as the run reported it. */
  lockError?: string;
  /** Files the thread graph was asked about, peers whose trees were read, files its findings point into. */
  asked: string[];
  peers: string[];
  referenced: string[];
  /** Of what the analysis read of those, and of its inversions (see `dependencyHash`). */
  deps: string;
  findings: Finding[];
  untyped: UntypedApiUse[];
  errors: string[];
}

export interface CacheData {
  format: number;
  key: string;
  programs: CachedProgram[];
  files: Record<string, CachedFile>;
}

/** The options TypeScript's binder reads: a file analysed alone is bound as its program would bind it. */
const BINDING_OPTIONS = [
  'target', 'module', 'moduleResolution', 'moduleDetection', 'jsx', 'strict', 'alwaysStrict', 'preserveConstEnums', 'isolatedModules',
  'verbatimModuleSyntax', 'allowUnreachableCode', 'allowUnusedLabels',
] as const;

export function bindingOptions(options: ts.CompilerOptions): ts.CompilerOptions {
  const out: ts.CompilerOptions = {};
  for (const name of BINDING_OPTIONS) if (options[name] !== undefined) out[name] = options[name] as never;
  return out;
}

export function contentHash(text: string): string {
  return crypto.createHash('sha1').update(text).digest('hex');
}

/** The run's key: results made under another key are not reused. */
export function runKey(parts: { version: string; config: unknown; budgetMs?: number; includeGenerated?: boolean; files: readonly string[] }): string {
  return contentHash(JSON.stringify([CACHE_FORMAT, parts.version, parts.config, parts.budgetMs ?? null, parts.includeGenerated === true,
    projectFiles(parts.files)]));
}

/**
 * The `tsconfig.json`, `jsconfig.json` and `package.json` files above the files checked, with their
 * texts: they decide which program holds a file and how it is compiled. Not the files a config
 * extends, nor what is installed in `node_modules`.
 */
function projectFiles(files: readonly string[]): [string, string][] {
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (const file of files) {
    for (let dir = path.dirname(file); !seen.has(dir); dir = path.dirname(dir)) {
      seen.add(dir);
      for (const name of ['tsconfig.json', 'jsconfig.json', 'package.json']) {
        const config = path.join(dir, name);
        const text = readText(config);
        if (text !== undefined) out.push([config, contentHash(text)]);
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** The cache as read, when it holds under `key`; anything else (another version, config, a damaged file) is none. */
export function cacheUnder(read: unknown, key: string): CacheData | undefined {
  if (!isObject(read) || read.format !== CACHE_FORMAT || read.key !== key || !Array.isArray(read.programs) || !isObject(read.files)) return undefined;
  const programs = read.programs as unknown[];
  if (!programs.every(p => isObject(p) && isObject(p.options) && isStrings(p.threads) && isStrings(p.locks))) return undefined;
  const files: Record<string, CachedFile> = {};
  for (const [file, entry] of Object.entries(read.files)) {
    if (isEntry(entry, programs.length)) files[file] = entry;
  }
  return { format: CACHE_FORMAT, key, programs: programs as CachedProgram[], files };
}

/** Enough of an entry's shape for the run to use it without failing; an entry written by this code has it. */
function isEntry(entry: unknown, programs: number): entry is CachedFile {
  return isObject(entry) && typeof entry.hash === 'string' && typeof entry.deps === 'string' && typeof entry.isolated === 'boolean' &&
    Number.isInteger(entry.program) && (entry.program as number) >= 0 && (entry.program as number) < programs &&
    (entry.modules === undefined || typeof entry.modules === 'string') && (entry.lockError === undefined || typeof entry.lockError === 'string') &&
    [entry.refs, entry.edges, entry.findings, entry.untyped].every(Array.isArray) &&
    isStrings(entry.asked) && isStrings(entry.peers) && isStrings(entry.referenced) && isStrings(entry.errors);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string');
}

/** What one file's analysis read beyond its own text. */
export interface Dependencies {
  file: string;
  asked: readonly string[];
  peers: readonly string[];
  referenced: readonly string[];
}

/**
 * A hash of the answers an analysis got: the spawners and spawn sites of each file it asked the graph
 * about (the set of spawners, where they are and what they send), the text of each peer (none when it
 * is not checked) and of each file its findings point into, and the inversions its edges close with
 * other files' edges. Computed again from this run's graph and texts, it says whether the result holds.
 */
export function dependencyHash(
  deps: Dependencies, graph: ThreadGraph, lockOrder: LockOrderGraph, textHash: (file: string) => string | undefined,
): string {
  return contentHash(JSON.stringify([
    deps.asked.map(f => [f, graph.spawners(f), graph.sitesIn(f)]),
    deps.peers.map(f => [f, textHash(f) ?? null]),
    deps.referenced.map(f => [f, textHash(f) ?? null]),
    lockOrder.inversionsIn(deps.file),
  ]));
}

/** The files, other than `file`, that its findings point into (related places, fix edits). */
export function referencedFiles(file: string, findings: readonly Finding[]): string[] {
  const out = new Set<string>();
  for (const f of findings) for (const span of [...f.related.map(r => r.span), ...f.fixes.flatMap(x => x.edits)]) out.add(span.file);
  out.delete(file);
  return [...out].sort();
}

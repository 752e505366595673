/** The thread facts of a point of the code (engine `Explanation`s) as hover markdown. */
import path from 'node:path';
import type { MarkupContent } from 'vscode-languageserver/node';
import type {
  Explanation, LockFacts, MemoryUse, MessageHandlerFacts, SharedMemoryFacts, SpawnFacts, WorkerModuleFacts,
} from '../views/explain';
import type { Span } from '../core/finding';
import type { SpawnRef } from '../analysis/threads/thread-graph';
import type { Locator } from './convert';
import { placeLabel } from './labels';

const ORIGIN_TEXT = {
  allocation: 'allocated at',
  parameter: 'comes in through the parameter at',
  type: 'shared by its declared type at',
  annotation: 'declared `@shared` at',
  other: 'comes into this file at',
} as const;

export function hoverMarkdown(e: Explanation, at: Locator): MarkupContent {
  const lines = e.kind === 'shared-memory' ? sharedMemory(e, at)
    : e.kind === 'spawn' ? spawn(e, at)
    : e.kind === 'lock' ? lock(e, at)
    : e.kind === 'message-handler' ? messageHandler(e)
    : workerModule(e);
  return { kind: 'markdown', value: lines.join('\n') };
}

function sharedMemory(e: SharedMemoryFacts, at: Locator): string[] {
  const out = [`**Shared memory** \`${e.name}\``, ''];
  for (const o of e.origins) out.push(`- ${ORIGIN_TEXT[o.kind]} ${place(o.span, at)}`);
  const byThread = new Map<string, MemoryUse[]>();
  for (const u of e.uses) byThread.set(u.thread, [...(byThread.get(u.thread) ?? []), u]);
  for (const [thread, uses] of byThread) {
    const label = thread === 'unknown' ? 'on a thread this file does not decide' : `on the ${thread} thread`;
    out.push(`- ${label}: ${touches(uses, at)}`);
  }
  if (e.uses.length === 0) out.push('- not read or written in this file');
  if (e.spawners.length > 0) out.push(`- the other side: ${spawnedBy(e.spawners)}`);
  return out;
}

/** `2 atomic (lines 40, 52), 1 plain write (line 65), 1 under lock m (line 70)` */
function touches(uses: readonly MemoryUse[], at: Locator): string {
  const groups = new Map<string, number[]>();
  for (const u of uses) {
    const how = u.how === 'locked' ? `under lock \`${u.lock}\`` : u.how;
    groups.set(how, [...(groups.get(how) ?? []), lineOf(u.span, at)]);
  }
  return [...groups].map(([how, lines]) => `${lines.length} ${how} (${lineList(lines)})`).join(', ');
}

/** `line 7`, `lines 4, 5`, `lines 1, 2, 3, 4, 5, …` */
function lineList(lines: readonly number[]): string {
  return `line${lines.length > 1 ? 's' : ''} ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', …' : ''}`;
}

function spawn(e: SpawnFacts, at: Locator): string[] {
  const out = [`**Worker spawn**${e.target ? ` → \`${path.basename(e.target)}\`` : ''}`, ''];
  if (!e.target) out.push('- runs a module this file does not pin down (a path resolved against the working directory, or computed)');
  if (e.sends.length > 0) out.push(`- sends \`workerData\`: ${e.sends.map(k => `\`${k}\``).join(', ')}`);
  out.push(`- ${joinText(e, span => place(span, at))}`);
  return out;
}

/** What becomes of a spawned worker, with `label` naming the place (plain for a lens, code for a hover). */
export function joinText(e: SpawnFacts, label: (span: Span) => string): string {
  const where = e.join.span ? ` at ${label(e.join.span)}` : '';
  switch (e.join.kind) {
    case 'joined': return `joined${where}`;
    case 'detached': return `detached (unref)${where}`;
    case 'handed-off': return `handed off${where}: joined elsewhere, if at all`;
    default: return 'never joined';
  }
}

function lock(e: LockFacts, at: Locator): string[] {
  const out = [`**Lock** \`${e.key}\``, ''];
  const taken = e.acquired.map(span => lineOf(span, at));
  const guarded = e.guarded.map(u => lineOf(u.span, at));
  out.push(taken.length > 0 ? `- taken in this file on ${lineList(taken)}` : '- not taken in this file');
  out.push(guarded.length > 0
    ? `- guards ${guarded.length} shared-memory access${guarded.length > 1 ? 'es' : ''} (${lineList(guarded)})`
    : '- no shared-memory access is made with it held in this file');
  return out;
}

function messageHandler(e: MessageHandlerFacts): string[] {
  if (e.from === 'worker') {
    return ['**Message handler**', '', `- receives what ${e.target ? `\`${path.basename(e.target)}\`` : 'the worker'} posts (structured clones: functions and class prototypes do not survive)`];
  }
  return ['**Message handler**', '', e.spawners.length > 0
    ? `- receives what the spawner posts: ${spawnedBy(e.spawners)}`
    : '- receives what the spawner posts; no spawn site of this module was found in the workspace'];
}

function workerModule(e: WorkerModuleFacts): string[] {
  if (e.spawners.length === 0) return [`**Worker module** (\`${e.name}\`)`, '', '- no spawn site of this module was found in the workspace'];
  const sends = [...new Set(e.spawners.flatMap(s => s.sends))];
  return [
    `**Worker module** (\`${e.name}\`)`,
    '',
    `- ${spawnedBy(e.spawners)}`,
    ...(sends.length > 0 ? [`- \`workerData\` holds: ${sends.map(k => `\`${k}\``).join(', ')}`] : []),
  ];
}

export function spawnedBy(spawners: readonly SpawnRef[]): string {
  return `spawned by ${spawners.map(s => placeLabel(s.file, s.line)).join(', ')}`;
}

function lineOf(span: { file: string; start: number }, at: Locator): number {
  return at.position(span.file, span.start).line + 1;
}

function place(span: { file: string; start: number }, at: Locator): string {
  return `\`${placeLabel(span.file, at.position(span.file, span.start).line)}\``;
}

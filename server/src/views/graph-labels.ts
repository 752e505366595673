/**
 * The thread map as a labelled graph: the one description behind every picture of it (Mermaid,
 * DOT, the editor's SVG), so they all say the same thing in the same words. Labels are plain lines
 * of text, none holding a line break; each format only escapes them and joins them its own way.
 * Pure (no Node API): the VS Code client bundles it too.
 */
import type { MapSpawn, ThreadMap } from './thread-map';
import type { Thread } from '../analysis/threads/threads';

export type NodeStyle = Thread | 'buffer';

export interface GraphNode {
  /** An identifier that every format accepts unquoted (`m0`, `b2`). */
  key: string;
  kind: 'module' | 'buffer';
  /** The module or buffer id in the map. */
  id: string;
  style: NodeStyle;
  lines: string[];
}

export interface GraphEdge {
  /** Node keys. */
  from: string;
  to: string;
  /** `spawn`: a module starts a worker; `touch`: a module reads or writes a buffer. */
  kind: 'spawn' | 'touch';
  lines: string[];
  /** A write without Atomics or a lock: where data races come from, so every picture sets it apart. */
  plainWrite: boolean;
}

export interface LabelledGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** One palette for every picture: fills light enough for dark text in light and dark themes alike. */
export const PALETTE: Record<NodeStyle, { fill: string; stroke: string }> = {
  main: { fill: '#dbeafe', stroke: '#2563eb' },
  worker: { fill: '#dcfce7', stroke: '#16a34a' },
  unknown: { fill: '#f3f4f6', stroke: '#6b7280' },
  buffer: { fill: '#fef3c7', stroke: '#d97706' },
};
export const PLAIN_WRITE_COLOR = '#dc2626';
export const TEXT_COLOR = '#111827';

const ROLE: Record<Thread, string> = { main: 'main thread', worker: 'worker thread', unknown: 'thread unknown' };
const JOIN: Record<MapSpawn['join'], string> = {
  'joined': 'joined',
  'detached': 'detached (unref)',
  'never': 'never joined',
  'handed-off': 'handed off',
};
/** Keeps a spawn's label about as wide as the module boxes it joins. */
const SENDS_WIDTH = 40;

export function labelledGraph(map: ThreadMap): LabelledGraph {
  const keys = new Map<string, string>();
  const nodes: GraphNode[] = [];
  map.modules.forEach((m, i) => {
    keys.set(m.id, `m${i}`);
    nodes.push({ key: `m${i}`, kind: 'module', id: m.id, style: m.role, lines: [...textLines(m.id), m.missing ? 'not found' : ROLE[m.role]] });
  });
  map.buffers.forEach((b, i) => {
    keys.set(b.id, `b${i}`);
    nodes.push({ key: `b${i}`, kind: 'buffer', id: b.id, style: 'buffer', lines: [...textLines(b.name ?? 'shared buffer'), ...textLines(b.id)] });
  });
  const key = (id: string): string => keys.get(id) ?? fail(`the thread map names ${JSON.stringify(id)} but has no such module or buffer`);
  const edges: GraphEdge[] = [
    ...map.spawns.map((s): GraphEdge => ({
      from: key(s.from), to: key(s.to), kind: 'spawn', lines: [...sendsLines(s.sends), JOIN[s.join]], plainWrite: false,
    })),
    ...map.buffers.flatMap(b => b.users.map((u): GraphEdge => ({
      from: key(u.module), to: key(b.id), kind: 'touch', lines: [u.touches.join(', ')], plainWrite: u.touches.includes('plain write'),
    }))),
  ];
  return { nodes, edges };
}

/** `workerData: a, b, c` wrapped at word boundaries. */
function sendsLines(sends: readonly string[]): string[] {
  if (sends.length === 0) return [];
  const lines: string[] = [];
  let line = 'workerData:';
  for (const [i, name] of sends.entries()) {
    const word = `${name}${i < sends.length - 1 ? ',' : ''}`;
    if (line.length + 1 + word.length > SENDS_WIDTH && line !== 'workerData:') {
      lines.push(line);
      line = word;
    } else {
      line = `${line} ${word}`;
    }
  }
  return [...lines, line].flatMap(textLines);
}

/** A name may hold a line break (a file name can): it becomes a line of its own. */
function textLines(text: string): string[] {
  return text.split(/\r\n|\r|\n|\u2028|\u2029/);
}

function fail(message: string): never {
  throw new Error(message);
}

/**
 * The thread map as an SVG picture, drawn here rather than by a layout library so that the webview
 * loads nothing from anywhere. Pure (ThreadMap in, SVG text out) and deterministic.
 *
 * The layout is layered, one block per connected part of the program: modules stand in columns by
 * spawn depth (spawners left of what they spawn) along the top of the block, spawn arrows between
 * them; each shared buffer hangs below, in the gap after the leftmost module that touches it, so it
 * sits between the modules that share it, with a line to each of them labelled with how it touches
 * the buffer. A plain write is a red dashed line.
 */
import type { ThreadMap } from '../../../server/src/views/thread-map';
import {
  GraphEdge, GraphNode, LabelledGraph, PALETTE, PLAIN_WRITE_COLOR, TEXT_COLOR, labelledGraph,
} from '../../../server/src/views/graph-labels';

const FONT = { size: 12, char: 7.2, line: 16 };
const EDGE_FONT = { size: 11, char: 6.6, line: 14 };
const PAD = { x: 12, y: 8 };
const MIN_NODE_WIDTH = 120;
/** Height of a buffer's rim ellipse: what makes the box read as a cylinder. */
const RIM = 6;
const GAP = { column: 36, row: 18, band: 48, block: 48, label: 6, margin: 16 };
/** Room above a block for arcs of spawns that go back or to the module itself. */
const ARC_HEIGHT = 56;
/** Half the width of a spawn's loop back to its own module. */
const SELF_LOOP = 20;
const LEGEND_HEIGHT = 28;
const EDGE_COLOR = '#4b5563';

/** Styles for the webview: the theme's colours where the picture has no meaning of its own. */
export const THREAD_MAP_CSS = `
.thread-map { font-family: var(--vscode-editor-font-family, monospace); }
.thread-map .node { cursor: pointer; }
.thread-map .node:hover .shape, .thread-map .node:focus-visible .shape { stroke-width: 3; }
.thread-map .node:focus { outline: none; }
.thread-map .edge:not(.plain-write) path, .thread-map .legend path:not(.plain-write) { stroke: var(--vscode-editor-foreground, ${EDGE_COLOR}); }
.thread-map .edge:not(.plain-write) text, .thread-map .legend text:not(.plain-write) { fill: var(--vscode-editor-foreground, ${EDGE_COLOR}); }
.thread-map .label-bg { fill: var(--vscode-editor-background, #ffffff); }
.thread-map .arrow-head { fill: var(--vscode-editor-foreground, ${EDGE_COLOR}); }
`;

interface Box {
  node: GraphNode;
  column: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

type Side = 'left' | 'right';

export function renderThreadMap(map: ThreadMap): string {
  const graph = labelledGraph(map);
  if (graph.nodes.length === 0) {
    const message = 'No threads here: no module of this workspace spawns a worker or touches shared memory.';
    const width = Math.ceil(message.length * FONT.char) + 2 * GAP.margin;
    return svg(width, 48, [`<text x="${GAP.margin}" y="28" font-size="${FONT.size}" class="empty">${escapeXml(message)}</text>`]);
  }
  const depth = spawnDepths(graph);
  const boxes = new Map<string, Box>();
  let top = LEGEND_HEIGHT + GAP.margin;
  let width = 0;
  for (const block of blocks(graph)) {
    const laid = layOut(block, graph.edges, depth, top);
    for (const box of laid.boxes) boxes.set(box.node.key, box);
    top = laid.bottom + GAP.block;
    width = Math.max(width, laid.right);
  }
  const at = ports(graph.edges, boxes);
  const parts = [legend(), ...graph.edges.map((edge, i) => drawEdge(edge, boxes, at, i)), ...[...boxes.values()].map(drawNode)];
  return svg(width + GAP.margin, top - GAP.block + GAP.margin, parts);
}

/** Columns: a module's spawn depth (the longest chain of spawns above it; bounded, so a cycle ends). */
function spawnDepths(graph: LabelledGraph): Map<string, number> {
  const depth = new Map(graph.nodes.filter(n => n.kind === 'module').map(n => [n.key, 0]));
  const spawns = graph.edges.filter(e => e.kind === 'spawn' && e.from !== e.to);
  for (let round = 0; round < depth.size; round++) {
    let moved = false;
    for (const s of spawns) {
      if (depth.get(s.to)! <= depth.get(s.from)!) {
        depth.set(s.to, depth.get(s.from)! + 1);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return depth;
}

/** The connected parts of the graph, each in node order, ordered by their first node. */
function blocks(graph: LabelledGraph): GraphNode[][] {
  const parent = new Map(graph.nodes.map(n => [n.key, n.key]));
  const find = (key: string): string => {
    while (parent.get(key) !== key) key = parent.get(key)!;
    return key;
  };
  for (const e of graph.edges) parent.set(find(e.from), find(e.to));
  const byRoot = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    const root = find(node.key);
    byRoot.set(root, [...(byRoot.get(root) ?? []), node]);
  }
  return [...byRoot.values()].sort((a, b) => graph.nodes.indexOf(a[0]) - graph.nodes.indexOf(b[0]));
}

function layOut(block: GraphNode[], edges: readonly GraphEdge[], depth: ReadonlyMap<string, number>, top: number): { boxes: Box[]; bottom: number; right: number } {
  const keys = new Set(block.map(n => n.key));
  const inner = edges.filter(e => keys.has(e.from));
  const columnOf = (node: GraphNode): number => {
    if (node.kind === 'module') return 2 * depth.get(node.key)!;
    const users = inner.filter(e => e.to === node.key).map(e => depth.get(e.from)!);
    return 2 * Math.min(...users) + 1;
  };
  const boxes = block.map((node): Box => ({ node, column: columnOf(node), x: 0, y: 0, ...sizeOf(node) }));
  const columns = Math.max(...boxes.map(b => b.column)) + 1;

  // Widths: a buffer column holds the touch labels on either side of its buffers, and the labels
  // of the spawns that cross it.
  const column = (c: number): Box[] => boxes.filter(b => b.column === c);
  const boxOf = (key: string): Box => boxes.find(b => b.node.key === key)!;
  const labelWidth = (e: GraphEdge): number => Math.max(...e.lines.map(l => l.length)) * EDGE_FONT.char + 2 * GAP.label;
  const touchLabels = (buffer: Box, side: Side): number => Math.max(0, ...inner
    .filter(e => e.to === buffer.node.key && (boxOf(e.from).column < buffer.column) === (side === 'left'))
    .map(labelWidth));
  const widths: number[] = [];
  const leftRoom: number[] = [];
  for (let c = 0; c < columns; c++) {
    const here = column(c);
    if (c % 2 === 0) {
      widths.push(Math.max(0, ...here.map(b => b.width)));
      leftRoom.push(0);
      continue;
    }
    const left = Math.max(0, ...here.map(b => touchLabels(b, 'left')));
    const right = Math.max(0, ...here.map(b => touchLabels(b, 'right')));
    const crossing = inner.filter(e => e.kind === 'spawn' && boxOf(e.from).column < c && boxOf(e.to).column > c).map(labelWidth);
    widths.push(Math.max(left + Math.max(0, ...here.map(b => b.width)) + right, ...crossing));
    leftRoom.push(left);
  }
  const xs: number[] = [];
  let x = GAP.margin;
  for (let c = 0; c < columns; c++) {
    xs.push(x);
    x += widths[c] + GAP.column;
  }

  const arcs = inner.some(e => isArc(e, boxOf(e.from), boxOf(e.to)));
  const bandTop = top + (arcs ? ARC_HEIGHT : 0);
  const stack = (list: Box[], from: number): number => {
    let y = from;
    for (const box of list) {
      box.y = y;
      box.x = xs[box.column] + (box.node.kind === 'buffer' ? leftRoom[box.column] : (widths[box.column] - box.width) / 2);
      y += box.height + GAP.row;
    }
    return y - GAP.row;
  };
  const modules = boxes.filter(b => b.node.kind === 'module');
  const moduleBottom = Math.max(...[...new Set(modules.map(b => b.column))].map(c => stack(column(c), bandTop)));
  // The band also holds the captions under the spawn arrows.
  const bandBottom = Math.max(moduleBottom, ...inner.filter(e => e.kind === 'spawn' && !isArc(e, boxOf(e.from), boxOf(e.to)))
    .map(e => spawnCaptionTop(middle(boxOf(e.from)), middle(boxOf(e.to))) + e.lines.length * EDGE_FONT.line));
  const buffers = boxes.filter(b => b.node.kind === 'buffer');
  const bottom = Math.max(bandBottom, ...[...new Set(buffers.map(b => b.column))].map(c => stack(column(c), bandBottom + GAP.band)));
  return { boxes, bottom, right: x - GAP.column };
}

function sizeOf(node: GraphNode): { width: number; height: number } {
  const longest = Math.max(...node.lines.map(l => l.length));
  const rims = node.kind === 'buffer' ? 2 * RIM : 0;
  return {
    width: Math.max(MIN_NODE_WIDTH, Math.ceil(longest * FONT.char) + 2 * PAD.x),
    height: node.lines.length * FONT.line + 2 * PAD.y + rims,
  };
}

interface Port { x: number; y: number; side: Side | 'top' }

/**
 * Where each edge leaves and enters its boxes: the side facing the other end (the top for arcs),
 * edges sharing a side spread along it in the order of their other ends, so that they do not cross
 * at the box.
 */
function ports(edges: readonly GraphEdge[], boxes: ReadonlyMap<string, Box>): Map<string, Port> {
  const result = new Map<string, Port>();
  const bySide = new Map<string, { id: string; box: Box; side: Side; toward: number }[]>();
  edges.forEach((edge, i) => {
    const from = boxes.get(edge.from)!;
    const to = boxes.get(edge.to)!;
    if (isArc(edge, from, to)) {
      result.set(`${i}:from`, { x: from.x + from.width / 2 - (edge.from === edge.to ? SELF_LOOP : 0), y: from.y, side: 'top' });
      result.set(`${i}:to`, { x: to.x + to.width / 2 + (edge.from === edge.to ? SELF_LOOP : 0), y: to.y, side: 'top' });
      return;
    }
    const rightward = to.column > from.column;
    for (const [end, box, other, side] of [['from', from, to, rightward ? 'right' : 'left'], ['to', to, from, rightward ? 'left' : 'right']] as const) {
      const key = `${box.node.key}:${side}`;
      bySide.set(key, [...(bySide.get(key) ?? []), { id: `${i}:${end}`, box, side, toward: middle(other) }]);
    }
  });
  for (const list of bySide.values()) {
    list.sort((a, b) => a.toward - b.toward);
    list.forEach((p, k) => {
      const inset = p.box.node.kind === 'buffer' ? RIM * 2 : 0;
      const y = p.box.y + inset + ((k + 1) * (p.box.height - 2 * inset)) / (list.length + 1);
      result.set(p.id, { x: p.side === 'right' ? p.box.x + p.box.width : p.box.x, y, side: p.side });
    });
  }
  return result;
}

/** A spawn's caption goes under the middle of its arrow. */
function spawnCaptionTop(fromY: number, toY: number): number {
  return (fromY + toY) / 2 + GAP.label;
}

function middle(box: Box): number {
  return box.y + box.height / 2;
}

function isArc(edge: GraphEdge, from: Box, to: Box): boolean {
  return edge.kind === 'spawn' && to.column <= from.column;
}

function drawEdge(edge: GraphEdge, boxes: ReadonlyMap<string, Box>, at: ReadonlyMap<string, Port>, i: number): string {
  const a = at.get(`${i}:from`)!;
  const b = at.get(`${i}:to`)!;
  const stroke = edge.plainWrite ? PLAIN_WRITE_COLOR : EDGE_COLOR;
  let d: string;
  let label: { x: number; y: number; anchor: 'start' | 'middle' | 'end' };
  if (a.side === 'top') {
    const lift = Math.min(a.y, b.y) - ARC_HEIGHT + EDGE_FONT.line;
    d = `M${r(a.x)},${r(a.y)} C${r(a.x)},${r(lift)} ${r(b.x)},${r(lift)} ${r(b.x)},${r(b.y)}`;
    // Above the arc's apex, three quarters of the way up to its control points.
    const apex = Math.min(a.y, b.y) - (3 * (Math.min(a.y, b.y) - lift)) / 4;
    label = { x: (a.x + b.x) / 2, y: apex - 4 - (edge.lines.length - 1) * EDGE_FONT.line, anchor: 'middle' };
  } else {
    const bend = Math.max(24, Math.abs(b.x - a.x) / 2);
    const dir = a.side === 'right' ? 1 : -1;
    d = `M${r(a.x)},${r(a.y)} C${r(a.x + dir * bend)},${r(a.y)} ${r(b.x - dir * bend)},${r(b.y)} ${r(b.x)},${r(b.y)}`;
    label = edge.kind === 'spawn'
      ? { x: (a.x + b.x) / 2, y: spawnCaptionTop(a.y, b.y) + EDGE_FONT.size, anchor: 'middle' }
      // A touch is labelled beside the buffer, where it is never far from the line it names.
      : { x: b.x - dir * GAP.label, y: b.y - 4, anchor: dir === 1 ? 'end' : 'start' };
  }
  const classes = ['edge', edge.kind, ...(edge.plainWrite ? ['plain-write'] : [])].join(' ');
  const dash = edge.plainWrite ? ' stroke-dasharray="6 4"' : '';
  const width = edge.kind === 'spawn' ? 2.5 : edge.plainWrite ? 2 : 1.25;
  const head = edge.kind === 'spawn' ? ' marker-end="url(#fearless-arrow)"' : '';
  const from = boxes.get(edge.from)!.node.id;
  const to = boxes.get(edge.to)!.node.id;
  return `<g class="${classes}" data-from="${escapeXml(from)}" data-to="${escapeXml(to)}">` +
    `<path d="${d}" fill="none" stroke="${stroke}" stroke-width="${width}"${dash}${head}/>` +
    textBlock(edge.lines, label.x, label.y, label.anchor, stroke) +
    '</g>';
}

/** Lines of text on a background that keeps them readable across the lines they sit on. */
function textBlock(lines: readonly string[], x: number, y: number, anchor: 'start' | 'middle' | 'end', fill: string): string {
  const font = EDGE_FONT;
  const width = Math.max(...lines.map(l => l.length)) * font.char;
  const left = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
  const background = `<rect class="label-bg" x="${r(left - 2)}" y="${r(y - font.size)}" width="${r(width + 4)}" height="${r(lines.length * font.line)}" fill="#ffffff" opacity="0.85"/>`;
  const texts = lines.map((line, k) =>
    `<text x="${r(x)}" y="${r(y + k * font.line)}" text-anchor="${anchor}" font-size="${font.size}" fill="${fill}">${escapeXml(line)}</text>`);
  return background + texts.join('');
}

function drawNode(box: Box): string {
  const { node, x, y, width, height } = box;
  const { fill, stroke } = PALETTE[node.style];
  const shape = node.kind === 'module'
    ? `<rect class="shape" x="${r(x)}" y="${r(y)}" width="${r(width)}" height="${r(height)}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`
    : `<path class="shape" d="${cylinder(x, y, width, height)}" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>` +
      `<ellipse cx="${r(x + width / 2)}" cy="${r(y + RIM)}" rx="${r(width / 2)}" ry="${RIM}" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`;
  const textTop = y + PAD.y + (node.kind === 'buffer' ? 2 * RIM : 0) + FONT.size;
  const texts = node.lines.map((line, k) =>
    `<text x="${r(x + width / 2)}" y="${r(textTop + k * FONT.line)}" text-anchor="middle" font-size="${FONT.size}" fill="${TEXT_COLOR}">${escapeXml(line)}</text>`);
  const what = node.kind === 'module' ? `Open ${node.id}` : `Open where ${node.lines[0]} is made (${node.id})`;
  return `<g class="node ${node.kind} ${node.style}" data-key="${node.key}" data-id="${escapeXml(node.id)}" tabindex="0" role="button" aria-label="${escapeXml(what)}">` +
    `<title>${escapeXml(what)}</title>${shape}${texts.join('')}</g>`;
}

function cylinder(x: number, y: number, w: number, h: number): string {
  const rx = r(w / 2);
  return `M${r(x)},${r(y + RIM)} A${rx},${RIM} 0 0,1 ${r(x + w)},${r(y + RIM)} V${r(y + h - RIM)} A${rx},${RIM} 0 0,1 ${r(x)},${r(y + h - RIM)} Z`;
}

function legend(): string {
  const y = GAP.margin + 4;
  const entries = [
    { cls: 'spawn', stroke: EDGE_COLOR, attrs: 'stroke-width="2.5" marker-end="url(#fearless-arrow)"', text: 'spawns' },
    { cls: 'touch', stroke: EDGE_COLOR, attrs: 'stroke-width="1.25"', text: 'touches (atomic, locked, plain read)' },
    { cls: 'plain-write', stroke: PLAIN_WRITE_COLOR, attrs: 'stroke-width="2" stroke-dasharray="6 4"', text: 'plain write: no Atomics, no lock' },
  ];
  let x = GAP.margin;
  const drawn = entries.map(({ cls, stroke, attrs, text }) => {
    const at = x;
    x += 34 + text.length * EDGE_FONT.char + 24;
    return `<path class="${cls}" d="M${at},${y} H${at + 28}" fill="none" stroke="${stroke}" ${attrs}/>` +
      `<text class="${cls}" x="${at + 34}" y="${y + 4}" font-size="${EDGE_FONT.size}" fill="${cls === 'plain-write' ? PLAIN_WRITE_COLOR : EDGE_COLOR}">${escapeXml(text)}</text>`;
  });
  return `<g class="legend">${drawn.join('')}</g>`;
}

function svg(width: number, height: number, parts: readonly string[]): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="thread-map" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="Thread map">` +
    '<defs><marker id="fearless-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
    `<path class="arrow-head" d="M0,0 L10,5 L0,10 z" fill="${EDGE_COLOR}"/></marker></defs>` +
    `${parts.join('')}</svg>`;
}

function r(n: number): string {
  return String(Math.round(n));
}

/** As character references, line breaks and tabs too: in an attribute the parser would turn them into spaces. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"'\t\n\r]/g, c => `&#${c.charCodeAt(0)};`);
}

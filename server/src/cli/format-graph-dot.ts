import type { ThreadMap } from '../views/thread-map';
import { PALETTE, PLAIN_WRITE_COLOR, TEXT_COLOR, labelledGraph, type GraphEdge, type GraphNode } from '../views/graph-labels';

/**
 * `fearless graph --format dot`: the same graph for Graphviz (`| dot -Tsvg`). Modules are rounded
 * boxes, shared buffers cylinders; spawns are bold arrows, touches plain lines, and a plain write a
 * dashed red line (class `plain-write` in Graphviz's SVG).
 */
export function formatGraphDot(map: ThreadMap): string {
  const { nodes, edges } = labelledGraph(map);
  const out = [
    'digraph threads {',
    '  rankdir=LR;',
    `  node [fontname="Helvetica", fontsize=11, fontcolor="${TEXT_COLOR}", style="filled"];`,
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const node of nodes) out.push(`  ${node.key} [${attributes(nodeAttributes(node))}];`);
  for (const edge of edges) out.push(`  ${edge.from} -> ${edge.to} [${attributes(edgeAttributes(edge))}];`);
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** An array is a label's lines. */
type Attributes = Record<string, string | readonly string[]>;

function nodeAttributes(node: GraphNode): Attributes {
  const { fill, stroke } = PALETTE[node.style];
  return {
    label: node.lines,
    shape: node.kind === 'buffer' ? 'cylinder' : 'box',
    ...(node.kind === 'module' ? { style: 'rounded,filled' } : {}),
    fillcolor: fill,
    color: stroke,
    class: node.style,
  };
}

function edgeAttributes(edge: GraphEdge): Attributes {
  if (edge.kind === 'spawn') return { label: edge.lines, penwidth: '2', class: 'spawn' };
  return {
    label: edge.lines,
    dir: 'none',
    ...(edge.plainWrite
      ? { style: 'dashed', color: PLAIN_WRITE_COLOR, fontcolor: PLAIN_WRITE_COLOR, penwidth: '2', class: 'touch plain-write' }
      : { class: 'touch' }),
  };
}

/** Lines are joined by Graphviz's centred line break after escaping, so that it stays a break. */
function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .map(([name, value]) => `${name}="${typeof value === 'string' ? quoted(value) : value.map(quoted).join('\\n')}"`)
    .join(', ');
}

/**
 * A quoted escString: `\` and `"` escaped, so that a name's own backslash never reads as `\n`, `\N`,
 * `\l`…; and `&`, since Graphviz decodes HTML entities in every label.
 */
function quoted(text: string): string {
  return text.replace(/[\\"&]/g, c => (c === '&' ? '&amp;' : `\\${c}`));
}

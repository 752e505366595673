import type { ThreadMap } from '../views/thread-map';
import { PALETTE, PLAIN_WRITE_COLOR, TEXT_COLOR, labelledGraph, type GraphEdge, type GraphNode } from '../views/graph-labels';

/**
 * `fearless graph --format mermaid`: a `flowchart LR` that GitHub renders in a ```mermaid block.
 * Modules are boxes, shared buffers cylinders; spawns are thick arrows, touches plain lines, and a
 * plain write a dotted red line.
 */
export function formatGraphMermaid(map: ThreadMap): string {
  const { nodes, edges } = labelledGraph(map);
  const out = ['flowchart LR'];
  for (const node of nodes) out.push(`  ${node.key}${shape(node)}:::${node.style}`);
  const plainWrites: number[] = [];
  edges.forEach((edge, i) => {
    out.push(`  ${edge.from} ${arrow(edge)}|"${label(edge.lines)}"| ${edge.to}`);
    if (edge.plainWrite) plainWrites.push(i);
  });
  for (const [style, { fill, stroke }] of Object.entries(PALETTE)) {
    out.push(`  classDef ${style} fill:${fill},stroke:${stroke},color:${TEXT_COLOR}`);
  }
  // Mermaid styles links by their index in the chart.
  if (plainWrites.length > 0) out.push(`  linkStyle ${plainWrites.join(',')} stroke:${PLAIN_WRITE_COLOR},stroke-width:2px,color:${PLAIN_WRITE_COLOR}`);
  return `${out.join('\n')}\n`;
}

function shape(node: GraphNode): string {
  const text = `"${label(node.lines)}"`;
  return node.kind === 'buffer' ? `[(${text})]` : `[${text}]`;
}

function arrow(edge: GraphEdge): string {
  if (edge.kind === 'spawn') return '==>';
  return edge.plainWrite ? '-.-' : '---';
}

/**
 * Inside a quoted label Mermaid takes brackets and pipes as text, but not `"`, and it reads `#…;`
 * as an entity and HTML tags as markup: those go in as numeric entities. A leading backtick would
 * start a Markdown string.
 */
function label(lines: readonly string[]): string {
  return lines.map(line => line.replace(/[#"&<>`]/g, c => `#${c.charCodeAt(0)};`)).join('<br/>');
}

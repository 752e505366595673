/** The thread map's SVG, as the VS Code webview shows it: what is drawn, where, and that it is safe text. */
import assert from 'node:assert/strict';
import type { ThreadMap } from '../../server/src/views/thread-map';
import { renderThreadMap } from '../../client/src/thread-map/render';

const MAP: ThreadMap = {
  version: 1,
  modules: [
    { id: 'src/main.ts', file: '/p/src/main.ts', role: 'main' },
    { id: 'src/pool.ts', file: '/p/src/pool.ts', role: 'worker' },
    { id: 'src/stage.ts', file: '/p/src/stage.ts', role: 'worker' },
    { id: 'src/table.ts', file: '/p/src/table.ts', role: 'unknown' },
  ],
  spawns: [
    { from: 'src/main.ts', to: 'src/pool.ts', line: 6, sends: ['counts', 'queue'], join: 'joined' },
    { from: 'src/pool.ts', to: 'src/stage.ts', line: 9, sends: [], join: 'never' },
    { from: 'src/stage.ts', to: 'src/stage.ts', line: 12, sends: [], join: 'handed-off' },
  ],
  buffers: [
    {
      id: 'src/main.ts:4', module: 'src/main.ts', line: 4, name: 'counts',
      users: [{ module: 'src/main.ts', touches: ['atomic'] }, { module: 'src/pool.ts', touches: ['atomic', 'plain write'] }],
    },
    { id: 'src/main.ts:5', module: 'src/main.ts', line: 5, name: 'queue', users: [{ module: 'src/main.ts', touches: ['locked'] }] },
    { id: 'src/table.ts:2', module: 'src/table.ts', line: 2, users: [{ module: 'src/table.ts', touches: ['plain read'] }] },
  ],
};

interface DrawnNode { kind: string; key: string; id: string; x: number; y: number; width: number; height: number }

/** The node groups of the SVG, with the box of their shape (a buffer's body path starts at its top-left rim). */
function nodesOf(svg: string): DrawnNode[] {
  const nodes: DrawnNode[] = [];
  const group = /<g class="node (module|buffer) [a-z]+" data-key="([^"]+)" data-id="([^"]*)"[^>]*>(.*?)<\/g>/g;
  for (const [, kind, key, id, body] of svg.matchAll(group)) {
    const rect = /<rect class="shape" x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"/.exec(body);
    const cylinder = /<path class="shape" d="M(\d+),(\d+) A(\d+),\d+ 0 0,1 \d+,\d+ V(\d+)/.exec(body);
    const box = rect
      ? { x: +rect[1], y: +rect[2], width: +rect[3], height: +rect[4] }
      : { x: +cylinder![1], y: +cylinder![2] - 6, width: 2 * +cylinder![3], height: +cylinder![4] + 12 - (+cylinder![2] - 6) };
    nodes.push({ kind, key, id: decode(id), ...box });
  }
  return nodes;
}

function edgesOf(svg: string): { classes: string; from: string; to: string }[] {
  return [...svg.matchAll(/<g class="(edge [^"]+)" data-from="([^"]*)" data-to="([^"]*)">/g)]
    .map(([, classes, from, to]) => ({ classes, from: decode(from), to: decode(to) }));
}

function decode(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

describe('thread map SVG (client/src/thread-map/render.ts)', () => {
  const svg = renderThreadMap(MAP);

  it('draws every module and every buffer once', () => {
    const nodes = nodesOf(svg);
    assert.deepEqual(nodes.filter(n => n.kind === 'module').map(n => n.id), MAP.modules.map(m => m.id));
    assert.deepEqual(nodes.filter(n => n.kind === 'buffer').map(n => n.id), MAP.buffers.map(b => b.id));
    for (const label of ['src/main.ts', 'main thread', 'worker thread', 'thread unknown', 'counts', 'shared buffer', 'src/table.ts:2']) {
      assert.ok(svg.includes(`>${label}</text>`), `text ${label}`);
    }
  });

  it('draws an edge per spawn and per buffer user, plain writes apart', () => {
    const edges = edgesOf(svg);
    assert.deepEqual(edges.filter(e => e.classes === 'edge spawn').map(e => `${e.from} -> ${e.to}`),
      ['src/main.ts -> src/pool.ts', 'src/pool.ts -> src/stage.ts', 'src/stage.ts -> src/stage.ts']);
    assert.deepEqual(edges.filter(e => e.classes.startsWith('edge touch')).map(e => `${e.from} - ${e.to}`),
      ['src/main.ts - src/main.ts:4', 'src/pool.ts - src/main.ts:4', 'src/main.ts - src/main.ts:5', 'src/table.ts - src/table.ts:2']);
    assert.deepEqual(edges.filter(e => e.classes.includes('plain-write')).map(e => e.from), ['src/pool.ts']);
    assert.match(svg, /<g class="edge touch plain-write"[^>]*><path [^>]*stroke="#dc2626" stroke-width="2" stroke-dasharray="6 4"/);
    for (const label of ['workerData: counts, queue', 'joined', 'never joined', 'handed off', 'atomic, plain write', 'locked', 'plain read']) {
      assert.ok(svg.includes(`>${label}</text>`), `edge label ${label}`);
    }
  });

  it('lays modules out left to right by spawn depth, each buffer after the first module that touches it, nothing overlapping', () => {
    const nodes = nodesOf(svg);
    const at = (id: string): DrawnNode => nodes.find(n => n.id === id)!;
    assert.ok(at('src/main.ts').x + at('src/main.ts').width < at('src/main.ts:4').x, 'counts right of main.ts');
    assert.ok(at('src/main.ts:4').x + at('src/main.ts:4').width < at('src/pool.ts').x, 'counts left of pool.ts');
    assert.ok(at('src/pool.ts').x + at('src/pool.ts').width < at('src/stage.ts').x, 'stage.ts right of pool.ts');
    for (const [i, a] of nodes.entries()) {
      for (const b of nodes.slice(i + 1)) {
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        assert.ok(apart, `${a.id} and ${b.id} overlap`);
      }
    }
    const [width, height] = /^<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!.slice(1).map(Number);
    for (const n of nodes) assert.ok(n.x >= 0 && n.y >= 0 && n.x + n.width <= width && n.y + n.height <= height, `${n.id} inside the picture`);
  });

  it('escapes names, and refers to nothing outside itself', () => {
    const nasty = 'src/<script>alert("x")</script> & \'q\'\nline.ts';
    const out = renderThreadMap({ version: 1, modules: [{ id: nasty, file: `/p/${nasty}`, role: 'main' }], spawns: [], buffers: [
      { id: `${nasty}:1`, module: nasty, line: 1, users: [{ module: nasty, touches: ['plain write'] }] },
    ] });
    const tags = [...out.matchAll(/<\/?([a-zA-Z]+)/g)].map(m => m[1]);
    assert.deepEqual([...new Set(tags)].sort(), ['defs', 'ellipse', 'g', 'marker', 'path', 'rect', 'svg', 'text', 'title']);
    assert.ok(out.includes('>src/&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;q&#39;</text>'), out);
    assert.ok(out.includes('>line.ts</text>'), 'a line break in a name starts a new line');
    assert.deepEqual(nodesOf(out).map(n => n.id), [nasty, `${nasty}:1`]);
    const references = [...out.matchAll(/(?:href|src|url)\s*[=(]\s*"?([^")\s]*)/g)].map(m => m[1]);
    assert.deepEqual([...new Set(references)], ['#fearless-arrow'], 'only its own arrow head');
  });

  it('is deterministic', () => {
    assert.equal(renderThreadMap(structuredClone(MAP)), svg);
  });

  it('says so when there are no threads', () => {
    const out = renderThreadMap({ version: 1, modules: [], spawns: [], buffers: [] });
    assert.match(out, /^<svg [^>]*>.*No threads here.*<\/svg>$/);
    assert.deepEqual(nodesOf(out), []);
  });
});

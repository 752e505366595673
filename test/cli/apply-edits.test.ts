import assert from 'node:assert/strict';
import { applyEdits, applyFixes } from '../../server/src/engine/apply-edits';
import type { Finding, Fix, FixKind, TextEdit } from '../../server/src/core/finding';

const F = '/p/main.ts';
const G = '/p/worker.ts';

function edit(start: number, end: number, newText: string, file = F): TextEdit {
  return { file, start, end, newText };
}

function fix(kind: FixKind, ...edits: TextEdit[]): Fix {
  return { title: `${kind} fix`, kind, edits };
}

function finding(start: number, ...fixes: Fix[]): Finding {
  return { rule: 'r', severity: 'warning', span: { file: F, start, end: start + 1 }, message: 'm', related: [], fixes };
}

describe('applyEdits', () => {
  it('applies edits given in any order', () => {
    const result = applyEdits('0123456789', [edit(8, 9, 'E'), edit(0, 1, 'A'), edit(4, 6, '')]);
    assert.equal(result.text, 'A12367E9');
    assert.equal(result.skipped.length, 0);
    assert.deepEqual(result.applied.map((e) => e.start), [0, 4, 8]);
  });

  it('skips an edit overlapping one already accepted and keeps the text sound', () => {
    const first = edit(2, 6, 'X');
    const overlapping = edit(4, 8, 'Y');
    const inside = edit(3, 3, 'Z');
    const result = applyEdits('0123456789', [overlapping, first, inside]);
    assert.equal(result.text, '01X6789');
    assert.deepEqual(result.applied, [first]);
    assert.deepEqual(result.skipped, [inside, overlapping]);
  });

  it('applies edits that only touch, insertions at one offset in their given order', () => {
    const result = applyEdits('abcd', [edit(2, 4, 'CD'), edit(0, 2, 'AB'), edit(2, 2, '1'), edit(2, 2, '2')]);
    assert.equal(result.text, 'AB12CD');
    assert.equal(result.skipped.length, 0);
  });

  it('skips edits outside the text or reversed', () => {
    const result = applyEdits('abc', [edit(2, 9, 'x'), edit(-1, 0, 'y'), edit(2, 1, 'z'), edit(1, 1.5, 'w')]);
    assert.equal(result.text, 'abc');
    assert.equal(result.skipped.length, 4);
  });
});

describe('applyFixes', () => {
  const texts = new Map([[F, 'a[0]++; b[0]++;'], [G, 'export {};']]);

  it('applies the first fix of each finding when it is safe', () => {
    const changes = applyFixes([
      finding(0, fix('safe', edit(0, 6, 'Atomics.add(a, 0, 1)'))),
      finding(8, fix('safe', edit(8, 14, 'Atomics.add(b, 0, 1)'))),
    ], texts);
    assert.deepEqual([...changes], [[F, 'Atomics.add(a, 0, 1); Atomics.add(b, 0, 1);']]);
  });

  it('never applies a suggestion, nor a safe fix offered after one', () => {
    const changes = applyFixes([
      finding(0, fix('suggestion', edit(0, 6, 'lock(); a[0]++'))),
      finding(8, fix('suggestion', edit(8, 8, '/* ? */')), fix('safe', edit(8, 14, 'Atomics.add(b, 0, 1)'))),
    ], texts);
    assert.equal(changes.size, 0);
  });

  it('applies all edits of a fix, across files', () => {
    const changes = applyFixes([
      finding(0, fix('safe', edit(0, 0, 'import { x } from "./worker";\n'), edit(0, 10, 'export const x = 1;', G))),
    ], texts);
    assert.deepEqual(changes, new Map([
      [F, 'import { x } from "./worker";\na[0]++; b[0]++;'],
      [G, 'export const x = 1;'],
    ]));
  });

  it('leaves out a whole fix when one of its edits conflicts with an accepted fix', () => {
    const changes = applyFixes([
      finding(0, fix('safe', edit(0, 6, 'Atomics.add(a, 0, 1)'))),
      // Its edit in G would apply cleanly, but its edit in F rewrites what the first fix rewrote.
      finding(1, fix('safe', edit(0, 10, 'export {}; // touched', G), edit(2, 3, '1'))),
    ], texts);
    assert.deepEqual([...changes], [[F, 'Atomics.add(a, 0, 1); b[0]++;']]);
  });

  it('leaves out fixes that touch an accepted one; the next pass can take them', () => {
    const changes = applyFixes([
      finding(0, fix('safe', edit(0, 6, 'A'))),
      finding(6, fix('safe', edit(6, 6, '/* after */'))),
    ], texts);
    assert.deepEqual([...changes], [[F, 'A; b[0]++;']]);
  });

  it('leaves out a fix whose own edits overlap, or that names a file it has no text of', () => {
    const changes = applyFixes([
      finding(0, fix('safe', edit(0, 4, 'x'), edit(2, 6, 'y'))),
      finding(8, fix('safe', edit(8, 14, 'Atomics.add(b, 0, 1)'), edit(0, 0, '//', '/p/unknown.ts'))),
    ], texts);
    assert.equal(changes.size, 0);
  });

  it('picks the same fixes whatever the order of the findings', () => {
    const first = finding(0, fix('safe', edit(0, 6, 'one')));
    const second = finding(3, fix('safe', edit(3, 8, 'two')));
    const expected = new Map([[F, 'one; b[0]++;']]);
    assert.deepEqual(applyFixes([first, second], texts), expected);
    assert.deepEqual(applyFixes([second, first], texts), expected);
  });

  it('reports no file whose text a fix leaves unchanged', () => {
    assert.equal(applyFixes([finding(0, fix('safe', edit(0, 6, 'a[0]++')))], texts).size, 0);
  });
});

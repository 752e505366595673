/**
 * The language server fed the same worst cases and random edits as the engine (see
 * engine-fuzz.test.ts), over real JSON-RPC: every published range, related location and code
 * action edit lies inside its document, pathological files cost one budget diagnostic, and the
 * server answers throughout. A byte-order mark kept by the client moves nothing: the same
 * diagnostics one column on, the same fixes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { CodeAction, Diagnostic, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { BUDGET_EXCEEDED } from '../../server/src/core/engine-diagnostics';
import { TestClient } from '../lsp/support/lsp-client';
import { FUZZ_SEED, LONG_RUN, type Case, generatedCase, mutatedCase, pathologicalCases, runs, seedCases } from './support/corpus';
import { diagnosticProblems, lspLines, rangeProblem } from './support/invariants';

describe('reliability: the server on anything', function () {
  this.timeout(LONG_RUN ? 0 : 180_000);
  let client: TestClient;
  /** The text of every document the client opened, by URI (files on disk otherwise). */
  const opened = new Map<string, string>();
  const textOf = (uri: string): string | undefined => {
    if (opened.has(uri)) return opened.get(uri);
    try {
      return fs.readFileSync(fileURLToPath(uri), 'utf8');
    } catch {
      return undefined;
    }
  };

  before(async () => {
    client = await TestClient.start({ files: { 'package.json': '{ "type": "module" }' } });
  });
  after(async () => {
    await client.stop();
    assert.equal(client.exitCode, 0, 'the server exits cleanly after all of it');
  });

  /** Writes a case to disk under `dir`, opens the files named by `open` (all by default), returns their diagnostics. */
  async function openCase(dir: string, files: Case, open = Object.keys(files)): Promise<Map<string, Diagnostic[]>> {
    for (const [rel, text] of Object.entries(files)) client.write(path.join(dir, rel), text);
    const out = new Map<string, Diagnostic[]>();
    for (const rel of open) {
      const doc = path.join(dir, rel);
      opened.set(client.uri(doc), files[rel]);
      await client.open(doc, files[rel]);
      out.set(rel, await client.diagnostics(doc, 1));
    }
    return out;
  }

  async function closeCase(dir: string, files: Case): Promise<void> {
    for (const rel of Object.keys(files)) {
      const doc = path.join(dir, rel);
      if (!opened.delete(client.uri(doc))) continue;
      await client.close(doc);
    }
  }

  /** Code actions on a few diagnostics and on the whole document, fix-all included: every edit inside its document. */
  async function actionProblems(doc: string, diagnostics: readonly Diagnostic[]): Promise<string[]> {
    const uri = client.uri(doc);
    const text = textOf(uri) ?? '';
    const lines = lspLines(text);
    const whole = { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } };
    const problems: string[] = [];
    const requests = [
      ...diagnostics.slice(0, 4).map(d => [d.range, undefined] as const),
      [whole, ['source.fixAll.fearless']] as const,
      // Every quick fix of the file: linear in its findings, but a 50,000-finding answer is tens of megabytes.
      ...(diagnostics.length < 500 ? [[whole, undefined] as const] : []),
    ];
    for (const [range, only] of requests) {
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [], only } });
      for (const action of actions) {
        for (const [target, edits] of Object.entries(action.edit?.changes ?? {})) {
          for (const e of edits) {
            const p = rangeProblem(`${doc}: '${action.title}'`, e.range, textOf(target));
            if (p) problems.push(p);
          }
        }
      }
    }
    return problems;
  }

  describe('pathological files', () => {
    // The engine tests take the 50,000-line file; over JSON-RPC it costs as much as all the rest, so only the long run does.
    const cases = pathologicalCases(LONG_RUN ? 50_000 : 10_000);
    for (const [name, files] of Object.entries(cases)) {
      it(name, async () => {
        const dir = `p/${name.replace(/[^\w]+/g, '-')}`;
        // Opened alone, so the deep file it imports is only ever read from disk, as an import.
        const open = name === 'deep file imported by a normal one' ? ['main.ts'] : undefined;
        const published = await openCase(dir, files, open);
        for (const [rel, diags] of published) {
          const doc = path.join(dir, rel);
          assert.deepEqual(diagnosticProblems(client.uri(doc), diags, textOf), [], rel);
          if (rel === 'deep.ts') assert.deepEqual(diags.map(d => d.code), [BUDGET_EXCEEDED]);
          if (open) assert.ok(diags.some(d => d.code === 'unsynchronized-shared-write'), 'the importer is analysed as usual');
          assert.deepEqual(await actionProblems(doc, diags), []);
        }
        await closeCase(dir, files);
      });
    }

    it('a byte-order mark the client keeps: the same diagnostics one column on at line 0, and the same fixes', async () => {
      const plain = cases['byte-order mark']['main.ts'].slice(1);
      const withBom = `\uFEFF${plain}`;
      const control = await openCase('bom/plain', { 'main.ts': plain });
      const marked = await openCase('bom/marked', { 'main.ts': withBom });
      const shift = (d: Diagnostic): string => JSON.stringify({
        ...d.range, start: { ...d.range.start, character: d.range.start.character + (d.range.start.line === 0 ? 1 : 0) },
        end: { ...d.range.end, character: d.range.end.character + (d.range.end.line === 0 ? 1 : 0) },
      }) + d.code;
      assert.ok(control.get('main.ts')!.length > 0);
      assert.deepEqual(marked.get('main.ts')!.map(d => JSON.stringify(d.range) + d.code), control.get('main.ts')!.map(shift));

      const fixAll = async (doc: string, text: string): Promise<string> => {
        const lines = lspLines(text);
        const range = { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } };
        const [action] = await client.request<CodeAction[]>('textDocument/codeAction', {
          textDocument: { uri: client.uri(doc) }, range, context: { diagnostics: [], only: ['source.fixAll.fearless'] },
        });
        const edits = (action?.edit?.changes?.[client.uri(doc)] ?? []) as TextEdit[];
        return TextDocument.applyEdits(TextDocument.create(client.uri(doc), 'typescript', 1, text), edits);
      };
      const fixedPlain = await fixAll('bom/plain/main.ts', plain);
      assert.notEqual(fixedPlain, plain, 'there is something to fix');
      assert.equal(await fixAll('bom/marked/main.ts', withBom), `\uFEFF${fixedPlain}`);

      const line = plain.split('\n').findIndex(l => l.includes('new Worker('));
      const character = plain.split('\n')[line].indexOf('new Worker') + 4;
      const hover = async (doc: string): Promise<string> => JSON.stringify((await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: client.uri(doc) }, position: { line, character },
      }))?.contents);
      assert.equal(await hover('bom/marked/main.ts'), await hover('bom/plain/main.ts'));
      await closeCase('bom/plain', { 'main.ts': plain });
      await closeCase('bom/marked', { 'main.ts': withBom });
    });
  });

  describe('random sources', () => {
    let count = 0;
    const survives = async (files: Case): Promise<void> => {
      const dir = `r/case${count++}`;
      const published = await openCase(dir, files);
      for (const [rel, diags] of published) {
        const doc = path.join(dir, rel);
        assert.deepEqual(diagnosticProblems(client.uri(doc), diags, textOf), [], rel);
        assert.deepEqual(await actionProblems(doc, diags), []);
        // Hovers anywhere, inside the text or past it, answer (or say nothing).
        const lines = lspLines(files[rel]);
        for (const position of [{ line: 0, character: 0 }, { line: lines.length - 1, character: 1e6 }, { line: 1e6, character: 3 }, { line: lines.length >> 1, character: 4 }]) {
          const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(doc) }, position });
          assert.ok(hover === null || typeof hover === 'object');
        }
      }
      await closeCase(dir, files);
    };

    it('random edits of the fixtures and examples', async () => {
      await fc.assert(fc.asyncProperty(mutatedCase(seedCases()), survives), { numRuns: runs(12), seed: FUZZ_SEED });
    });

    it('generated concurrency code', async () => {
      await fc.assert(fc.asyncProperty(generatedCase(), survives), { numRuns: runs(8), seed: FUZZ_SEED });
    });
  });
});

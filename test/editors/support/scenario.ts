/**
 * One scenario, the same in every real editor: open examples/wordfreq/src/worker.ts, compare the
 * diagnostics with the CLI's, take the preferred quick fix on the lost update, type a new one.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  CliDiagnostic, CliEdit, Editor, EditorDiagnostic, EditorResult, SCENARIO_TIMEOUT_MS, Workspace, cliCheck, makeWorkspace,
  removeWorkspace, requireEditor, runEditor,
} from './harness';

const RULE = 'unsynchronized-shared-write';
/** countWords runs on the worker and `progress` is shared: typing this after ANCHOR is a new lost update. */
const ANCHOR = 'lengths[Math.min(word.length, HIST_BUCKETS - 1)]++;';
const INSERTED = '    progress[CHUNKS_DONE]++;';

const SEVERITY = ['error', 'warning', 'info', 'hint'];

/** Sorted, 1-based, and readable in an assertion diff. */
function fromEditor(diagnostics: readonly EditorDiagnostic[]): string[] {
  return diagnostics.map(d => `${d.line + 1} ${d.rule} ${SEVERITY[d.severity - 1] ?? d.severity}`).sort();
}

function fromCli(diagnostics: readonly CliDiagnostic[]): string[] {
  return diagnostics.map(d => `${d.line} ${d.rule} ${d.severity}`).sort();
}

function offsetOf(text: string, position: { line: number; column: number }): number {
  let offset = 0;
  for (let line = 1; line < position.line; line++) offset = text.indexOf('\n', offset) + 1;
  return offset + position.column - 1;
}

function applyEdits(text: string, edits: readonly CliEdit[]): string {
  const spans = edits.map(e => ({ start: offsetOf(text, e.start), end: offsetOf(text, e.end), newText: e.newText }));
  return spans.sort((a, b) => b.start - a.start).reduce((t, s) => t.slice(0, s.start) + s.newText + t.slice(s.end), text);
}

export function describeEditorScenario(editor: Editor): void {
  describe(`the language server in ${editor.name}`, function () {
    this.timeout(SCENARIO_TIMEOUT_MS);
    let workspace: Workspace | undefined;
    let original: string;
    let insertLine: number;
    let cliOpened: CliDiagnostic[];
    let cliChanged: CliDiagnostic[];
    let result: EditorResult;
    let target: CliDiagnostic;

    before(async () => {
      requireEditor(editor);
      workspace = makeWorkspace();
      original = fs.readFileSync(workspace.file, 'utf8');
      insertLine = original.split('\n').findIndex(line => line.includes(ANCHOR)) + 1;
      assert.ok(insertLine > 0, `examples/wordfreq/src/worker.ts no longer has \`${ANCHOR}\`: pick another place to type a bug`);
      // The editor never saves, so the CLI can read the original text while the editor runs.
      [cliOpened, result] = await Promise.all([
        cliCheck(workspace),
        runEditor(editor, workspace, { rule: RULE, insertLine, insertText: INSERTED }),
      ]);
      fs.writeFileSync(workspace.file, result.changed.text);
      cliChanged = await cliCheck(workspace);
      const first = cliOpened.filter(d => d.rule === RULE).sort((a, b) => a.line - b.line)[0];
      assert.ok(first, `the CLI reports no ${RULE} in worker.ts: the scenario needs one`);
      target = first;
    });

    after(() => {
      if (workspace) removeWorkspace(workspace);
    });

    it('shows exactly the findings the CLI reports', () => {
      assert.deepEqual(fromEditor(result.opened), fromCli(cliOpened));
    });

    it(`offers the CLI's fix, preferred, and "Ignore ${RULE} on this line"`, () => {
      const titles = result.actions.map(a => a.title);
      for (const fix of target.fixes) assert.ok(titles.includes(fix.title), `"${fix.title}" missing from ${JSON.stringify(titles)}`);
      assert.ok(titles.includes(`Ignore ${RULE} on this line`), `no ignore action in ${JSON.stringify(titles)}`);
      const preferred = result.actions.filter(a => a.isPreferred);
      assert.equal(preferred.length, 1, `one preferred action expected, got ${JSON.stringify(preferred)}`);
      assert.ok(target.fixes.some(f => f.title === preferred[0].title), `the preferred "${preferred[0].title}" is none of the CLI's fixes`);
      assert.equal(preferred[0].kind, 'quickfix');
    });

    it('applies the preferred fix exactly as the CLI would, and the finding goes away', () => {
      const preferred = result.actions.find(a => a.isPreferred)?.title;
      const fix = target.fixes.find(f => f.title === preferred);
      assert.ok(fix, `no CLI fix titled "${preferred}"`);
      const statement = original.slice(offsetOf(original, { line: target.line, column: target.column }),
        offsetOf(original, { line: target.endLine, column: target.endColumn }));
      for (const edit of fix.edits) assert.ok(result.fixed.text.includes(edit.newText), `the buffer lacks \`${edit.newText}\``);
      assert.ok(!result.fixed.text.includes(statement), `the buffer still has \`${statement}\``);
      assert.equal(result.fixed.text, applyEdits(original, fix.edits));
      assert.ok(!fromEditor(result.fixed.diagnostics).some(d => d.startsWith(`${target.line} ${RULE} `)),
        `still flagged after the fix: ${JSON.stringify(fromEditor(result.fixed.diagnostics))}`);
    });

    it('flags a bug typed into the buffer, as the CLI does on the same text', () => {
      const diagnostics = fromEditor(result.changed.diagnostics);
      assert.ok(diagnostics.some(d => d.startsWith(`${insertLine + 1} ${RULE} `)),
        `nothing on the typed line ${insertLine + 1}: ${JSON.stringify(diagnostics)}`);
      assert.deepEqual(diagnostics, fromCli(cliChanged));
    });
  });
}

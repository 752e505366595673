/**
 * Runs in VS Code's extension host, on a copy of examples/wordfreq (the workspace folder): what a
 * user of the extension gets, seen through the `vscode` API. `fearless check` (the CLI of the same
 * build) says what the editor must show.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { report } from './index';

const EXTENSION_ID = 'fearless.fearless';
const SHARED_WRITE = 'unsynchronized-shared-write';
const SEVERITY = ['error', 'warning', 'info', 'hint'] as const; // indexed by vscode.DiagnosticSeverity

interface CliPosition { line: number; column: number }
interface CliFix { title: string; edits: Array<{ file: string; start: CliPosition; end: CliPosition; newText: string }> }
interface CliFinding extends CliPosition {
  file: string;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
  fixes: CliFix[];
}

const folder = (): string => vscode.workspace.workspaceFolders![0].uri.fsPath;
const uriOf = (file: string): vscode.Uri => vscode.Uri.file(path.join(folder(), file));

/** `fearless check --format json` in `cwd`, run by this extension's own CLI bundle. */
function cliCheck(cwd: string, args: readonly string[]): CliFinding[] {
  const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
  const out = execFileSync(process.execPath, [cli, 'check', '--format', 'json', '--exit-zero', ...args],
    { cwd, encoding: 'utf8', timeout: 60_000 });
  return (JSON.parse(out) as { diagnostics: CliFinding[] }).diagnostics;
}

const ruleOf = (d: vscode.Diagnostic): string | undefined =>
  typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
const fearlessDiagnostics = (uri: vscode.Uri): vscode.Diagnostic[] =>
  vscode.languages.getDiagnostics(uri).filter(d => d.source === 'fearless');

/** One comparable line per finding, 1-based like the CLI. */
const describeCli = (f: CliFinding): string =>
  `${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.severity} ${f.rule}: ${f.message}`;
const describeDiagnostic = (d: vscode.Diagnostic): string =>
  `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ` +
  `${SEVERITY[d.severity]} ${ruleOf(d)}: ${d.message}`;
const sorted = (lines: string[]): string[] => lines.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

/**
 * The fearless diagnostics of `uri` once `until` holds for them, or as they are after `timeoutMs`:
 * the caller's assertion then shows what differs.
 */
function diagnosticsWhen(uri: vscode.Uri, until: (ds: vscode.Diagnostic[]) => boolean, timeoutMs = 20_000): Promise<vscode.Diagnostic[]> {
  return new Promise(resolve => {
    const finish = (): void => {
      clearTimeout(timer);
      listener.dispose();
      resolve(fearlessDiagnostics(uri));
    };
    const timer = setTimeout(finish, timeoutMs);
    const listener = vscode.languages.onDidChangeDiagnostics(e => {
      if (e.uris.some(u => u.toString() === uri.toString()) && until(fearlessDiagnostics(uri))) finish();
    });
    if (until(fearlessDiagnostics(uri))) finish();
  });
}

/** Waits until the fearless diagnostics of `uri` are the CLI's `findings`, and asserts that they are. */
async function assertFindings(uri: vscode.Uri, findings: readonly CliFinding[]): Promise<vscode.Diagnostic[]> {
  const want = sorted(findings.map(describeCli));
  const got = await diagnosticsWhen(uri, ds => sorted(ds.map(describeDiagnostic)).join('\n') === want.join('\n'));
  assert.deepEqual(sorted(got.map(describeDiagnostic)), want);
  return got;
}

/** Polls a provider command until `until` holds for its answer, or returns its last answer after `timeoutMs`. */
async function askUntil<T>(ask: () => Thenable<T>, until: (answer: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await ask();
    if (until(answer) || Date.now() > deadline) return answer;
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

async function replaceAll(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

/** `text` with the CLI's edits (1-based positions, one file) applied. */
function applyCliEdits(text: string, fix: CliFix): string {
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map(m => m.index! + 1)];
  const offset = (p: CliPosition): number => lineStarts[p.line - 1] + p.column - 1;
  return [...fix.edits].sort((a, b) => offset(b.start) - offset(a.start))
    .reduce((t, e) => t.slice(0, offset(e.start)) + e.newText + t.slice(offset(e.end)), text);
}

describe('Fearless in VS Code', () => {
  const WORKER = 'src/worker.ts';
  const MAIN = 'src/main.ts';
  let worker: vscode.TextDocument;
  let workerText: string;
  let expected: CliFinding[];

  /** worker.ts as on disk, analysed: the diagnostics equal the CLI's findings. */
  const settledWorker = async (): Promise<vscode.Diagnostic[]> => {
    if (worker.getText() !== workerText) await replaceAll(worker, workerText);
    return assertFindings(worker.uri, expected);
  };

  before(async () => {
    expected = cliCheck(folder(), [WORKER]);
    assert.ok(expected.some(f => f.rule === SHARED_WRITE), `the CLI finds no ${SHARED_WRITE} in ${WORKER}`);
    worker = await vscode.workspace.openTextDocument(uriOf(WORKER));
    workerText = worker.getText();
    await vscode.window.showTextDocument(worker);
  });

  it('activates on a TypeScript file', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await extension.activate();
    assert.ok(extension.isActive);
  });

  it('registers its commands', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    const missing = ['fearless.fixAll', 'fearless.restartServer', 'fearless.showOutput', 'fearless.showThreadMap'].filter(c => !commands.has(c));
    assert.deepEqual(missing, []);
  });

  it('shows the findings of `fearless check` as diagnostics (source fearless, code the rule id)', async () => {
    const diagnostics = await settledWorker();
    // Every family the example carries a bug of, seen in the editor (the Sync and Send families here).
    for (const rule of [SHARED_WRITE, 'use-after-transfer']) {
      assert.ok(diagnostics.some(d => ruleOf(d) === rule), `${rule} among ${diagnostics.map(ruleOf).join(', ')}`);
    }
    for (const d of diagnostics) {
      assert.equal(typeof d.code === 'object' && d.code.target.toString().endsWith(`docs/rules/${ruleOf(d)}.md`), true,
        `${describeDiagnostic(d)} links to its rule page`);
    }
  });

  it(`fixes ${SHARED_WRITE} with its preferred quick fix, as the CLI would`, async () => {
    const diagnostic = (await settledWorker()).find(d => ruleOf(d) === SHARED_WRITE)!;
    const cliFix = expected.find(f => f.rule === SHARED_WRITE)!.fixes[0];
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', worker.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    // (the command's answer leaves out each action's diagnostics: the range says which finding)
    const preferred = actions.filter(a => a.isPreferred);
    assert.deepEqual(preferred.map(a => a.title), [cliFix.title], `offered: ${actions.map(a => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(preferred[0].edit!));

    const line = diagnostic.range.start.line;
    assert.equal(worker.lineAt(line).text, applyCliEdits(workerText, cliFix).split('\n')[line]);
    assert.match(worker.lineAt(line).text, /^\s*Atomics\.add\(progress, CHUNKS_DONE, 1\);/);
    const after = await diagnosticsWhen(worker.uri, ds => !ds.some(d => ruleOf(d) === SHARED_WRITE));
    assert.deepEqual(after.filter(d => ruleOf(d) === SHARED_WRITE).map(describeDiagnostic), []);
  });

  it('fix-all (source.fixAll.fearless) applies the safe fixes, as `fearless check --fix` does', async () => {
    await settledWorker();
    // The CLI fixes a copy of the project beside this one, so that its tsconfig resolves the same way.
    const copy = `${folder()}-fixed`;
    fs.rmSync(copy, { recursive: true, force: true });
    fs.cpSync(folder(), copy, { recursive: true });
    const left = cliCheck(copy, ['--fix', WORKER]);
    const fixed = fs.readFileSync(path.join(copy, WORKER), 'utf8');
    assert.notEqual(fixed, workerText, 'the CLI fixed nothing');

    const whole = new vscode.Range(worker.positionAt(0), worker.positionAt(worker.getText().length));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', worker.uri, whole, 'source.fixAll.fearless');
    const fixAll = actions.filter(a => a.kind?.value === 'source.fixAll.fearless');
    assert.equal(fixAll.length, 1, `offered: ${actions.map(a => `${a.kind?.value}: ${a.title}`).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fixAll[0].edit!));
    assert.equal(worker.getText(), fixed);
    await assertFindings(worker.uri, left);
  });

  it('explains shared memory on hover', async () => {
    await settledWorker();
    const at = worker.positionAt(workerText.indexOf('const progress') + 'const '.length);
    assert.equal(worker.getText(worker.getWordRangeAtPosition(at)), 'progress');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', worker.uri, at);
    const texts = hovers.flatMap(h => h.contents).map(c => typeof c === 'string' ? c : c.value);
    assert.ok(texts.some(t => t.includes('Shared memory')), `hovers: ${JSON.stringify(texts)}`);
  });

  it('shows code lenses on the spawn site and on the worker module', async () => {
    const titlesOf = (lenses: vscode.CodeLens[], line?: number): string[] =>
      lenses.filter(l => line === undefined || l.range.start.line === line).map(l => l.command?.title ?? '');
    const lensesOf = (uri: vscode.Uri): Thenable<vscode.CodeLens[]> =>
      vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);

    const main = await vscode.workspace.openTextDocument(uriOf(MAIN));
    await vscode.window.showTextDocument(main);
    const spawnLine = main.positionAt(main.getText().indexOf('new Worker(')).line;
    const onSpawn = (lenses: vscode.CodeLens[]): boolean => titlesOf(lenses, spawnLine).some(t => /^(joined at|never joined)/.test(t));
    const mainLenses = await askUntil(() => lensesOf(main.uri), onSpawn);
    assert.ok(onSpawn(mainLenses), `lenses of ${MAIN} line ${spawnLine + 1}: ${JSON.stringify(titlesOf(mainLenses, spawnLine))}`);

    await vscode.window.showTextDocument(worker);
    const spawned = (lenses: vscode.CodeLens[]): boolean => titlesOf(lenses).some(t => t.startsWith('spawned by main.ts:'));
    const workerLenses = await askUntil(() => lensesOf(worker.uri), spawned);
    assert.ok(spawned(workerLenses), `lenses of ${WORKER}: ${JSON.stringify(titlesOf(workerLenses))}`);
  });

  it('judges worker.ts again when main.ts changes (its lens follows the spawn)', async function () {
    this.timeout(60_000);
    const lensesOf = (uri: vscode.Uri): Thenable<vscode.CodeLens[]> =>
      vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
    const spawnedBy = (lenses: vscode.CodeLens[]): string | undefined =>
      lenses.map(l => l.command?.title ?? '').find(t => t.startsWith('spawned by'));
    const main = await vscode.workspace.openTextDocument(uriOf(MAIN));
    const spawnLine = main.positionAt(main.getText().indexOf('new Worker(')).line;
    const before = `spawned by main.ts:${spawnLine + 1}`;
    assert.equal(spawnedBy(await askUntil(() => lensesOf(worker.uri), l => spawnedBy(l) === before)), before);

    // Two lines pushed in above the spawn (main.ts stays open and unsaved): the worker hears of it.
    const push = new vscode.WorkspaceEdit();
    push.insert(main.uri, new vscode.Position(0, 0), '// moved\n// down\n');
    assert.ok(await vscode.workspace.applyEdit(push));
    const after = `spawned by main.ts:${spawnLine + 3}`;
    assert.equal(spawnedBy(await askUntil(() => lensesOf(worker.uri), l => spawnedBy(l) === after)), after);

    const undo = new vscode.WorkspaceEdit();
    undo.delete(main.uri, new vscode.Range(0, 0, 2, 0));
    assert.ok(await vscode.workspace.applyEdit(undo));
    assert.equal(spawnedBy(await askUntil(() => lensesOf(worker.uri), l => spawnedBy(l) === before)), before);
  });

  it('opens the thread map in a webview panel, once however often it is asked for', async () => {
    const mapTabs = (): vscode.Tab[] => vscode.window.tabGroups.all.flatMap(g => g.tabs)
      // VS Code prefixes the extension's view type (`mainThreadWebview-fearless.threadMap`).
      .filter(t => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('fearless.threadMap'));
    await vscode.commands.executeCommand('fearless.showThreadMap');
    const deadline = Date.now() + 10_000;
    while (mapTabs().length === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100));
    assert.deepEqual(mapTabs().map(t => t.label), ['Fearless: Thread map']);
    await vscode.commands.executeCommand('fearless.showThreadMap');
    assert.equal(mapTabs().length, 1);
    await vscode.window.tabGroups.close(mapTabs());
  });

  it('reports a bug typed into worker.ts (time to diagnostics measured)', async function () {
    this.timeout(90_000);
    const diagnostic = (await settledWorker()).find(d => ruleOf(d) === SHARED_WRITE)!;
    const line = diagnostic.range.start.line + 1;
    const onNewLine = (ds: vscode.Diagnostic[]): boolean => ds.some(d => ruleOf(d) === SHARED_WRITE && d.range.start.line === line);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const insert = new vscode.WorkspaceEdit();
      insert.insert(worker.uri, new vscode.Position(line, 0), `  progress[CHUNKS_DONE] += ${i + 2};\n`);
      const start = performance.now();
      assert.ok(await vscode.workspace.applyEdit(insert));
      assert.ok(onNewLine(await diagnosticsWhen(worker.uri, onNewLine, 10_000)), `edit ${i + 1}: no diagnostic on line ${line + 1}`);
      times.push(performance.now() - start);

      const remove = new vscode.WorkspaceEdit();
      remove.delete(worker.uri, new vscode.Range(line, 0, line + 1, 0));
      assert.ok(await vscode.workspace.applyEdit(remove));
      assert.ok(!onNewLine(await diagnosticsWhen(worker.uri, ds => !onNewLine(ds), 10_000)), `edit ${i + 1}: diagnostic stayed`);
    }
    times.sort((a, b) => a - b);
    const median = (times[4] + times[5]) / 2;
    const debounce = vscode.workspace.getConfiguration('fearless').get<number>('debounceMs');
    report(`fearless: diagnostics after edit median ${Math.round(median)} ms ` +
      `(${times.length} edits, ${Math.round(times[0])}-${Math.round(times[times.length - 1])} ms, debounce ${debounce} ms)`);
  });
});

/**
 * The server's state and its one loop of work: which documents to analyse when, in which project,
 * and what to publish. Edits are debounced per document and a newer version supersedes older work;
 * the workspace scan runs file by file, yielding to the event loop between files so edits and
 * requests are served meanwhile, and stops when a newer scan starts. The thread graph makes the
 * work cross files: when a file's spawn sites change, the modules they start are judged again.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Connection, type Diagnostic, MessageType, ShowMessageNotification, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { FileAnalysis, type UntypedApiUse, analyzeFile } from '../engine/analyze-file';
import { parseWithinBudget } from '../analysis/program/budget';
import type { FileFacts } from '../analysis/file-facts';
import { fileExists, isSourceFile, readText } from '../analysis/program/files';
import { generatedReason } from '../analysis/program/generated';
import { untypedSummary } from '../analysis/threads/untyped-apis';
import { DiskModuleFiles } from '../analysis/threads/module-files';
import { Project } from '../analysis/project';
import { type LoadedConfig, formatConfigProblem } from '../config/config-file';
import { ConfigDiagnostics, isConfigFile } from './config-diagnostics';
import { Locator, toDiagnostic } from './convert';
import { Folders } from './folders';
import type { Settings } from './settings';
import { errorText } from '../core/error-text';
import { STATUS_NOTIFICATION, type Status } from '../protocol/methods';
import { RULE_SET } from '../rules/registry';

export interface Analysed {
  version: number;
  analysis: FileAnalysis;
}

/** `warning` on idle: some uses of thread APIs have no types, so some rules could not check them. */

/**
 * Programs (each with its type checker) the server holds at once: the ones of the files being edited
 * stay, the others of a repository of many package roots are built again if asked for.
 */
const LIVE_PROGRAMS = 8;

export class Session {
  /** Files on disk as spawn sites resolve them (also what hover, lens and actions use). */
  readonly files = new DiskModuleFiles();
  /**
   * Every file analysed so far, with the spawn sites and lock orders of each (an inversion spans files);
   * a spawner a rule asks about that nobody opened is added to it, if it is on disk or open.
   */
  readonly project = new Project({
    livePrograms: LIVE_PROGRAMS,
    files: this.files,
    mayAdd: file => fileExists(file) || this.documents.get(pathToFileURL(file).href) !== undefined,
  });
  readonly folders = new Folders(loaded => this.configRead(loaded));
  private readonly configDiagnostics: ConfigDiagnostics;
  private readonly results = new Map<string, Analysed>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Closed files whose diagnostics we published (run mode `workspace`), to clear when that stops. */
  private readonly closedPublished = new Set<string>();
  private scanGeneration = 0;
  /** The text each file was last analysed with. */
  private readonly analysedText = new Map<string, string>();
  /** Per file, its uses of thread APIs without types (see analysis/untyped-apis.ts), as last analysed. */
  private readonly untyped = new Map<string, readonly UntypedApiUse[]>();
  private lastError: string | undefined;
  /** Generated or minified files left unanalysed, logged once each. */
  private readonly skippedGenerated = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly canRefreshLenses: () => boolean,
  ) {
    this.configDiagnostics = new ConfigDiagnostics(connection, file => documents.get(pathToFileURL(file).href)?.getText());
  }

  /** The text a user sees for a file: the open document, else the disk. */
  readonly textOf = (file: string): string | undefined => {
    const doc = this.documents.get(pathToFileURL(file).href);
    if (doc) return doc.getText();
    return readText(file);
  };

  settingsOf(file: string): Settings {
    return this.folders.of(file).settings;
  }

  /** An edit (or an open): analyse after the folder's debounce, unless it only runs on save. */
  changed(doc: TextDocument, reason: 'open' | 'change' | 'save'): void {
    const file = pathOf(doc.uri);
    if (file && isConfigFile(file)) return this.configDiagnostics.validate(file);
    if (!file || !isSourceFile(file)) return;
    const { settings } = this.folders.of(file);
    if (!settings.enable) return;
    if (reason === 'change' && settings.run === 'onSave') return;
    this.schedule(doc.uri, reason === 'change' ? settings.debounceMs : 0);
  }

  closed(doc: TextDocument): void {
    this.cancel(doc.uri);
    this.results.delete(doc.uri);
    const file = pathOf(doc.uri);
    if (file && isConfigFile(file)) return this.configDiagnostics.validate(file);
    if (file) this.project.workspace.refresh(file); // the disk is the truth again, unsaved edits are gone
    if (file && this.folders.of(file).settings.run === 'workspace' && isSourceFile(file)) {
      this.analyseClosed(file);
    } else {
      void this.connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
    }
  }

  /** Analysis of the document's current version: the stored one, or a fresh one right now. */
  current(uri: string): Analysed | undefined {
    const doc = this.documents.get(uri);
    const file = pathOf(uri);
    if (!doc || !file || !isSourceFile(file) || !this.folders.of(file).settings.enable) return undefined;
    const known = this.results.get(uri);
    if (known?.version === doc.version) return known;
    this.cancel(uri);
    return this.validate(uri);
  }

  /** Everything judged again: settings, configuration or projects changed. */
  rescheduleAll(): void {
    this.results.clear();
    for (const doc of this.documents.all()) {
      const file = pathOf(doc.uri);
      if (file && !this.folders.of(file).settings.enable) {
        this.cancel(doc.uri);
        void this.connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
      } else {
        this.schedule(doc.uri, 0);
      }
    }
  }

  /** A source file changed on disk, outside the editor (or was created or deleted). */
  fileChangedOnDisk(file: string, change: 'created' | 'changed' | 'deleted'): void {
    // Spawns of this module find it now, or no longer: worker-entry-not-found and the thread graph change there.
    if (change !== 'changed') this.refreshTargets(this.project.graph.spawnersOfName(file));
    if (this.documents.get(pathToFileURL(file).href)) return; // the editor's text wins while it is open
    if (change === 'deleted') {
      this.refreshTargets(this.project.remove(file));
      this.closedPublished.delete(file);
      void this.connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics: [] });
      return;
    }
    if (this.project.workspace.has(file)) this.project.workspace.refresh(file);
    const text = this.textOf(file);
    if (text !== undefined) this.refreshTargets(this.updateGraph(file, text));
    if (this.folders.of(file).settings.run === 'workspace') this.analyseClosed(file);
  }

  /**
   * The start-up (and after-configuration) scan: the thread graph from every source file of every
   * folder, then, in `workspace` run mode, a full analysis of each closed file. Reports progress.
   */
  async scan(progress: { report(percentage: number, message: string): void; done(): void }): Promise<void> {
    const generation = ++this.scanGeneration;
    const stale = (): boolean => generation !== this.scanGeneration;
    const files = this.folders.all().flatMap(folder => this.folders.filesOf(folder));
    const full = files.filter(f => this.folders.of(f).settings.run === 'workspace' && this.folders.of(f).settings.enable);
    const total = files.length + full.length;
    let done = 0;
    const step = async (message: string): Promise<void> => {
      done++;
      if (done % 20 === 0 || done === total) {
        progress.report(Math.round((done / Math.max(total, 1)) * 100), message);
        this.status({ state: 'busy', text: `${done}/${total}` });
      }
      await new Promise<void>(resolve => setImmediate(resolve));
    };
    try {
      for (const file of files) {
        if (stale()) return;
        const text = this.textOf(file);
        try {
          if (text !== undefined) this.updateGraph(file, text);
        } catch (e) {
          this.reportError(`Fearless could not read the spawn sites of ${file}: ${errorText(e)}`);
        }
        await step(`spawn sites: ${done + 1}/${files.length} files`);
      }
      for (const file of full) {
        if (stale()) return;
        if (!this.documents.get(pathToFileURL(file).href)) this.analyseClosed(file);
        await step(`analysis: ${done + 1 - files.length}/${full.length} files`);
      }
    } finally {
      progress.done();
      if (!stale()) {
        // Open documents whose spawners the scan found were judged again as the graph learned them.
        this.status(this.lastError ? { state: 'error', text: this.lastError } : this.idle());
        this.clearClosedUnlessWorkspaceMode();
      }
    }
  }

  /** Spawn sites from a file's text alone (closed files, the scan); a file too deep to parse safely spawns nothing. */
  private updateGraph(file: string, text: string): Set<string> {
    const { sourceFile } = parseWithinBudget(file, text);
    return sourceFile ? this.project.graph.update(sourceFile) : this.project.graph.remove(file);
  }

  /**
   * After the configuration files were read again (`Folders.set`): those flagged before and not read
   * since (deleted, or no longer above any file) are judged as they are now.
   */
  reviewConfigDiagnostics(): void {
    for (const file of this.configDiagnostics.flaggedFiles()) {
      if (!this.folders.reads(path.dirname(file), file)) this.configDiagnostics.validate(file);
    }
  }

  /** A configuration file read for analysis: its problems on it, and said once, for clients that show no diagnostics of closed files. */
  private configRead(loaded: LoadedConfig): void {
    this.configDiagnostics.read(loaded);
    const [first, ...more] = loaded.problems;
    if (!first) return;
    const also = more.length > 0 ? ` (and ${more.length} more)` : '';
    // A notification: the server wants no answer, and a client that cannot give one must not fail it.
    void this.connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Warning,
      message: `Fearless: ${formatConfigProblem(first, path.dirname(loaded.file))}${also}; the rest of the configuration applies`,
    });
  }

  private schedule(uri: string, delayMs: number): void {
    this.cancel(uri);
    this.pending.set(uri, setTimeout(() => {
      this.pending.delete(uri);
      this.validate(uri);
    }, delayMs));
  }

  private cancel(uri: string): void {
    clearTimeout(this.pending.get(uri));
    this.pending.delete(uri);
  }

  private validate(uri: string): Analysed | undefined {
    const doc = this.documents.get(uri);
    const file = pathOf(uri);
    if (!doc || !file || !isSourceFile(file)) return undefined;
    if (!this.folders.of(file).settings.enable) return undefined;
    const analysis = this.analyse(file, () => this.project.workspace.setText(file, doc.getText()));
    const result = { version: doc.version, analysis };
    this.results.set(uri, result);
    this.publish(uri, doc.version, analysis);
    return result;
  }

  /**
   * The facts of a file as the user sees it, for views of the whole workspace (the thread map): the
   * open document's current analysis, else an analysis of the disk's text that is not published.
   */
  factsOf(file: string): FileFacts | undefined {
    const uri = pathToFileURL(file).href;
    return this.documents.get(uri) ? this.current(uri)?.analysis.facts : this.analyseOnDisk(file)?.facts;
  }

  private analyseClosed(file: string): void {
    const analysis = this.analyseOnDisk(file);
    if (!analysis) return;
    this.closedPublished.add(file);
    this.publish(pathToFileURL(file).href, undefined, analysis);
  }

  private analyseOnDisk(file: string): FileAnalysis | undefined {
    if (!this.folders.of(file).settings.enable) return undefined;
    return this.analyse(file, () => {
      if (!this.project.workspace.has(file)) this.project.workspace.add(file);
    });
  }

  /** `load` puts the file's text in the workspace: inside the guard, since the file may be gone from disk by now. */
  private analyse(file: string, load: () => void): FileAnalysis {
    try {
      // As in `fearless check`: a file the configuration's `ignores` match is not analysed, open or not.
      const { config, ignored } = this.folders.configOf(file);
      if (ignored) return { findings: [], errors: [] };
      load();
      const parsed = this.project.workspace.get(file);
      if (!parsed) return { findings: [], errors: [] };
      // As `fearless check` leaves out what a folder brings in: findings there are not the user's to fix.
      const generated = generatedReason(file, parsed.sourceFile.text);
      if (generated) {
        if (!this.skippedGenerated.has(file)) this.connection.console.info(`Fearless: not analysing ${file}: it looks ${generated}.`);
        this.skippedGenerated.add(file);
        return { findings: [], errors: [] };
      }
      this.skippedGenerated.delete(file);
      const changedTargets = this.project.readSpawns(file);
      // What a worker receives comes from its spawner's text, and what a spawner's listeners receive
      // from its workers': any edit re-judges the files at the other end of its spawn edges, not only
      // one that moves a spawn (once per new text, so spawn cycles settle).
      if (this.analysedText.get(file) !== parsed.sourceFile.text) {
        this.analysedText.set(file, parsed.sourceFile.text);
        for (const target of this.project.graph.targets(file)) changedTargets.add(target);
        for (const spawner of this.project.graph.spawners(file)) if (spawner.file !== file) changedTargets.add(spawner.file);
      }
      this.refreshTargets(changedTargets);
      // This file's lock orders before its rules run; files whose inversions they change are judged again.
      const { changed, error } = this.project.readLockOrders(file);
      if (error) this.reportError(error);
      this.refreshTargets(changed);
      const analysis = analyzeFile(parsed.sourceFile, parsed.program, RULE_SET, config, this.project.context);
      for (const e of analysis.errors) this.reportError(e);
      const untypedChanged = this.noteUntyped(file, analysis.untyped ?? []);
      if (analysis.errors.length === 0 && (this.lastError !== undefined || untypedChanged)) {
        this.lastError = undefined; // what failed before works now (or was edited away)
        this.status(this.idle());
      }
      return analysis;
    } catch (e) {
      this.reportError(`Fearless could not analyse ${file}: ${errorText(e)}`);
      return { findings: [], errors: [] };
    }
  }

  private publish(uri: string, version: number | undefined, analysis: FileAnalysis): void {
    const at = new Locator(this.textOf);
    const diagnostics: Diagnostic[] = analysis.findings.map(f => toDiagnostic(f, at));
    void this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  /** Modules whose spawners changed are judged again: open ones at once, closed ones in workspace mode. */
  private refreshTargets(targets: ReadonlySet<string>): void {
    if (targets.size === 0) return;
    for (const target of targets) {
      const uri = pathToFileURL(target).href;
      if (this.documents.get(uri)) {
        this.results.delete(uri);
        this.schedule(uri, 0);
      } else if (this.folders.of(target).settings.run === 'workspace' && fileExists(target)) {
        setImmediate(() => this.analyseClosed(target));
      }
    }
    if (this.canRefreshLenses()) void this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  }

  private clearClosedUnlessWorkspaceMode(): void {
    for (const file of [...this.closedPublished]) {
      if (this.folders.of(file).settings.run === 'workspace' && this.folders.of(file).settings.enable) continue;
      this.closedPublished.delete(file);
      if (!this.documents.get(pathToFileURL(file).href)) {
        void this.connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics: [] });
      }
    }
  }

  /** Records a file's untyped uses, logging new ones; whether the workspace's changed. */
  private noteUntyped(file: string, uses: readonly UntypedApiUse[]): boolean {
    const key = (list: readonly UntypedApiUse[] | undefined): string => JSON.stringify(list?.map(u => [u.name, u.reason, u.rules]) ?? []);
    if (key(this.untyped.get(file)) === key(uses)) return false;
    if (uses.length > 0) this.untyped.set(file, uses);
    else this.untyped.delete(file);
    const at = new Locator(this.textOf);
    for (const use of uses) {
      const { line, character } = at.position(file, use.start);
      this.connection.console.warn(`Fearless: ${file}:${line + 1}:${character + 1}: '${use.name}' has no types (${use.reason}): ` +
        `${use.rules.join(', ')} cannot check its uses.`);
    }
    return true;
  }

  /** The idle status, with what the workspace's uses of untyped thread APIs keep from being checked. */
  private idle(): Status {
    const uses = [...this.untyped.values()].flat();
    return uses.length === 0 ? { state: 'idle' } : { state: 'idle', warning: untypedSummary(uses) };
  }

  private reportError(message: string): void {
    this.connection.console.error(message);
    this.lastError = message.split('\n')[0];
    this.status({ state: 'error', text: this.lastError });
  }

  private status(status: Status): void {
    void this.connection.sendNotification(STATUS_NOTIFICATION, status);
  }
}

export function pathOf(uri: string): string | undefined {
  return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
}

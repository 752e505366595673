/**
 * The language server: wiring between LSP messages and the session that analyses documents. It
 * decides nothing about bugs: text goes to the engine, findings and facts come back and are
 * converted (diagnostics, code actions, hover, code lens). Every handler is guarded so that a
 * failure is logged and answered with nothing rather than taking the server down.
 */
import {
  CancellationToken, CodeActionKind, CodeActionParams, CodeLensParams, CompletionParams, DidChangeWatchedFilesNotification,
  ExecuteCommandParams, FileChangeType, HoverParams, InitializeParams, InitializeResult, LSPErrorCodes,
  ProposedFeatures, ResponseError, TextDocumentSyncKind, TextDocuments, WorkDoneProgressReporter, createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { explainAt, spawnsOf } from '../views/explain';
import { isSourceFile } from '../analysis/program/files';
import { LineIndex, withoutBom } from '../core/positions';
import { FIX_ALL_KIND, FIX_ALL_TITLE, codeActionsFor, fixAllEdit } from './code-actions';
import { spawnLenses, workerModuleLens } from './code-lens';
import { Locator } from './convert';
import { snippetCompletions } from './completions';
import { hoverMarkdown } from './hover';
import { CREATE_WORKER_KIND, createWorkerActions } from './worker-file-action';
import { Session, pathOf } from './session';
import { THREAD_MAP_REQUEST, ThreadMaps } from './thread-map-request';
import { APPLY_FIX_ALL_COMMAND, type ThreadMapParams } from '../protocol/methods';
import { DEFAULT_SETTINGS, Settings, parseSettings } from './settings';
import { errorText } from '../core/error-text';

/** Executed by the server so every client can offer "fix all" as a command. */
const CONFIG_FILES = /(^|[\\/])(fearless\.json|package\.json)$/;
const PROJECT_FILES = /(^|[\\/])(tsconfig|jsconfig)[^\\/]*\.json$/;
const CHANGE_KINDS = {
  [FileChangeType.Created]: 'created', [FileChangeType.Changed]: 'changed', [FileChangeType.Deleted]: 'deleted',
} as const;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let canPullConfiguration = false;
let canRefreshLenses = false;
let canWatchFiles = false;
let canFollowFolders = false;
/** Settings pushed by clients that cannot be asked (`initializationOptions`, `didChangeConfiguration`). */
let pushedSettings: Settings = DEFAULT_SETTINGS;
let folderUris: string[] = [];
let snippetCompletionsWanted = true;
const session = new Session(connection, documents, () => canRefreshLenses);
let foldersKnown!: () => void;
/** Settled once the first `restart` has read the workspace folders: what whole-workspace answers wait for. */
const foldersReady = new Promise<void>(resolve => {
  foldersKnown = resolve;
});
const threadMaps = new ThreadMaps(connection, session, foldersReady);

async function settingsOf(scopeUri: string | undefined): Promise<Settings> {
  if (!canPullConfiguration) return pushedSettings;
  try {
    return parseSettings(await connection.workspace.getConfiguration({ scopeUri, section: 'fearless' }));
  } catch {
    return pushedSettings;
  }
}

/**
 * A request handler that honours cancellation: the engine works synchronously, so the request
 * first yields once, letting a `$/cancelRequest` (or a newer edit) that is already on the wire be
 * read; a cancelled request is then answered with RequestCancelled instead of being computed.
 * A handler that works asynchronously may answer with an error of its own (a ResponseError).
 */
function request<P, R>(what: string, fallback: R, handler: (params: P, token: CancellationToken) => R | Promise<R>) {
  return async (params: P, token: CancellationToken): Promise<R | ResponseError<void>> => {
    await new Promise<void>(resolve => setImmediate(resolve));
    if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${what} cancelled`);
    try {
      return await handler(params, token);
    } catch (e) {
      if (e instanceof ResponseError) return e;
      logFailure(what, e);
      return fallback;
    }
  };
}

function guard<A extends unknown[], R>(what: string, fallback: R, handler: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    try {
      return handler(...args);
    } catch (e) {
      logFailure(what, e);
      return fallback;
    }
  };
}

function logFailure(what: string, e: unknown): void {
  connection.console.error(`Fearless ${what} failed: ${errorText(e)}`);
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  canPullConfiguration = caps.workspace?.configuration === true;
  canRefreshLenses = caps.workspace?.codeLens?.refreshSupport === true;
  canWatchFiles = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  canFollowFolders = caps.workspace?.workspaceFolders === true;
  const options = params.initializationOptions as { settings?: unknown; snippetCompletions?: boolean } | undefined;
  pushedSettings = parseSettings(options?.settings ?? options);
  // VS Code has the snippets from the extension's manifest; other editors get them from here.
  snippetCompletionsWanted = options?.snippetCompletions !== false;
  folderUris = params.workspaceFolders?.map(f => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, CREATE_WORKER_KIND] },
      completionProvider: snippetCompletionsWanted ? { resolveProvider: false } : undefined,
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
      executeCommandProvider: { commands: [APPLY_FIX_ALL_COMMAND] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'fearless', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  if (canWatchFiles) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      // One simple pattern each: some clients (eglot) cannot parse `*` inside `{…}` and then drop them all.
      watchers: ['**/fearless.json', '**/package.json', '**/tsconfig*.json', '**/jsconfig*.json', '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}']
        .map(globPattern => ({ globPattern })),
    }).catch(() => undefined);
  }
  // vscode-languageserver throws for a client without folder events: `initialized` would then end here.
  if (canFollowFolders && folderUris.length > 0) {
    connection.workspace.onDidChangeWorkspaceFolders(async event => {
      const removed = new Set(event.removed.map(f => f.uri));
      folderUris = [...folderUris.filter(u => !removed.has(u)), ...event.added.map(f => f.uri)];
      await restart(true);
    });
  }
  await restart(true);
});

/**
 * (Re)reads settings and configuration, then judges open documents again and rescans the workspace,
 * unless nothing changed (`force` aside): some clients announce unchanged settings right after open.
 */
async function restart(force: boolean): Promise<void> {
  try {
    const changed = await session.folders.set(folderUris, settingsOf, force);
    foldersKnown();
    if (!changed && !force) return;
    session.reviewConfigDiagnostics();
    session.rescheduleAll();
    threadMaps.changed();
    const progress: WorkDoneProgressReporter = await connection.window.createWorkDoneProgress();
    progress.begin('Fearless', 0, 'Scanning the workspace', false);
    await session.scan(progress);
  } catch (e) {
    // Its callers are notification handlers: a rejection nobody handles would end the process.
    logFailure('restart', e);
  }
}

documents.onDidOpen(guard('open', undefined, e => session.changed(e.document, 'open')));
documents.onDidChangeContent(guard('change', undefined, e => session.changed(e.document, 'change')));
documents.onDidSave(guard('save', undefined, e => session.changed(e.document, 'save')));
documents.onDidClose(guard('close', undefined, e => session.closed(e.document)));
// Closing drops unsaved edits: the disk's text is what the map shows again.
for (const event of [documents.onDidChangeContent, documents.onDidClose]) {
  event(e => {
    const file = pathOf(e.document.uri);
    if (file && isSourceFile(file)) threadMaps.changed();
  });
}

connection.onDidChangeConfiguration(async change => {
  const pushed = (change.settings as { fearless?: unknown } | undefined)?.fearless;
  if (pushed !== undefined) pushedSettings = parseSettings(pushed);
  await restart(false);
});

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  let restartNeeded = false;
  for (const change of changes) {
    const file = pathOf(change.uri);
    if (!file) continue;
    if (PROJECT_FILES.test(file)) {
      session.project.renewPrograms(); // compiler options changed: every program is rebuilt
      restartNeeded = true;
    } else if (CONFIG_FILES.test(file)) {
      restartNeeded = true;
    } else if (isSourceFile(file)) {
      guard('file change', undefined, () => session.fileChangedOnDisk(file, CHANGE_KINDS[change.type]))();
      threadMaps.changed();
    }
  }
  if (restartNeeded) await restart(true);
});

connection.onCodeAction(request('code action', [], (params: CodeActionParams, token) => {
  const file = pathOf(params.textDocument.uri);
  const doc = documents.get(params.textDocument.uri);
  const known = session.current(params.textDocument.uri);
  if (!file || !doc || !known || token.isCancellationRequested) return [];
  const at = new Locator(session.textOf);
  const only = params.context.only;
  const refactors = known.analysis.facts && (!only || only.some(k => CREATE_WORKER_KIND.startsWith(k)))
    ? createWorkerActions(known.analysis.facts, params.range, at, session.files) : [];
  return [...codeActionsFor(file, withoutBom(doc.getText()), known.analysis.findings, params.range, only, at), ...refactors];
}));

connection.onCompletion(request('completion', [], (params: CompletionParams) => {
  const doc = documents.get(params.textDocument.uri);
  const file = pathOf(params.textDocument.uri);
  if (!doc || !file || !isSourceFile(file) || !session.settingsOf(file).enable) return [];
  const offset = new LineIndex(doc.getText()).offsetAt({ line: params.position.line, column: params.position.character });
  return snippetCompletions(file, doc.getText(), offset);
}));

connection.onHover(request('hover', null, (params: HoverParams, token) => {
  const file = pathOf(params.textDocument.uri);
  const known = session.current(params.textDocument.uri);
  const facts = known?.analysis.facts;
  if (!file || !facts || token.isCancellationRequested) return null;
  const at = new Locator(session.textOf);
  const explanation = explainAt(facts, at.offset(file, params.position), session.files);
  return explanation ? { contents: hoverMarkdown(explanation, at) } : null;
}));

connection.onCodeLens(request('code lens', [], (params: CodeLensParams, token) => {
  const file = pathOf(params.textDocument.uri);
  if (!file || !session.settingsOf(file).codeLens) return [];
  const facts = session.current(params.textDocument.uri)?.analysis.facts;
  if (!facts || token.isCancellationRequested) return [];
  const at = new Locator(session.textOf);
  return [...workerModuleLens(session.project.graph.spawners(file), at), ...spawnLenses(spawnsOf(facts, session.files), at)];
}));

connection.onRequest(THREAD_MAP_REQUEST, request('thread map', null, (params: ThreadMapParams | null | undefined, token) =>
  threadMaps.map(params, token)));

connection.onExecuteCommand(request('fix all', undefined, (params: ExecuteCommandParams) => {
  if (params.command !== APPLY_FIX_ALL_COMMAND) return;
  const uri = params.arguments?.[0];
  const doc = typeof uri === 'string' ? documents.get(uri) : undefined;
  const file = typeof uri === 'string' ? pathOf(uri) : undefined;
  const known = typeof uri === 'string' ? session.current(uri) : undefined;
  if (!doc || !file || !known) return;
  const edit = fixAllEdit(file, withoutBom(doc.getText()), known.analysis.findings, new Locator(session.textOf));
  // A request the client may refuse: its failure must not become an unhandled rejection, which ends the process.
  if (edit) connection.workspace.applyEdit({ label: FIX_ALL_TITLE, edit }).catch(e => logFailure('fix all', e));
}));

documents.listen(connection);
connection.listen();

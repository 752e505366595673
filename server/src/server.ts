/**
 * The language server: documents in, diagnostics and code actions out. It decides nothing about
 * bugs: text goes to the engine, findings come back and are converted. Analysis runs after a short
 * debounce; a newer edit of the same document supersedes older pending work.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind, CodeActionParams, DidChangeConfigurationNotification, InitializeParams, InitializeResult,
  ProposedFeatures, TextDocumentSyncKind, TextDocuments, createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeFile } from './analysis/analyze';
import type { Finding } from './analysis/finding';
import { isSourceFile } from './analysis/files';
import { Workspace } from './analysis/workspace';
import { DEFAULT_CONFIG, FearlessConfig, formatConfigProblem, loadConfig } from './config';
import { RULE_METAS } from './rules/index';
import { FIX_ALL_KIND, codeActionsFor } from './lsp/code-actions';
import { toDiagnostic } from './lsp/convert';

const DEFAULT_DEBOUNCE_MS = 150;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let workspace = new Workspace();
let config: FearlessConfig = DEFAULT_CONFIG;
let rootDir: string | undefined;
let debounceMs = DEFAULT_DEBOUNCE_MS;
const findingsByUri = new Map<string, { version: number; findings: Finding[] }>();
const pending = new Map<string, NodeJS.Timeout>();

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  rootDir = folder?.startsWith('file:') ? fileURLToPath(folder) : undefined;
  const options = params.initializationOptions as { debounceMs?: number } | undefined;
  if (typeof options?.debounceMs === 'number') debounceMs = options.debounceMs;
  reloadConfig();
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
    },
    serverInfo: { name: 'fearless' },
  };
});

connection.onInitialized(() => {
  void connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
});

function reloadConfig(): void {
  if (!rootDir) return;
  const loaded = loadConfig(rootDir, RULE_METAS.map(m => m.id));
  config = loaded.config;
  for (const problem of loaded.problems) {
    void connection.window.showWarningMessage(`Fearless: ${formatConfigProblem(problem, rootDir)} (using defaults)`);
  }
}

function filePathOf(uri: string): string | undefined {
  return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
}

/** The text of a file as the user sees it: the open document, else the disk. */
function textOf(file: string): string | undefined {
  for (const doc of documents.all()) if (filePathOf(doc.uri) === file) return doc.getText();
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function schedule(doc: TextDocument): void {
  clearTimeout(pending.get(doc.uri));
  pending.set(doc.uri, setTimeout(() => {
    pending.delete(doc.uri);
    validate(doc.uri, doc.version);
  }, debounceMs));
}

function validate(uri: string, version: number): void {
  const doc = documents.get(uri);
  const file = filePathOf(uri);
  if (!doc || doc.version !== version || !file || !isSourceFile(file)) return;
  let findings: Finding[] = [];
  try {
    workspace.setText(file, doc.getText());
    const parsed = workspace.get(file);
    if (parsed) {
      const result = analyzeFile(parsed.sourceFile, parsed.program, config);
      findings = result.findings;
      for (const e of result.errors) connection.console.error(e);
    }
  } catch (e) {
    connection.console.error(`Fearless could not analyse ${file}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  }
  if (documents.get(uri)?.version !== version) return; // a newer edit arrived meanwhile: its run will publish
  findingsByUri.set(uri, { version, findings });
  void connection.sendDiagnostics({ uri, version, diagnostics: findings.map(f => toDiagnostic(f, textOf)) });
}

documents.onDidOpen(e => schedule(e.document));
documents.onDidChangeContent(e => schedule(e.document));
documents.onDidClose(e => {
  clearTimeout(pending.get(e.document.uri));
  pending.delete(e.document.uri);
  findingsByUri.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onDidChangeConfiguration(() => {
  reloadConfig();
  for (const doc of documents.all()) schedule(doc);
});

connection.onDidChangeWatchedFiles(() => {
  // A config, tsconfig or another source changed on disk: start from a fresh workspace.
  workspace = new Workspace();
  reloadConfig();
  for (const doc of documents.all()) schedule(doc);
});

connection.onCodeAction((params: CodeActionParams) => {
  const doc = documents.get(params.textDocument.uri);
  const file = filePathOf(params.textDocument.uri);
  const known = findingsByUri.get(params.textDocument.uri);
  if (!doc || !file || !known || known.version !== doc.version) return [];
  return codeActionsFor(file, doc.getText(), known.findings, params.range, params.context.only, textOf);
});

documents.listen(connection);
connection.listen();

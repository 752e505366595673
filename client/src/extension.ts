/**
 * The VS Code side: starts the bundled language server, gives it the `fearless.*` settings, and
 * adds what only the editor can do: commands, the status-bar item, opening the places the server's
 * code lenses name, and the thread map's webview.
 */
import path from 'node:path';
import {
  ExtensionContext, Position, Range, StatusBarAlignment, StatusBarItem, ThemeColor, Uri, commands, window,
} from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { ThreadMapPanel } from './thread-map/panel';
import { APPLY_FIX_ALL_COMMAND, OPEN_LOCATION_COMMAND, STATUS_NOTIFICATION, THREAD_MAP_CHANGED_NOTIFICATION, type Status } from '../../server/src/protocol/methods';

const LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'];
const CONFIG_FILES = ['**/fearless.json', '**/package.json'];


let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // The configuration files too: the server shows their mistakes as they are typed.
    documentSelector: [
      ...LANGUAGES.map(language => ({ scheme: 'file', language })),
      ...CONFIG_FILES.map(pattern => ({ scheme: 'file', pattern })),
    ],
    // Tells the server when a `fearless.*` setting changes; it then asks for the values per folder
    // (workspace/configuration). It registers its own file watchers.
    synchronize: { configurationSection: 'fearless' },
    // VS Code inserts the snippets from the extension's manifest: the server need not offer them too.
    initializationOptions: { snippetCompletions: false },
  };
  const status = window.createStatusBarItem('fearless.status', StatusBarAlignment.Right, 100);
  status.name = 'Fearless';
  status.command = 'fearless.showOutput';
  showStatus(status, { state: 'busy', text: 'starting' });
  status.show();
  context.subscriptions.push(status);

  const newClient = new LanguageClient('fearless', 'Fearless', serverOptions, clientOptions);
  client = newClient;
  context.subscriptions.push(
    newClient.onNotification(STATUS_NOTIFICATION, (s: Status) => showStatus(status, s)),
    newClient.onNotification(THREAD_MAP_CHANGED_NOTIFICATION, () => ThreadMapPanel.changed()),
    newClient.onDidChangeState(e => {
      if (e.newState === State.Stopped) showStatus(status, { state: 'error', text: 'server stopped' });
      // A restarted server knows of no map drawn: the panel asks again.
      if (e.newState === State.Running) ThreadMapPanel.changed();
    }),
    commands.registerCommand('fearless.fixAll', async () => {
      const editor = window.activeTextEditor;
      if (!editor || !LANGUAGES.includes(editor.document.languageId)) return;
      await newClient.sendRequest('workspace/executeCommand', {
        command: APPLY_FIX_ALL_COMMAND, arguments: [editor.document.uri.toString()],
      });
    }),
    commands.registerCommand('fearless.restartServer', async () => {
      showStatus(status, { state: 'busy', text: 'restarting' });
      await newClient.restart();
    }),
    commands.registerCommand('fearless.showOutput', () => newClient.outputChannel.show(true)),
    commands.registerCommand('fearless.showThreadMap', () => ThreadMapPanel.show(newClient)),
    commands.registerCommand(OPEN_LOCATION_COMMAND, async (uri: string, range: { start: Position; end: Position }) => {
      await window.showTextDocument(Uri.parse(uri), {
        selection: new Range(range.start.line, range.start.character, range.end.line, range.end.character),
      });
    }),
  );
  // The server reports idle when its start-up scan is done.
  await newClient.start();
}

function showStatus(item: StatusBarItem, status: Status): void {
  if (status.state === 'busy') {
    item.text = `$(sync~spin) Fearless ${status.text}`;
    item.tooltip = 'Fearless is analysing the workspace';
    item.backgroundColor = undefined;
  } else if (status.state === 'error') {
    item.text = '$(error) Fearless';
    item.tooltip = `Fearless: ${status.text} (click for the log)`;
    item.backgroundColor = new ThemeColor('statusBarItem.errorBackground');
  } else if (status.warning) {
    item.text = '$(warning) Fearless';
    item.tooltip = `Fearless: ${status.warning} (click for the log)`;
    item.backgroundColor = new ThemeColor('statusBarItem.warningBackground');
  } else {
    item.text = '$(check) Fearless';
    item.tooltip = 'Fearless is watching for data races';
    item.backgroundColor = undefined;
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

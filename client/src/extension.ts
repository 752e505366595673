/** The VS Code side: starts the bundled language server and points it at TS/JS documents. */
import path from 'node:path';
import { ExtensionContext, workspace } from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'].map(language => ({ scheme: 'file', language })),
    synchronize: {
      fileEvents: workspace.createFileSystemWatcher('**/{fearless.json,package.json,tsconfig.json,jsconfig.json}'),
    },
    initializationOptions: { debounceMs: workspace.getConfiguration('fearless').get<number>('debounceMs') },
  };
  client = new LanguageClient('fearless', 'Fearless', serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

/**
 * The "Fearless: Show thread map" webview: one panel, drawn from the server's `fearless/threadMap`
 * and drawn again when the server says the map may have changed (while the panel is hidden, once
 * it shows again). The page loads nothing: the picture arrives as SVG text, and its one script,
 * inline under a nonce, only reports clicks; the Content-Security-Policy allows nothing else.
 */
import { randomBytes } from 'node:crypto';
import { CancellationTokenSource, Disposable, Range, Uri, ViewColumn, WebviewPanel, window } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ThreadMap } from '../../../server/src/views/thread-map';
import { labelledGraph } from '../../../server/src/views/graph-labels';
import { THREAD_MAP_REQUEST, type ThreadMapResult } from '../../../server/src/protocol/methods';
import { THREAD_MAP_CSS, renderThreadMap } from './render';

export const THREAD_MAP_VIEW_TYPE = 'fearless.threadMap';
/** Must match the server's names (server/src/lsp/thread-map-request.ts). */

type FromPage = { type: 'ready' } | { type: 'open'; key: string };
type ToPage = { type: 'render'; svg: string } | { type: 'error'; text: string };

export class ThreadMapPanel {
  private static current: ThreadMapPanel | undefined;
  private map: ThreadMap | undefined;
  private shown: ToPage | undefined;
  /** Changes came while the panel was hidden: draw again when it shows. */
  private stale = false;
  private pending: CancellationTokenSource | undefined;
  private readonly disposables: Disposable[] = [];

  /** Opens the panel, or brings it forward. */
  static show(client: LanguageClient): void {
    if (ThreadMapPanel.current) {
      ThreadMapPanel.current.panel.reveal();
      return;
    }
    const panel = window.createWebviewPanel(THREAD_MAP_VIEW_TYPE, 'Fearless: Thread map', ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [],
    });
    ThreadMapPanel.current = new ThreadMapPanel(panel, client);
  }

  /** What the map is drawn from changed (or the server restarted). */
  static changed(): void {
    void ThreadMapPanel.current?.refresh();
  }

  private constructor(private readonly panel: WebviewPanel, private readonly client: LanguageClient) {
    panel.webview.html = page(randomBytes(16).toString('base64'));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: FromPage) => void this.received(message)),
      panel.onDidChangeViewState(() => {
        if (panel.visible && this.stale) void this.refresh();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    void this.refresh();
  }

  private async received(message: FromPage): Promise<void> {
    if (message.type === 'ready') {
      // The page is new (first shown, or shown again after being hidden): give it the latest picture.
      if (this.shown) await this.panel.webview.postMessage(this.shown);
    } else if (message.type === 'open') {
      await this.open(message.key);
    }
  }

  private async refresh(): Promise<void> {
    if (!this.panel.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    this.pending?.cancel();
    const pending = this.pending = new CancellationTokenSource();
    let next: ToPage;
    try {
      const map = await this.client.sendRequest<ThreadMapResult>(THREAD_MAP_REQUEST, {}, pending.token);
      if (pending.token.isCancellationRequested) return;
      if (map) this.map = map;
      next = map
        ? { type: 'render', svg: renderThreadMap(map) }
        : { type: 'error', text: 'The thread map could not be computed: see Fearless: Show output.' };
    } catch (e) {
      if (pending.token.isCancellationRequested) return;
      next = { type: 'error', text: `The thread map could not be computed: ${e instanceof Error ? e.message : String(e)}` };
    }
    // An unchanged picture is not sent again: redrawing would lose the page's scroll position.
    if (JSON.stringify(next) === JSON.stringify(this.shown)) return;
    this.shown = next;
    await this.panel.webview.postMessage(next);
  }

  /** A module opens its file; a buffer opens the module that makes it, at that line. */
  private async open(key: string): Promise<void> {
    const map = this.map;
    const node = map && labelledGraph(map).nodes.find(n => n.key === key);
    if (!map || !node) return;
    const buffer = node.kind === 'buffer' ? map.buffers.find(b => b.id === node.id) : undefined;
    const module = map.modules.find(m => m.id === (buffer ? buffer.module : node.id));
    if (!module) return;
    const line = buffer ? buffer.line - 1 : undefined;
    await window.showTextDocument(Uri.file(module.file), {
      // beside the map, not in its place
      viewColumn: this.panel.viewColumn === ViewColumn.One ? ViewColumn.Two : ViewColumn.One,
      ...(line === undefined ? {} : { selection: new Range(line, 0, line, 0) }),
    });
  }

  private dispose(): void {
    this.pending?.cancel();
    for (const d of this.disposables) d.dispose();
    ThreadMapPanel.current = undefined;
  }
}

function page(nonce: string): string {
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Fearless: Thread map</title>
<style nonce="${nonce}">
body { padding: 0; margin: 0; }
#map { padding: 8px; overflow: auto; }
#map p { font-family: var(--vscode-font-family); color: var(--vscode-descriptionForeground); }
${THREAD_MAP_CSS}
</style>
</head>
<body>
<div id="map"><p>Drawing the thread map…</p></div>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
const root = document.getElementById('map');
window.addEventListener('message', event => {
  const message = event.data;
  if (message.type === 'render') {
    root.innerHTML = message.svg;
  } else if (message.type === 'error') {
    const p = document.createElement('p');
    p.textContent = message.text;
    root.replaceChildren(p);
  }
});
const open = target => {
  const node = target instanceof Element ? target.closest('.node') : null;
  if (node) vscode.postMessage({ type: 'open', key: node.dataset.key });
};
root.addEventListener('click', event => open(event.target));
root.addEventListener('keydown', event => {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    open(event.target);
  }
});
vscode.postMessage({ type: 'ready' });
</script>
</body>
</html>`;
}

/**
 * Fearless's own messages between the language server and the editor, beside LSP's: their names and
 * what they carry. The server and the VS Code client both import this file, so neither writes a name
 * the other must match by hand. Pure (no Node or editor API).
 */
import type { ThreadMap } from '../views/thread-map';

/** Server → client: what the status-bar item shows. */
export const STATUS_NOTIFICATION = 'fearless/status';
export type Status = { state: 'idle'; warning?: string } | { state: 'busy'; text: string } | { state: 'error'; text: string };

/** Client → server: the thread map of the workspace (see lsp/thread-map-request.ts). */
export const THREAD_MAP_REQUEST = 'fearless/threadMap';
export interface ThreadMapParams {
  /** One workspace folder; every folder when absent. */
  folderUri?: string;
}
/** `null` answers a request the server failed on (the log says why). */
export type ThreadMapResult = ThreadMap | null;

/** Server → client: what a thread map asked for is drawn from has changed; ask again to redraw. */
export const THREAD_MAP_CHANGED_NOTIFICATION = 'fearless/threadMapChanged';

/** The server's command that applies every safe fix of a document: arguments `[uri]`. */
export const APPLY_FIX_ALL_COMMAND = 'fearless.server.applyFixAll';

/** The client's command a code lens runs to open a place: arguments `[uri, range]`. */
export const OPEN_LOCATION_COMMAND = 'fearless.openLocation';

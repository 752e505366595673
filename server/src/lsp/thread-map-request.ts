/**
 * The thread map of the workspace, for an editor to draw: the `fearless/threadMap` request, and the
 * `fearless/threadMapChanged` notification that tells a client which asked for a map that what it
 * is drawn from has changed (edits, files on disk, configuration), once a burst of changes is over.
 * The client asks again when it wants to: the server keeps no map of its own to go stale.
 */
import path from 'node:path';
import { CancellationToken, Connection, ErrorCodes, LSPErrorCodes, RequestType, ResponseError } from 'vscode-languageserver/node';
import type { FileFacts } from '../analysis/file-facts';
import { fileExists } from '../analysis/program/files';
import { ThreadMap, buildThreadMap } from '../views/thread-map';
import { THREAD_MAP_CHANGED_NOTIFICATION, THREAD_MAP_REQUEST as THREAD_MAP_METHOD, type ThreadMapParams, type ThreadMapResult } from '../protocol/methods';
import type { Session } from './session';

export const THREAD_MAP_REQUEST = new RequestType<ThreadMapParams | null | undefined, ThreadMapResult, void>(THREAD_MAP_METHOD);

/** Long enough to gather a burst of keystrokes, short enough for the picture to follow the code. */
const CHANGED_DEBOUNCE_MS = 300;

export class ThreadMaps {
  private wanted = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly connection: Connection, private readonly session: Session, private readonly foldersReady: Promise<void>) {}

  /**
   * Every source file of the folders, as the editor holds it, analysed one per turn of the event
   * loop so that edits and other requests are served meanwhile. Ids are relative to the folder, or
   * to the folders' common directory.
   */
  async map(params: ThreadMapParams | null | undefined, token: CancellationToken): Promise<ThreadMap> {
    this.wanted = true;
    await this.foldersReady;
    const all = this.session.folders.all();
    const folders = params?.folderUri === undefined ? all : all.filter(f => f.uri === params.folderUri);
    if (folders.length === 0 && params?.folderUri !== undefined) {
      throw new ResponseError(ErrorCodes.InvalidParams, `not a workspace folder: ${params.folderUri}`);
    }
    // A folder nested in another lists some files twice.
    const files = new Set(folders.flatMap(f => this.session.folders.filesOf(f)));
    const facts: FileFacts[] = [];
    for (const file of files) {
      await new Promise<void>(resolve => setImmediate(resolve));
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'thread map cancelled');
      const fileFacts = fileExists(file) ? this.session.factsOf(file) : undefined;
      if (fileFacts) facts.push(fileFacts);
    }
    return buildThreadMap(facts, commonDir(folders.map(f => f.dir)), this.session.files);
  }

  /** Something the map is drawn from changed; only clients that drew a map hear of it. */
  changed(): void {
    if (!this.wanted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connection.sendNotification(THREAD_MAP_CHANGED_NOTIFICATION), CHANGED_DEBOUNCE_MS);
  }
}

function commonDir(dirs: readonly string[]): string {
  if (dirs.length === 0) return process.cwd();
  let common = dirs[0];
  for (const dir of dirs.slice(1)) {
    while (!isWithin(dir, common) && path.dirname(common) !== common) common = path.dirname(common);
  }
  return common;
}

function isWithin(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

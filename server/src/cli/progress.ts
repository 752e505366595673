/** The line `fearless check` keeps rewriting on a terminal while a long run goes on. */
import path from 'node:path';
import type { CheckProgress } from '../engine/check';

/** A run shorter than this shows nothing: a line that flashes up and vanishes is noise. */
const DELAY_MS = 2000;
/** Redrawing on every file of a fast stretch would cost more terminal writes than it tells. */
const REDRAW_MS = 100;
/** Back to the start of the line, then erase to its end. */
const ERASE = '\r\x1b[K';
/** When the terminal does not say how wide it is. */
const DEFAULT_COLUMNS = 80;

/** The part of a stream the line needs: `process.stderr`, or a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** Folders are shown relative to it. */
  cwd: string;
  /** Milliseconds, any origin; the delay counts from the line's creation. */
  now?: () => number;
  env?: NodeJS.ProcessEnv;
}

export interface ProgressLine {
  /** For `CheckOptions.onProgress`. */
  onProgress: (progress: CheckProgress) => void;
  /** Erases the line if it is drawn; call before writing anything else, and when the check returns or throws. */
  clear: () => void;
}

/**
 * Only a person watching a terminal wants the line: not a pipe or a file, not a CI log (which keeps
 * every `\r` rewrite), not a terminal that cannot erase. Jest decides its interactive output much the same way.
 */
function wantsProgress(stream: ProgressStream, env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false';
  return stream.isTTY === true && !ci && env.TERM !== 'dumb';
}

/**
 * The check runs synchronously, so no timer fires while it does: each report of a file done decides
 * for itself whether the delay has passed and whether the last redraw is old enough.
 */
export function progressLine(stream: ProgressStream, options: ProgressOptions): ProgressLine {
  const now = options.now ?? (() => performance.now());
  if (!wantsProgress(stream, options.env ?? process.env)) return { onProgress: () => {}, clear: () => {} };
  const start = now();
  let drawnAt = -Infinity;
  let drawn = false;
  return {
    onProgress: ({ done, total, file }) => {
      const at = now();
      if (at - start < DELAY_MS || at - drawnAt < REDRAW_MS) return;
      drawnAt = at;
      drawn = true;
      stream.write(ERASE + progressText(done, total, folderOf(file, options.cwd), stream.columns));
    },
    clear: () => {
      if (drawn) stream.write(ERASE);
      drawn = false;
    },
  };
}

function folderOf(file: string, cwd: string): string {
  return path.relative(cwd, path.dirname(file)) || '.';
}

/**
 * `fearless: 312/1000 files · src/models`, one column short of the terminal's width (a line that
 * fills the last column wraps on some terminals, and `\r` then rewrites only the second row). A
 * folder too long keeps its end, the part that changes from file to file.
 */
function progressText(done: number, total: number, folder: string, columns: number | undefined): string {
  const width = (columns || DEFAULT_COLUMNS) - 1;
  const head = `fearless: ${done}/${total} files`;
  const room = width - head.length - ' · '.length;
  // Code points, not UTF-16 units: a cut must not split a character in two.
  const chars = Array.from(folder);
  if (room >= chars.length) return `${head} · ${folder}`;
  if (room >= 2) return `${head} · …${chars.slice(chars.length - (room - 1)).join('')}`;
  return head.slice(0, Math.max(width, 0)).trimEnd();
}

/**
 * Offsets ↔ line/column for one text. Both are 0-based and count UTF-16 code units, as TypeScript
 * offsets and LSP positions (default encoding) do; adapters add 1 where their format wants it.
 * Line breaks are `\r\n`, `\n` and a lone `\r`, the three LSP recognises.
 */

/**
 * A text without its leading byte-order mark: the text the engine analyses (the source cache drops
 * the mark, as TypeScript's own file reading does), whatever a client or the disk holds.
 */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export interface Position {
  line: number;
  column: number;
}

export class LineIndex {
  /** Offset where each line starts; `lineStarts[0]` is always 0. */
  private readonly lineStarts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10 /* \n */) i++;
        starts.push(i + 1);
      } else if (ch === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Offsets outside the text are clamped to it. */
  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(clamped);
    return { line, column: clamped - this.lineStarts[line] };
  }

  /** The 0-based line an offset is on: the last line that starts at or before it. */
  lineOf(offset: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** Where a line starts. */
  startOf(line: number): number {
    return this.lineStarts[line];
  }

  /**
   * A line past the end maps to the end of the text; a column past the end of its line stops
   * before the line break, so a position can never land inside `\r\n`.
   */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line];
    return start + Math.max(0, Math.min(position.column, this.contentEnd(position.line) - start));
  }

  /** End of the line's content, before its line break. */
  contentEnd(line: number): number {
    let end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }
}

// Callers typically ask many positions of the same text in a row; keep its index.
let cached: { text: string; index: LineIndex } | undefined;

function indexOf(text: string): LineIndex {
  if (cached?.text !== text) cached = { text, index: new LineIndex(text) };
  return cached.index;
}

export function lineColumn(text: string, offset: number): Position {
  return indexOf(text).positionAt(offset);
}

export function offsetOf(text: string, position: Position): number {
  return indexOf(text).offsetAt(position);
}

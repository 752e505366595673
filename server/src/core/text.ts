/** Words for the user's eyes, shared by every adapter. */

/** `1 file`, `3 files`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

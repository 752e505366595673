/** How an internal failure reads in a log or an internal-error list: its stack when it has one. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.stack ?? e.message : String(e);
}

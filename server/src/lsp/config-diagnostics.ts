/**
 * Mistakes in Fearless's configuration files as diagnostics on those files: a `fearless.json`, or
 * the `"fearless"` key of a package.json, as the editor holds it (an open document's text, as it is
 * typed) or as the disk does. The files the analysis uses are published when first read; a file
 * that is fine again has its diagnostics cleared. Analysis goes on meanwhile with what the files
 * could say (see config/config-file.ts).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Connection, type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import { type ConfigProblem, type LoadedConfig, hasFearlessKey, parseConfigText } from '../config/config-file';
import { readText } from '../analysis/program/files';
import { LineIndex } from '../core/positions';
import { RULE_METAS } from '../rules/registry';
import type { TextOf } from './convert';

const RULE_IDS = RULE_METAS.map(m => m.id);
const CONFIG_FILE = /(^|[\\/])(fearless\.json|package\.json)$/;

export function isConfigFile(file: string): boolean {
  return CONFIG_FILE.test(file);
}

export class ConfigDiagnostics {
  /** Files published with problems: what to clear once they are fine, or gone. */
  private readonly flagged = new Set<string>();

  /** `documentText`: the text of an open document, undefined for a file the editor does not hold. */
  constructor(private readonly connection: Connection, private readonly documentText: TextOf) {}

  /** The analysis read `loaded` from disk: its problems, unless the editor holds a newer text of it. */
  read(loaded: LoadedConfig): void {
    if (this.documentText(loaded.file) !== undefined) this.validate(loaded.file);
    else this.publish(loaded.file, loaded.problems);
  }

  /** A configuration file opened, edited or closed (then the disk's text is judged, if it is there). */
  validate(file: string): void {
    const text = this.documentText(file) ?? readText(file);
    this.publish(file, text === undefined ? [] : problemsIn(file, text));
  }

  /** The files whose diagnostics say something is wrong. */
  flaggedFiles(): string[] {
    return [...this.flagged];
  }

  /** Clears a file's diagnostics (it was deleted, or is no longer a configuration). */
  clear(file: string): void {
    this.publish(file, []);
  }

  private publish(file: string, problems: readonly ConfigProblem[]): void {
    if (problems.length === 0 && !this.flagged.delete(file)) return;
    if (problems.length > 0) this.flagged.add(file);
    const index = new LineIndex(this.documentText(file) ?? readText(file) ?? '');
    const diagnostics = problems.map((p): Diagnostic => {
      const start = index.offsetAt({ line: (p.line ?? 1) - 1, column: (p.column ?? 1) - 1 });
      const end = index.positionAt(start + (p.length ?? 0));
      return {
        range: { start: toLsp(index.positionAt(start)), end: toLsp(end) },
        severity: DiagnosticSeverity.Error,
        source: 'fearless',
        message: p.message,
      };
    });
    void this.connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics });
  }
}

/** A package.json without a `"fearless"` key is not Fearless's to judge. */
function problemsIn(file: string, text: string): ConfigProblem[] {
  const packageJson = path.basename(file) === 'package.json';
  if (packageJson && !hasFearlessKey(text)) return [];
  return parseConfigText(text, file, RULE_IDS, packageJson).problems;
}

function toLsp(p: { line: number; column: number }): { line: number; character: number } {
  return { line: p.line, character: p.column };
}

/**
 * The workspace folders the editor opened (multi-root), each with its own `fearless.*` settings,
 * and the project configuration of every file (config/resolver.ts), laid over the settings of the
 * folder holding it. A file belongs to the innermost folder holding it; a file outside every folder
 * gets the first folder's settings.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedConfig } from '../config/config-file';
import { ConfigResolver, type ResolvedConfig } from '../config/resolver';
import { RULE_METAS } from '../rules/registry';
import { collectFiles } from '../engine/file-selection';
import { DEFAULT_SETTINGS, Settings, settingsConfig } from './settings';

export interface Folder {
  uri: string;
  dir: string;
  settings: Settings;
}

const RULE_IDS = RULE_METAS.map(m => m.id);

export class Folders {
  private folders: Folder[] = [];
  private configs: ConfigResolver;

  /** `onRead`: told of each configuration file as it is read (again after each `set`). */
  constructor(private readonly onRead: (loaded: LoadedConfig) => void) {
    this.configs = this.newResolver();
  }

  /**
   * Replaces the folder list, (re)reading settings with `settingsOf`; with `rereadConfigs`, forgets
   * the configuration files read: they are read again as files ask for them. Whether the folders or
   * their settings differ.
   */
  async set(uris: readonly string[], settingsOf: (uri: string | undefined) => Promise<Settings>, rereadConfigs: boolean): Promise<boolean> {
    const next: Folder[] = [];
    for (const uri of uris) {
      if (!uri.startsWith('file:')) continue; // virtual folders: nothing on disk to analyse
      next.push({ uri, dir: fileURLToPath(uri), settings: await settingsOf(uri) });
    }
    // Innermost first, so `of` finds the deepest folder holding a file.
    next.sort((a, b) => b.dir.length - a.dir.length);
    const changed = JSON.stringify(next) !== JSON.stringify(this.folders);
    this.folders = next;
    if (rereadConfigs) this.configs = this.newResolver();
    // Each folder's own configuration is judged now, whether or not a file asks for it.
    for (const folder of next) this.configs.filesIn(folder.dir);
    return changed;
  }

  all(): readonly Folder[] {
    return this.folders;
  }

  of(file: string): Folder {
    const owner = this.folders.find(f => file === f.dir || file.startsWith(f.dir + path.sep));
    return owner ?? { uri: '', dir: path.dirname(file), settings: this.folders[0]?.settings ?? DEFAULT_SETTINGS };
  }

  /** The configuration `file` is analysed with: its project's over its folder's settings. */
  configOf(file: string): ResolvedConfig {
    return this.configs.resolve(file, settingsConfig(this.of(file).settings));
  }

  /** The source files of a folder the configuration lets a walk through it analyse. */
  filesOf(folder: Folder): string[] {
    return collectFiles([folder.dir], folder.dir, { selected: file => this.configs.selects(file) }).files;
  }

  /** Reads the configuration that applies in `dir`, if not yet read; whether `file` is among what was read. */
  reads(dir: string, file: string): boolean {
    this.configs.filesIn(dir);
    return this.configs.hasRead(file);
  }

  private newResolver(): ConfigResolver {
    return new ConfigResolver(RULE_IDS, { onRead: this.onRead });
  }
}

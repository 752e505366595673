/**
 * The workspace folders the editor opened (multi-root), each with its own `fearless.*` settings and
 * its own project configuration (`fearless.json`). A file belongs to the innermost folder holding
 * it; a file outside every folder gets the configuration found from its own directory.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigProblem, FearlessConfig, configBaseDir, loadConfig } from '../config';
import { RULE_METAS } from '../rules/index';
import type { FileSelection } from '../analysis/files';
import { DEFAULT_SETTINGS, Settings, effectiveConfig } from './settings';

export interface Folder {
  uri: string;
  dir: string;
  settings: Settings;
  /** The project's configuration merged with the editor's settings. */
  config: FearlessConfig;
  selection: FileSelection;
  problems: ConfigProblem[];
}

const RULE_IDS = RULE_METAS.map(m => m.id);

export class Folders {
  private folders: Folder[] = [];
  private readonly loose = new Map<string, Folder>();

  /** Replaces the folder list, (re)reading settings with `settingsOf`; whether anything differs from before. */
  async set(uris: readonly string[], settingsOf: (uri: string | undefined) => Promise<Settings>): Promise<boolean> {
    const next: Folder[] = [];
    for (const uri of uris) {
      if (!uri.startsWith('file:')) continue; // virtual folders: nothing on disk to analyse
      next.push(load(uri, fileURLToPath(uri), await settingsOf(uri)));
    }
    // Innermost first, so `of` finds the deepest folder holding a file.
    next.sort((a, b) => b.dir.length - a.dir.length);
    const changed = JSON.stringify(next) !== JSON.stringify(this.folders);
    this.folders = next;
    this.loose.clear();
    return changed;
  }

  all(): readonly Folder[] {
    return this.folders;
  }

  of(file: string): Folder {
    const owner = this.folders.find(f => file === f.dir || file.startsWith(f.dir + path.sep));
    if (owner) return owner;
    const dir = path.dirname(file);
    let folder = this.loose.get(dir);
    if (!folder) this.loose.set(dir, folder = load(undefined, dir, this.folders[0]?.settings ?? DEFAULT_SETTINGS));
    return folder;
  }
}

function load(uri: string | undefined, dir: string, settings: Settings): Folder {
  const loaded = loadConfig(dir, RULE_IDS);
  return {
    uri: uri ?? '',
    dir,
    settings,
    config: effectiveConfig(loaded.config, settings),
    selection: { include: loaded.config.include, exclude: loaded.config.exclude, baseDir: configBaseDir(loaded, dir) },
    problems: loaded.problems,
  };
}

/**
 * The editor's `fearless.*` settings as the server uses them, read from whatever the client sends
 * (`workspace/configuration`, `initializationOptions` or `didChangeConfiguration`) and validated:
 * a wrong value falls back to its default rather than breaking analysis.
 */
import { SEVERITY_OPTIONS, type SeverityOption } from '../core/finding';
import { ENVIRONMENTS, type Environment } from '../core/environment';
import type { FearlessConfig } from '../config/config-file';

export type RunMode = 'onType' | 'onSave' | 'workspace';

export interface Settings {
  enable: boolean;
  run: RunMode;
  debounceMs: number;
  /** Per-rule severities set in the editor; `fearless.json` wins over them. */
  rules: Record<string, SeverityOption>;
  /** `undefined`: whatever `fearless.json` says (or `auto`). */
  environment?: Environment;
  codeLens: boolean;
}

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  enable: true,
  run: 'onType',
  debounceMs: 150,
  rules: Object.freeze({}) as Record<string, SeverityOption>,
  codeLens: true,
}) as Settings;

const RUN_MODES: readonly RunMode[] = ['onType', 'onSave', 'workspace'];

/** Reads a `fearless` settings object, keeping only well-formed values. */
export function parseSettings(raw: unknown): Settings {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const rules: Record<string, SeverityOption> = {};
  if (typeof o.rules === 'object' && o.rules !== null) {
    for (const [id, severity] of Object.entries(o.rules)) {
      if (typeof severity === 'string' && (SEVERITY_OPTIONS as readonly string[]).includes(severity)) rules[id] = severity as SeverityOption;
    }
  }
  return {
    enable: typeof o.enable === 'boolean' ? o.enable : DEFAULT_SETTINGS.enable,
    run: RUN_MODES.includes(o.run as RunMode) ? o.run as RunMode : DEFAULT_SETTINGS.run,
    debounceMs: typeof o.debounceMs === 'number' && o.debounceMs >= 0 ? o.debounceMs : DEFAULT_SETTINGS.debounceMs,
    rules,
    environment: ENVIRONMENTS.includes(o.environment as Environment) ? o.environment as Environment : undefined,
    codeLens: typeof o.codeLens === 'boolean' ? o.codeLens : DEFAULT_SETTINGS.codeLens,
  };
}

/**
 * What the editor's settings configure: what the project's `fearless.json` files are laid over
 * (they are shared by the team; the editor's settings are one person's defaults).
 */
export function settingsConfig(settings: Settings): FearlessConfig {
  return { rules: settings.rules, environment: settings.environment ?? 'auto' };
}

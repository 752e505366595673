/** What a configuration says of its files' runtime: `auto` tells it per module (analysis/environment.ts). */
export type Environment = 'node' | 'web' | 'auto';
export const ENVIRONMENTS: readonly Environment[] = ['node', 'web', 'auto'];

/**
 * The TypeScript the engine analyses with: the one ts-morph bundles (its `@ts-morph/common` package,
 * which also holds the default libs in memory: see source-cache.ts). The engine builds its programs
 * with the compiler API itself; ts-morph's wrappers would double the cost of every walk.
 */
import { ts as compiler } from '@ts-morph/common';

// An alias, not a re-export: bundled, a re-export is read through two getters at every `ts.x` of the
// engine's hot loops; the alias is one variable, read once.
export import ts = compiler;

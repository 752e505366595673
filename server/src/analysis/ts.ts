/**
 * The TypeScript the engine analyses with: the one ts-morph bundles, so the raw nodes we walk and
 * the ts-morph Project that built them always agree on a version.
 */
import { ts } from 'ts-morph';

export { ts };

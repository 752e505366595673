/** What the type checker says about buffers, views and numbers. */
import { ts } from '../ts';
import { isBundledFile } from '../bundled/fallback';

export const TYPED_ARRAYS = new Set([
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
]);
/** Typed arrays every `Atomics` read-modify-write accepts. */
export const INTEGER_ARRAYS = new Set([
  'Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array',
]);
/** The only arrays `Atomics.wait`, `waitAsync` and `notify` accept. */
export const WAITABLE_ARRAYS = new Set(['Int32Array', 'BigInt64Array']);
export const BIGINT_ARRAYS = new Set(['BigInt64Array', 'BigUint64Array']);

/** `Int32Array`, `DataView`, `Array`, `SharedArrayBuffer`…: the built-in a type is, when all of a union agree. */
export function builtinName(type: ts.Type): string | undefined {
  if (type.isUnion()) {
    const names = new Set(type.types.map(builtinName));
    return names.size === 1 ? [...names][0] : undefined;
  }
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
  const sym = type.getSymbol() ?? type.aliasSymbol;
  if (!sym) return undefined;
  const name = sym.getName();
  if (name === 'ReadonlyArray') return 'Array';
  return name;
}

export type BufferState = 'shared' | 'unshared' | 'unknown';

/**
 * What the type says of the memory behind a value: `SharedArrayBuffer` and
 * `Int32Array<SharedArrayBuffer>` are shared; a view's buffer argument `ArrayBuffer` is not;
 * `ArrayBufferLike`, `any` and everything else are unknown.
 */
export function bufferStateOfType(type: ts.Type, checker: ts.TypeChecker): BufferState {
  if (type.isUnion()) {
    const states = new Set(type.types.map(t => bufferStateOfType(t, checker)));
    if (states.has('shared')) return 'shared';
    return states.size === 1 ? [...states][0] : 'unknown';
  }
  const name = builtinName(type);
  if (name === 'SharedArrayBuffer') return 'shared';
  if (name === 'ArrayBuffer') return 'unshared';
  if (name && (TYPED_ARRAYS.has(name) || name === 'DataView')) {
    const args = (type.flags & ts.TypeFlags.Object) && ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)
      ? checker.getTypeArguments(type as ts.TypeReference) : [];
    const arg = args[0];
    if (!arg) return 'unknown';
    const argName = builtinName(arg);
    if (argName === 'SharedArrayBuffer') return 'shared';
    if (argName === 'ArrayBuffer') return 'unshared';
  }
  return 'unknown';
}

export function isNumberType(type: ts.Type): boolean {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return false;
  if (type.isUnion()) return type.types.every(isNumberType);
  return (type.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike)) !== 0;
}

export function isPromiseLike(type: ts.Type, checker: ts.TypeChecker): boolean {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return false;
  if (type.isUnion()) return type.types.some(t => isPromiseLike(t, checker));
  const then = checker.getPropertyOfType(type, 'then');
  return then !== undefined;
}

/**
 * Where a declaration comes from, to tell a platform's API from the program's own code: `module` is
 * the module that declares it (an ambient `declare module 'x'` with any `node:` prefix dropped, else
 * the package it sits in under `node_modules`, `@types/` dropped); `lib` is the default library file
 * it sits in (`lib.dom.d.ts`); `builtin` covers the default libraries and Node's own types, whether
 * installed or the analyzer's (see bundled/fallback.ts).
 * (The compiler's file names always use `/`.)
 */
export interface DeclarationOrigin {
  readonly builtin: boolean;
  readonly module?: string;
  readonly lib?: string;
}

/** The package a file sits in: the last `node_modules/<name>/` (or `node_modules/@scope/<name>/`) of its path. */
const PACKAGE_DIR = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/;

export function declarationOrigin(decl: ts.Node, program: ts.Program): DeclarationOrigin {
  const file = decl.getSourceFile();
  const lib = program.isSourceFileDefaultLibrary(file) ? file.fileName.slice(file.fileName.lastIndexOf('/') + 1) : undefined;
  const pkg = lib ? undefined : PACKAGE_DIR.exec(file.fileName)?.[1];
  let module = pkg?.replace(/^@types\//, '');
  for (let n: ts.Node | undefined = decl.parent; n; n = n.parent) {
    if (ts.isModuleDeclaration(n) && ts.isStringLiteral(n.name)) {
      module = n.name.text.replace(/^node:/, '');
      break;
    }
  }
  return { builtin: lib !== undefined || pkg === '@types/node' || isBundledFile(file.fileName), module, lib };
}

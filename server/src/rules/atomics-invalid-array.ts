import { INTEGER_ARRAYS, TYPED_ARRAYS, WAITABLE_ARRAYS, builtinName } from '../analysis/syntax/types';
import { Rule } from '../engine/rule';

const WAIT_OPS = new Set(['wait', 'waitAsync', 'notify']);
/** Operations that take no typed array (`isLockFree(size)`, `pause()`) are not judged. */
const ARRAY_OPS = new Set(['add', 'and', 'compareExchange', 'exchange', 'load', 'or', 'store', 'sub', 'xor']);

export const atomicsInvalidArray: Rule = {
  meta: {
    id: 'atomics-invalid-array',
    family: 'sync',
    defaultSeverity: 'error',
    description: 'Atomics on an array kind it rejects (floats, Uint8ClampedArray, DataView, plain arrays): a TypeError.',
  },
  check(ctx) {
    const { facts } = ctx;
    for (const { name, call } of facts.atomicsCalls) {
      const arg = call.arguments[0];
      if (!arg || !(WAIT_OPS.has(name) || ARRAY_OPS.has(name))) continue;
      const kind = builtinName(facts.typeOf(arg));
      if (!kind || !(TYPED_ARRAYS.has(kind) || kind === 'DataView' || kind === 'Array')) continue;
      const accepted = WAIT_OPS.has(name) ? WAITABLE_ARRAYS : INTEGER_ARRAYS;
      if (accepted.has(kind)) continue;
      const expected = WAIT_OPS.has(name) ? 'an Int32Array or a BigInt64Array' : 'an integer typed array (Int32Array, Uint8Array, BigInt64Array…)';
      ctx.report({
        at: call,
        message: `Atomics.${name} needs ${expected}, but '${arg.getText()}' is ${kind === 'Array' ? 'a plain array' : withArticle(kind)}: it throws a TypeError.`,
      });
    }
  },
};

/** `an Int16Array`, `a Uint8Array`, `a DataView`, `a Float64Array`: the article goes by the name's first sound. */
function withArticle(kind: string): string {
  return /^[AEIO]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

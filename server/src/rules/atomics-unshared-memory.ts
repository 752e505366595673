import { Rule } from '../engine/rule';

const WAITS = new Set(['wait', 'waitAsync']);
const ARRAY_OPS = new Set(['add', 'and', 'compareExchange', 'exchange', 'load', 'or', 'store', 'sub', 'xor', 'notify', 'wait', 'waitAsync']);

export const atomicsUnsharedMemory: Rule = {
  meta: {
    id: 'atomics-unshared-memory',
    family: 'sync',
    defaultSeverity: 'error',
    description: 'Atomics on memory that is provably not shared: wait throws; other operations synchronise nothing.',
  },
  check(ctx) {
    const { facts } = ctx;
    for (const { name, call } of facts.atomicsCalls) {
      const arg = call.arguments[0];
      if (!arg || !ARRAY_OPS.has(name)) continue;
      if (facts.provenance.of(arg).state !== 'unshared') continue;
      const what = `'${arg.getText()}' is not backed by a SharedArrayBuffer (a fresh or copied buffer)`;
      if (WAITS.has(name)) {
        ctx.report({ at: call, message: `Atomics.${name} on memory no other thread can see: ${what}, so it throws a TypeError.` });
      } else {
        ctx.report({
          at: call,
          severity: 'hint',
          message: `Atomics.${name} on memory no other thread can see: ${what}. ` +
            (name === 'notify' ? 'Nobody can be waiting on it: it always returns 0.' : 'Did you mean to create the view over the shared buffer?'),
        });
      }
    }
  },
};

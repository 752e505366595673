import type { Related } from '../core/finding';
import { Rule } from '../engine/rule';

export const lockOrderInversion: Rule = {
  meta: {
    id: 'lock-order-inversion',
    family: 'locks',
    defaultSeverity: 'warning',
    description: 'Locks taken in one order here and in the opposite order elsewhere in the workspace: two threads doing both deadlock.',
  },
  check(ctx) {
    const { facts } = ctx;
    const reported = new Set<string>();
    for (const { edge, others } of facts.lockOrder?.inversionsIn(facts.file.fileName) ?? []) {
      const id = `${edge.inner.start}:${edge.inner.end}`;
      if (reported.has(id)) continue;
      reported.add(id);
      const related: Related[] = [
        ...edge.outer.map(span => ({ span, message: `'${edge.fromName}' is taken here first` })),
        ...others.flatMap(o => [
          ...o.outer.map(span => ({ span, message: `the other order: '${o.fromName}' is taken here first…` })),
          { span: o.inner, message: `…then '${o.toName}' here` },
        ]),
      ];
      const back = others.map(o => `'${o.fromName}' then '${o.toName}'`).join(', ');
      ctx.report({
        at: { start: edge.inner.start, end: edge.inner.end },
        message: `'${edge.toName}' is taken here while '${edge.fromName}' is held, but elsewhere the locks are taken as ${back}: ` +
          'two threads doing both at once each hold the lock the other waits for, and deadlock. Take them in one order everywhere.',
        related,
      });
    }
  },
};

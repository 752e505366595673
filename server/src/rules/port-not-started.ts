import { unstartedPortListeners } from '../analysis/threads/ports';
import { Rule } from '../engine/rule';
import { lineAfter, listedStatement } from './support/statements';

export const portNotStarted: Rule = {
  meta: {
    id: 'port-not-started',
    family: 'join',
    defaultSeverity: 'warning',
    description: "port.addEventListener('message', …) with no port.start(): in a browser no message is ever delivered.",
  },
  check(ctx) {
    const { facts } = ctx;
    const listeners = unstartedPortListeners(facts);
    if (listeners.length === 0 || facts.runtime !== 'web') return;
    for (const { port, registration } of listeners) {
      const text = port.getText();
      const statement = listedStatement(registration);
      ctx.report({
        at: registration,
        message: `'${text}' listens with addEventListener('message', …) but is never started: a MessagePort queues every ` +
          `message until ${text}.start() is called, so this listener never runs (setting onmessage starts a port; ` +
          'addEventListener does not).',
        fixes: statement ? [{ title: `Add \`${text}.start()\``, kind: 'safe', edits: [lineAfter(statement, `${text}.start();`)] }] : [],
      });
    }
  },
};

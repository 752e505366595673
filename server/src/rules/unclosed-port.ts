import type { Fix } from '../core/finding';
import type { Channel, PortEnd } from '../analysis/threads/ports';
import { enclosingFunction } from '../analysis/syntax/syntax';
import { Rule } from '../engine/rule';
import { afterLastUse, lineAfter, lineBefore, listedStatement } from './support/statements';

export const unclosedPort: Rule = {
  meta: {
    id: 'unclosed-port',
    family: 'join',
    defaultSeverity: 'warning',
    description: "A MessagePort listening for messages, never closed, whose other end stays in this thread: the Node process never exits.",
    typedApis: ['threads'],
  },
  check(ctx) {
    const { facts } = ctx;
    if (facts.channels.length === 0 || facts.runtime !== 'node') return;
    for (const channel of facts.channels) {
      channel.ends.forEach((port, i) => {
        const other = channel.ends[1 - i];
        if (port.listeners.length === 0 || port.closed || other.closed || port.unref || port.escapes || other.escapes) return;
        const name = port.text ?? 'the port';
        ctx.report({
          at: port.listeners[0],
          message: `'${name}' listens for messages and is never closed, and its other end${other.text ? ` '${other.text}'` : ''} ` +
            'stays in this thread (it is not transferred to a worker): the open channel keeps the event loop alive, so the ' +
            'process never exits. Close the channel once the last message is sent (closing the sending end still delivers ' +
            `what it sent), or ${name}.unref().`,
          fixes: [closeFix(channel, port, other), unrefFix(port)].filter((f): f is Fix => f !== undefined),
        });
      });
    }
  },
};

/**
 * `other.close()` after the sending end's last use: a port closed by its sender delivers what was sent
 * first, then both ends close. Only where every use of the sender is in the function that opens the
 * channel, so that nothing sends after the close.
 */
function closeFix(channel: Channel, port: PortEnd, other: PortEnd): Fix | undefined {
  const home = enclosingFunction(channel.node);
  const anchor = listedStatement(channel.node);
  if (!other.text || !anchor || other.uses.some(u => enclosingFunction(u) !== home)) return undefined;
  const place = afterLastUse(anchor, [...other.uses, ...port.listeners]);
  const code = `${other.text}.close();`;
  return {
    title: `Close the port when done: \`${code.slice(0, -1)}\``,
    kind: 'suggestion',
    edits: [place.before ? lineBefore(place.statement, code) : lineAfter(place.statement, code)],
  };
}

function unrefFix(port: PortEnd): Fix | undefined {
  const statement = listedStatement(port.listeners[0]);
  if (!port.text || !statement) return undefined;
  return { title: `Detach: \`${port.text}.unref()\``, kind: 'suggestion', edits: [lineAfter(statement, `${port.text}.unref();`)] };
}

/** What the Send rules share: how they name what is sent, and how their fixes edit a transfer list. */
import { ts } from '../../analysis/ts';
import type { Crossing } from '../../analysis/threads/boundaries';
import type { TextEdit } from '../../core/finding';
import type { CloneFinding, CloneStep } from '../../analysis/threads/structured-clone';
import { lineIndent, newlineOf, skipOuter } from '../../analysis/syntax/syntax';
import { insertAt, replaceNode } from './edits';

const MAX_NAME_LENGTH = 40;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** How findings name the payload: its own text when it is a short name (`payload`, `job.input`), else what it is. */
export function payloadName(crossing: Crossing): string {
  const e = skipOuter(crossing.payload);
  const text = e.getText();
  if (isNameChain(e) && text.length <= MAX_NAME_LENGTH) return text;
  if (crossing.kind === 'worker-data') return 'workerData';
  if (crossing.kind === 'message') return 'message';
  return crossing.receiver.api === 'workerpool' ? 'args' : 'task';
}

/** The operation that sends, as findings name it: `postMessage()`, `new Worker()`, `run()`. */
export function sendName(crossing: Crossing): string {
  if (ts.isNewExpression(crossing.node)) return 'new Worker()';
  const callee = skipOuter(crossing.node.expression);
  return `${ts.isPropertyAccessExpression(callee) ? callee.name.text : callee.getText()}()`;
}

/** How sending fails with `error`: a call throws it; a pool's promise rejects with it. */
export function failsWith(crossing: Crossing, error: string): string {
  return `${sendName(crossing)} ${crossing.kind === 'pool-task' ? 'rejects with' : 'throws'} a ${error}`;
}

/** The way to a problem as an expression: `payload.jobs[i].onDone`, `message.cache.get(…)`. */
function pathText(root: string, steps: readonly CloneStep[]): string {
  let s = root;
  for (const step of steps) {
    switch (step.kind) {
      case 'property': s += IDENTIFIER.test(step.name) ? `.${step.name}` : `[${JSON.stringify(step.name)}]`; break;
      case 'element': s += `[${step.index ?? 'i'}]`; break;
      case 'index': s += '[key]'; break;
      case 'map-value': s += '.get(…)'; break;
      case 'map-key': s = `[...${s}.keys()][i]`; break;
      case 'set-element': s = `[...${s}][i]`; break;
    }
  }
  return s;
}

/** The path of a clone finding from its crossing's payload, hedged when an optional part may leave it out. */
export function findingPath(crossing: Crossing, finding: CloneFinding): string {
  return pathText(payloadName(crossing), finding.steps) + (finding.whenSet ? ', when set,' : '');
}

/**
 * An expression naming the problem part of a finding that can be written again elsewhere (a transfer
 * list): its value when that is a name (`port`, `ch.port2`), followed by plain property steps.
 */
export function nameOfPart(finding: CloneFinding): string | undefined {
  const value = finding.value && skipOuter(finding.value);
  if (!value || !isNameChain(value)) return undefined;
  const inner = finding.steps.slice(finding.steps.length - finding.depthInValue);
  if (!inner.every(s => s.kind === 'property' && IDENTIFIER.test(s.name))) return undefined;
  return pathText(value.getText(), inner);
}

/** `a`, `this`, `a.b.c`: a name the code can repeat without a side effect. */
function isNameChain(e: ts.Expression): boolean {
  if (ts.isIdentifier(e) || e.kind === ts.SyntaxKind.ThisKeyword) return true;
  return ts.isPropertyAccessExpression(e) && !e.questionDotToken && isNameChain(e.expression);
}

/**
 * An edit that drops `item` from the crossing's transfer list; when it was all the list held, the list
 * goes too (and an options object that held nothing else).
 */
export function removeFromTransferList(crossing: Crossing, item: ts.Expression): TextEdit | undefined {
  const list = crossing.transfer?.literal;
  if (!list) return undefined;
  if (list.elements.length > 1) return removeElement(list.elements, list.elements.indexOf(item));
  const holder = crossing.transfer!.holder;
  let argument: ts.Node = holder;
  if (ts.isPropertyAssignment(holder) || ts.isShorthandPropertyAssignment(holder)) {
    const options = holder.parent;
    if (options.properties.length > 1) return removeElement(options.properties, options.properties.indexOf(holder));
    argument = options;
  }
  const args = crossing.node.arguments;
  return args && removeElement(args, args.findIndex(a => a === argument || skipOuter(a) === argument));
}

/** An edit that adds `text` to the crossing's transfer list, creating the list (and its options object) when absent. */
export function addToTransferList(crossing: Crossing, text: string): TextEdit | undefined {
  const { slot, transfer } = crossing;
  if (!slot) return undefined;
  const file = crossing.node.getSourceFile();
  if (transfer) {
    if (!transfer.literal || !transfer.complete) return undefined;
    const els = transfer.literal.elements;
    return els.length === 0 ? insertAt(file, els.pos, text) : insertAt(file, els[els.length - 1].end, `, ${text}`);
  }
  const args = crossing.node.arguments ?? [];
  const list = `[${text}]`;
  const arg = args[slot.index];
  if (!arg) {
    if (args.length !== slot.index) return undefined;
    return insertAt(file, args[args.length - 1].end, slot.bare ? `, ${list}` : `, { ${slot.option}: ${list} }`);
  }
  const options = skipOuter(arg);
  if (!ts.isObjectLiteralExpression(options)) return undefined;
  const props = options.properties;
  const entry = `${slot.option}: ${list}`;
  if (props.length === 0) return replaceNode(options, `{ ${entry} }`);
  const last = props[props.length - 1];
  const source = file.text;
  if (!source.slice(options.getStart(), last.getStart()).includes('\n')) return insertAt(file, last.end, `, ${entry}`);
  // One property per line: the list gets a line of its own, in the same style.
  const nl = newlineOf(source);
  const indent = lineIndent(source, last.getStart());
  if (!props.hasTrailingComma) return insertAt(file, last.end, `,${nl}${indent}${entry}`);
  return insertAt(file, source.indexOf(',', last.end) + 1, `${nl}${indent}${entry},`);
}

/** Removes one element of a comma-separated list with the comma that separates it. */
function removeElement(elements: ts.NodeArray<ts.Node>, index: number): TextEdit | undefined {
  const el = elements[index];
  if (!el) return undefined;
  const file = el.getSourceFile();
  if (index > 0) return { file: file.fileName, start: elements[index - 1].end, end: el.end, newText: '' };
  const next = elements[index + 1];
  return { file: file.fileName, start: el.getStart(file), end: next ? next.getStart(file) : el.end, newText: '' };
}

/** Clone findings grouped by where they are reported, in order: one report per place. */
export function findingsByPlace(findings: readonly CloneFinding[]): Map<ts.Node, CloneFinding[]> {
  const byPlace = new Map<ts.Node, CloneFinding[]>();
  for (const f of findings) {
    const list = byPlace.get(f.at);
    if (list) list.push(f);
    else byPlace.set(f.at, [f]);
  }
  return byPlace;
}

/**
 * Expands VS Code snippet bodies the way the editor inserts them when every default is accepted: the
 * text the user would get by pressing Tab through all the stops. The server uses it to write a
 * worker twin into a new file; the tests, to turn snippets/*.json into files they can type-check,
 * run and analyse.
 *
 * Syntax (https://code.visualstudio.com/docs/editor/userdefinedsnippets#_snippet-syntax):
 * - `$1`, `${1}`: a tab stop; it shows the value of tab stop 1 (a mirror), empty if nothing gives one.
 * - `${1:default}`: a placeholder; the default may nest other stops and placeholders. As in the
 *   editor, the first placeholder of an index that has a default gives the value of every
 *   occurrence of that index.
 * - `${1|a,b|}`: a choice; its first option is the default.
 * - `$0`: the final cursor position (empty unless `values[0]` fills it).
 * - `$NAME`, `${NAME}`, `${NAME:default}`: variables (`TM_FILENAME`, `TM_FILENAME_BASE`, `CURRENT_YEAR`,
 *   `UUID`…) from `ExpandOptions.file` and the clock; an empty variable takes its default, and an
 *   unknown one inserts its own name, as the editor does.
 * - `${1/regex/format/flags}`, `${NAME/regex/format/flags}`: transforms, with `$n`, `${n:/upcase}`,
 *   `${n:+if}`, `${n:?if:else}`, `${n:-else}` and `${n:else}` in the format.
 * - `\$`, `\}` and `\\` are escapes (plus `\,` and `\|` in choices); a `$` that starts nothing valid
 *   is text.
 *
 * Worker twins: snippets/twins.json maps the prefix of a snippet that spawns a worker module to that
 * module, as `{ "<prefix>": { "file": "worker.ts", "snippet": "<prefix of the snippet that fills it>" } }`.
 * `file` is the file its default worker path (`new URL('./worker.js', import.meta.url)`) resolves to
 * in TypeScript; in JavaScript it is the same name with `.js`. The twin snippet lives in the same
 * language file as the snippet that spawns it, so the pair always speaks the same protocol.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';

export type SnippetNode =
  | { kind: 'text'; value: string }
  | { kind: 'tabstop'; index: number; transform?: Transform }
  | { kind: 'placeholder'; index: number; children: SnippetNode[] }
  | { kind: 'choice'; index: number; options: string[] }
  | { kind: 'variable'; name: string; children?: SnippetNode[]; transform?: Transform };

export interface Transform {
  regex: RegExp;
  format: FormatPart[];
}

export type FormatPart =
  | string
  | { group: number; modifier?: 'upcase' | 'downcase' | 'capitalize' | 'camelcase' | 'pascalcase'; ifText?: string; elseText?: string };

export interface ExpandOptions {
  /** Text typed at a tab stop, replacing its default (`0` fills the final cursor position). */
  values?: Record<number, string>;
  /** The document the snippet is inserted into: gives the `TM_FILENAME…` / `TM_DIRECTORY` variables. */
  file?: string;
  /** The workspace folder (`WORKSPACE_NAME`, `WORKSPACE_FOLDER`, `RELATIVE_FILEPATH`); defaults to the file's folder. */
  workspace?: string;
  /** Values for other variables, or overrides of the derived ones. */
  variables?: Record<string, string>;
  /** What a leading tab of the snippet's own lines becomes (the editor's indentation unit). */
  tab?: string;
  /** The indentation of the line the snippet is inserted on, added to every line after the first. */
  indent?: string;
}

const MODIFIERS = new Set(['upcase', 'downcase', 'capitalize', 'camelcase', 'pascalcase']);

/** Parses a snippet body (lines are joined with `\n`, as the editor does). Malformed constructs are text. */
export function parseSnippet(body: string | readonly string[]): SnippetNode[] {
  return new Parser(typeof body === 'string' ? body : body.join('\n')).parse();
}

/** The text inserted by the snippet with every default accepted (see the header for the syntax). */
export function expandSnippet(body: string | readonly string[], options: ExpandOptions = {}): string {
  return new Expander(parseSnippet(body), options).run();
}

class Parser {
  private pos = 0;

  constructor(private readonly src: string) {}

  parse(): SnippetNode[] {
    return this.sequence(false);
  }

  /** Text and constructs up to the end, or (nested) up to an unescaped `}`, which is left for the caller. */
  private sequence(nested: boolean): SnippetNode[] {
    const nodes: SnippetNode[] = [];
    let text = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\' && '$}\\'.includes(this.src[this.pos + 1] ?? '\0')) {
        text += this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (nested && c === '}') break;
      if (c === '$') {
        const start = this.pos;
        const node = this.dollar();
        if (node) {
          if (text) nodes.push({ kind: 'text', value: text });
          text = '';
          nodes.push(node);
          continue;
        }
        this.pos = start + 1;
      } else {
        this.pos++;
      }
      text += c;
    }
    if (text) nodes.push({ kind: 'text', value: text });
    return nodes;
  }

  /** A construct starting at `$`, or undefined (the caller backtracks and takes the `$` as text). */
  private dollar(): SnippetNode | undefined {
    this.pos++;
    const index = this.match(/[0-9]+/y);
    if (index !== undefined) return { kind: 'tabstop', index: Number(index) };
    const name = this.match(/[_a-zA-Z][_a-zA-Z0-9]*/y);
    if (name !== undefined) return { kind: 'variable', name };
    if (!this.eat('{')) return undefined;

    const braced = this.match(/[0-9]+/y);
    if (braced !== undefined) {
      const n = Number(braced);
      if (this.eat('}')) return { kind: 'tabstop', index: n };
      if (this.eat(':')) {
        const children = this.sequence(true);
        return this.eat('}') ? { kind: 'placeholder', index: n, children } : undefined;
      }
      if (this.eat('|')) {
        const options = this.choiceOptions();
        return options ? { kind: 'choice', index: n, options } : undefined;
      }
      const transform = this.transform();
      return transform ? { kind: 'tabstop', index: n, transform } : undefined;
    }

    const variable = this.match(/[_a-zA-Z][_a-zA-Z0-9]*/y);
    if (variable === undefined) return undefined;
    if (this.eat('}')) return { kind: 'variable', name: variable };
    if (this.eat(':')) {
      const children = this.sequence(true);
      return this.eat('}') ? { kind: 'variable', name: variable, children } : undefined;
    }
    const transform = this.transform();
    return transform ? { kind: 'variable', name: variable, transform } : undefined;
  }

  /** `a,b|}` after `${n|`: at least one option. */
  private choiceOptions(): string[] | undefined {
    const options: string[] = [];
    let current = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\' && ',|\\$}'.includes(this.src[this.pos + 1] ?? '\0')) {
        current += this.src[this.pos + 1];
        this.pos += 2;
      } else if (c === ',') {
        options.push(current);
        current = '';
        this.pos++;
      } else if (c === '|' && this.src[this.pos + 1] === '}') {
        options.push(current);
        this.pos += 2;
        return options;
      } else {
        current += c;
        this.pos++;
      }
    }
    return undefined;
  }

  /** `/regex/format/flags}` after a tab stop index or a variable name. */
  private transform(): Transform | undefined {
    if (!this.eat('/')) return undefined;
    let source = '';
    while (this.pos < this.src.length && this.src[this.pos] !== '/') {
      if (this.src[this.pos] === '\\' && this.src[this.pos + 1] === '/') {
        source += '/';
        this.pos += 2;
      } else {
        source += this.src[this.pos++];
      }
    }
    if (!this.eat('/')) return undefined;
    const format = this.format();
    if (!format || !this.eat('/')) return undefined;
    const flags = this.match(/[a-z]*/y) ?? '';
    if (!this.eat('}')) return undefined;
    try {
      return { regex: new RegExp(source, flags), format };
    } catch {
      return undefined;
    }
  }

  private format(): FormatPart[] | undefined {
    const parts: FormatPart[] = [];
    let text = '';
    const flush = (): void => {
      if (text) parts.push(text);
      text = '';
    };
    while (this.pos < this.src.length && this.src[this.pos] !== '/') {
      const c = this.src[this.pos];
      if (c === '\\' && '/$\\'.includes(this.src[this.pos + 1] ?? '\0')) {
        text += this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (c === '$') {
        const start = this.pos;
        const part = this.formatReference();
        if (part) {
          flush();
          parts.push(part);
          continue;
        }
        this.pos = start;
      }
      text += c;
      this.pos++;
    }
    flush();
    return parts;
  }

  /** `$n`, `${n}`, `${n:/modifier}`, `${n:+if}`, `${n:?if:else}`, `${n:-else}`, `${n:else}` in a format. */
  private formatReference(): FormatPart | undefined {
    this.pos++;
    const bare = this.match(/[0-9]+/y);
    if (bare !== undefined) return { group: Number(bare) };
    if (!this.eat('{')) return undefined;
    const digits = this.match(/[0-9]+/y);
    if (digits === undefined) return undefined;
    const group = Number(digits);
    if (this.eat('}')) return { group };
    if (!this.eat(':')) return undefined;
    if (this.eat('/')) {
      const modifier = this.match(/[a-z]+/y);
      if (!modifier || !MODIFIERS.has(modifier) || !this.eat('}')) return undefined;
      return { group, modifier: modifier as NonNullable<Extract<FormatPart, object>['modifier']> };
    }
    if (this.eat('+')) {
      const ifText = this.until('}');
      return ifText === undefined ? undefined : { group, ifText };
    }
    if (this.eat('?')) {
      const ifText = this.until(':');
      const elseText = ifText === undefined ? undefined : this.until('}');
      return elseText === undefined ? undefined : { group, ifText, elseText };
    }
    this.eat('-');
    const elseText = this.until('}');
    return elseText === undefined ? undefined : { group, elseText };
  }

  /** Text up to an unescaped `end` (consumed), or undefined when it never comes. */
  private until(end: string): string | undefined {
    let text = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\' && this.pos + 1 < this.src.length) {
        text += this.src[this.pos + 1];
        this.pos += 2;
      } else if (c === end) {
        this.pos++;
        return text;
      } else {
        text += c;
        this.pos++;
      }
    }
    return undefined;
  }

  private eat(c: string): boolean {
    if (this.src[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  private match(sticky: RegExp): string | undefined {
    sticky.lastIndex = this.pos;
    const m = sticky.exec(this.src);
    if (!m || m[0] === '') return undefined;
    this.pos += m[0].length;
    return m[0];
  }
}

class Expander {
  private readonly defaults = new Map<number, SnippetNode[] | string>();
  private readonly resolving = new Set<number>();
  private readonly variables: Record<string, string>;

  constructor(private readonly nodes: SnippetNode[], private readonly options: ExpandOptions) {
    this.collectDefaults(nodes);
    this.variables = { ...derivedVariables(options), ...options.variables };
  }

  run(): string {
    return this.render(this.nodes, 'snippet-start');
  }

  private collectDefaults(nodes: SnippetNode[]): void {
    for (const node of nodes) {
      if (node.kind === 'placeholder') {
        if (!this.defaults.has(node.index) && node.children.length > 0) this.defaults.set(node.index, node.children);
        this.collectDefaults(node.children);
      } else if (node.kind === 'choice') {
        if (!this.defaults.has(node.index)) this.defaults.set(node.index, node.options[0]);
      } else if (node.kind === 'variable' && node.children) {
        this.collectDefaults(node.children);
      }
    }
  }

  /**
   * The snippet's own text is re-indented as the editor does (a placeholder's default included, but
   * not a choice, a value typed at a stop or a variable's value). `at` is where `nodes` begin: the
   * start of the snippet (its first line is already indented), the start of a later line, or mid-line.
   */
  private render(nodes: SnippetNode[], at: LinePosition): string {
    let out = '';
    const here = (): LinePosition => (out === '' ? at : out.endsWith('\n') ? 'line-start' : 'mid-line');
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += this.indent(node.value, here());
          break;
        case 'tabstop': {
          const value = this.valueOf(node.index, here());
          out += node.transform ? applyTransform(value, node.transform) : value;
          break;
        }
        case 'placeholder':
        case 'choice':
          out += this.valueOf(node.index, here());
          break;
        case 'variable': {
          let value = Object.hasOwn(this.variables, node.name) ? this.variables[node.name] : undefined;
          if (!value && node.children) value = this.render(node.children, here());
          value ??= node.name;
          out += node.transform ? applyTransform(value, node.transform) : value;
          break;
        }
      }
    }
    return out;
  }

  private valueOf(index: number, at: LinePosition): string {
    const given = this.options.values?.[index];
    if (given !== undefined) return given;
    const fallback = this.defaults.get(index);
    if (fallback === undefined || this.resolving.has(index)) return '';
    if (typeof fallback === 'string') return fallback;
    this.resolving.add(index);
    try {
      return this.render(fallback, at);
    } finally {
      this.resolving.delete(index);
    }
  }

  private indent(text: string, at: LinePosition): string {
    const { tab, indent = '' } = this.options;
    return text
      .split('\n')
      .map((line, i) => {
        const position = i > 0 ? 'line-start' : at;
        if (position === 'mid-line') return line;
        const tabs = /^\t*/.exec(line)![0];
        const converted = tab === undefined ? tabs : tab.repeat(tabs.length);
        return (position === 'line-start' ? indent : '') + converted + line.slice(tabs.length);
      })
      .join('\n');
  }
}

type LinePosition = 'snippet-start' | 'line-start' | 'mid-line';

/** The variables the expander knows (an unknown one expands to its own name, like `${code}` left unescaped). */
export function knownVariables(): string[] {
  return Object.keys(derivedVariables({}));
}

function derivedVariables(options: ExpandOptions): Record<string, string> {
  const file = path.resolve(options.file ?? 'untitled.ts');
  const workspace = path.resolve(options.workspace ?? path.dirname(file));
  const now = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const base = path.basename(file);
  return {
    TM_FILENAME: base,
    TM_FILENAME_BASE: path.basename(base, path.extname(base)),
    TM_DIRECTORY: path.dirname(file),
    TM_FILEPATH: file,
    RELATIVE_FILEPATH: path.relative(workspace, file),
    WORKSPACE_NAME: path.basename(workspace),
    WORKSPACE_FOLDER: workspace,
    TM_SELECTED_TEXT: '',
    TM_CURRENT_LINE: '',
    TM_CURRENT_WORD: '',
    TM_LINE_INDEX: '0',
    TM_LINE_NUMBER: '1',
    CURSOR_INDEX: '0',
    CURSOR_NUMBER: '1',
    CLIPBOARD: '',
    CURRENT_YEAR: String(now.getFullYear()),
    CURRENT_YEAR_SHORT: String(now.getFullYear()).slice(-2),
    CURRENT_MONTH: pad(now.getMonth() + 1),
    CURRENT_MONTH_NAME: months[now.getMonth()],
    CURRENT_MONTH_NAME_SHORT: months[now.getMonth()].slice(0, 3),
    CURRENT_DATE: pad(now.getDate()),
    CURRENT_DAY_NAME: days[now.getDay()],
    CURRENT_DAY_NAME_SHORT: days[now.getDay()].slice(0, 3),
    CURRENT_HOUR: pad(now.getHours()),
    CURRENT_MINUTE: pad(now.getMinutes()),
    CURRENT_SECOND: pad(now.getSeconds()),
    CURRENT_SECONDS_UNIX: String(Math.floor(now.getTime() / 1000)),
    CURRENT_TIMEZONE_OFFSET: timezoneOffset(now),
    RANDOM: String(Math.random()).slice(2, 8).padEnd(6, '0'),
    RANDOM_HEX: Math.floor(Math.random() * 0x1000000).toString(16).padStart(6, '0'),
    UUID: randomUUID(),
    LINE_COMMENT: '//',
    BLOCK_COMMENT_START: '/*',
    BLOCK_COMMENT_END: '*/',
  };
}

function timezoneOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function applyTransform(value: string, { regex, format }: Transform): string {
  return value.replace(regex, (...args: unknown[]) => {
    // replace() passes the match, its groups, then the offset (a number), the input and named groups.
    const groups = args.slice(0, args.findIndex(a => typeof a === 'number')) as (string | undefined)[];
    return format.map(part => (typeof part === 'string' ? part : formatGroup(groups[part.group], part))).join('');
  });
}

function formatGroup(value: string | undefined, part: Exclude<FormatPart, string>): string {
  const { ifText, elseText } = part;
  if (ifText !== undefined) return value ? ifText : elseText ?? '';
  if (elseText !== undefined) return value || elseText;
  const text = value ?? '';
  switch (part.modifier) {
    case 'upcase':
      return text.toUpperCase();
    case 'downcase':
      return text.toLowerCase();
    case 'capitalize':
      return text.charAt(0).toUpperCase() + text.slice(1);
    case 'camelcase':
    case 'pascalcase': {
      const words = text.split(/[^a-zA-Z0-9]+/).filter(Boolean);
      const joined = words.map(w => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
      return part.modifier === 'camelcase' ? joined.charAt(0).toLowerCase() + joined.slice(1) : joined;
    }
    default:
      return text;
  }
}

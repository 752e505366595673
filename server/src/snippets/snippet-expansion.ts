/**
 * Expands VS Code snippet bodies the way the editor inserts them when every default is accepted: the
 * text the user would get by pressing Tab through all the stops. The server uses it to write a
 * worker twin into a new file; the tests, to turn snippets/*.json into files they can type-check,
 * run and analyse. The syntax it reads is snippet-syntax.ts's.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { type FormatPart, type SnippetNode, type Transform, parseSnippet } from './snippet-syntax';

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

/** The text inserted by the snippet with every default accepted (see the header for the syntax). */
export function expandSnippet(body: string | readonly string[], options: ExpandOptions = {}): string {
  return new Expander(parseSnippet(body), options).run();
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

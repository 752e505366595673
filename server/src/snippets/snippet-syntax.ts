/**
 * VS Code snippet syntax, parsed into nodes (snippet-expansion.ts inserts them as the editor would).
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

const MODIFIERS = new Set(['upcase', 'downcase', 'capitalize', 'camelcase', 'pascalcase']);

/** Parses a snippet body (lines are joined with `\n`, as the editor does). Malformed constructs are text. */
export function parseSnippet(body: string | readonly string[]): SnippetNode[] {
  return new Parser(typeof body === 'string' ? body : body.join('\n')).parse();
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
      const escaped = this.escaped('$}\\');
      if (escaped !== undefined) {
        text += escaped;
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
    const options = [''];
    while (this.pos < this.src.length) {
      const escaped = this.escaped(',|\\$}');
      if (escaped !== undefined) {
        options[options.length - 1] += escaped;
      } else if (this.eat(',')) {
        options.push('');
      } else if (this.src.startsWith('|}', this.pos)) {
        this.pos += 2;
        return options;
      } else {
        options[options.length - 1] += this.src[this.pos++];
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
      const escaped = this.escaped('/$\\');
      if (escaped !== undefined) {
        text += escaped;
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

  /** A backslash before one of `chars` here: consumed, and the character it stands for returned. */
  private escaped(chars: string): string | undefined {
    const next = this.src[this.pos + 1];
    if (this.src[this.pos] !== '\\' || next === undefined || !chars.includes(next)) return undefined;
    this.pos += 2;
    return next;
  }

  private match(sticky: RegExp): string | undefined {
    sticky.lastIndex = this.pos;
    const m = sticky.exec(this.src);
    if (!m || m[0] === '') return undefined;
    this.pos += m[0].length;
    return m[0];
  }
}

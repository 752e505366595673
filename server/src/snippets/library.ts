/**
 * The snippets of snippets/*.json as the server offers them: per language, each body split into the
 * imports it needs and the code to insert, so a completion can add only the imports a document
 * lacks.
 */
import javascript from '../../../snippets/javascript.json';
import typescript from '../../../snippets/typescript.json';

export interface SnippetImport {
  module: string;
  names: string[];
}

export interface Snippet {
  name: string;
  prefix: string;
  description: string;
  /** The whole body, as VS Code snippet syntax. */
  whole: string;
  /** The body without its leading import lines. */
  body: string;
  imports: SnippetImport[];
}

type SnippetFile = Record<string, { prefix: string | string[]; body: string | string[]; description?: string }>;

const IMPORT_LINE = /^import\s*\{([^}]*)\}\s*from\s*'([^']+)';\s*$/;

function load(file: SnippetFile): Snippet[] {
  return Object.entries(file).map(([name, s]) => {
    const lines = typeof s.body === 'string' ? s.body.split('\n') : [...s.body];
    const whole = lines.join('\n');
    const imports: SnippetImport[] = [];
    while (lines.length > 0) {
      const m = IMPORT_LINE.exec(lines[0]);
      if (!m) break;
      imports.push({ module: m[2], names: m[1].split(',').map(n => n.trim()).filter(Boolean) });
      lines.shift();
    }
    while (lines.length > 0 && lines[0].trim() === '') lines.shift();
    return {
      name,
      prefix: Array.isArray(s.prefix) ? s.prefix[0] : s.prefix,
      description: s.description ?? name,
      whole,
      body: lines.join('\n'),
      imports,
    };
  });
}

const LIBRARY = { typescript: load(typescript as SnippetFile), javascript: load(javascript as SnippetFile) };

/** The snippets for a file, by its extension: TypeScript's for `.ts/.tsx/.mts/.cts`, else JavaScript's. */
export function snippetsFor(file: string): readonly Snippet[] {
  return /\.[mc]?tsx?$/.test(file) ? LIBRARY.typescript : LIBRARY.javascript;
}

export function snippetByPrefix(file: string, prefix: string): Snippet | undefined {
  return snippetsFor(file).find(s => s.prefix === prefix);
}

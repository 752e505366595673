/**
 * The snippets as completion items: the code at the cursor, and the imports it needs added at the
 * top of the file through `additionalTextEdits` (merged into an import of the same module when the
 * file has one). Nothing is offered inside a comment or a string.
 */
import type { CompletionItem, TextEdit } from 'vscode-languageserver/node';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver/node';
import { ts } from '../analysis/ts';
import { expandSnippet } from '../snippets/snippet-expansion';
import { Snippet, SnippetImport, snippetsFor } from '../snippets/library';
import { Locator } from './convert';

export function snippetCompletions(file: string, text: string, offset: number): CompletionItem[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  if (isInCommentOrString(source, offset)) return [];
  const at = new Locator(() => text);
  return snippetsFor(file).map((snippet, i) => ({
    label: snippet.prefix,
    kind: CompletionItemKind.Snippet,
    detail: snippet.description,
    documentation: { kind: 'markdown', value: `\`\`\`${/\.[mc]?tsx?$/.test(file) ? 'ts' : 'js'}\n${expandSnippet(snippet.body)}\n\`\`\`` },
    insertTextFormat: InsertTextFormat.Snippet,
    insertText: snippet.body,
    sortText: `~fearless${String(i).padStart(3, '0')}`,
    additionalTextEdits: importEdits(source, snippet, at),
  }));
}

/** Edits adding the snippet's imports that the file lacks. */
export function importEdits(source: ts.SourceFile, snippet: Snippet, at: Locator): TextEdit[] {
  const imports = source.statements.filter(ts.isImportDeclaration);
  const edits: TextEdit[] = [];
  const fresh: SnippetImport[] = [];
  for (const wanted of snippet.imports) {
    const existing = imports.find(d => ts.isStringLiteral(d.moduleSpecifier) && sameModule(d.moduleSpecifier.text, wanted.module) &&
      !d.importClause?.isTypeOnly && d.importClause?.namedBindings && ts.isNamedImports(d.importClause.namedBindings));
    const named = existing?.importClause?.namedBindings as ts.NamedImports | undefined;
    const have = new Set(imports.flatMap(d => {
      const b = d.importClause?.namedBindings;
      return b && ts.isNamedImports(b) ? b.elements.map(e => e.name.text) : [];
    }));
    const missing = wanted.names.filter(n => !have.has(n));
    if (missing.length === 0) continue;
    if (named && named.elements.length > 0) {
      const last = named.elements[named.elements.length - 1];
      const offset = last.end;
      edits.push({ range: at.range({ file: source.fileName, start: offset, end: offset }), newText: missing.map(n => `, ${n}`).join('') });
    } else {
      fresh.push({ module: wanted.module, names: missing });
    }
  }
  if (fresh.length > 0) {
    const after = imports.length > 0 ? imports[imports.length - 1].end : 0;
    const lines = fresh.map(i => `import { ${i.names.join(', ')} } from '${i.module}';`).join('\n');
    const newText = after > 0 ? `\n${lines}` : `${lines}\n${imports.length === 0 && source.statements.length > 0 ? '\n' : ''}`;
    edits.push({ range: at.range({ file: source.fileName, start: after, end: after }), newText });
  }
  return edits;
}

/** `node:worker_threads` and `worker_threads` are one module. */
function sameModule(a: string, b: string): boolean {
  return a.replace(/^node:/, '') === b.replace(/^node:/, '');
}

function isInCommentOrString(source: ts.SourceFile, offset: number): boolean {
  let node: ts.Node = source;
  for (;;) {
    const child = node.getChildren(source).find(c => c.getFullStart() <= offset && offset < c.end);
    if (!child) break;
    node = child;
  }
  if (offset > node.getStart(source) && (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node) || node.kind === ts.SyntaxKind.JsxText)) {
    return true;
  }
  const comments = [...ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [],
    ...ts.getTrailingCommentRanges(source.text, node.getFullStart()) ?? []];
  return comments.some(c => offset > c.pos && offset <= c.end && (c.kind === ts.SyntaxKind.MultiLineCommentTrivia ? offset < c.end : true));
}

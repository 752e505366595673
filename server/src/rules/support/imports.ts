/**
 * How a fix names an export of a Node built-in (`once` of `node:events`, the `node:path` module), and
 * the edits that bind it when the file does not: an import or `require` of the module already there is
 * reused (a named import gains the name); otherwise an `import` is added after the file's imports (a
 * `require` in CommonJS JavaScript). None when the name the fix would add is already used for something else.
 */
import { ts } from '../../analysis/ts';
import type { FileFacts } from '../../analysis/file-facts';
import type { TextEdit } from '../../core/finding';
import { newlineOf, skipOuter } from '../../analysis/syntax/syntax';
import { insertAt } from './edits';
import { isEsModule } from './module-format';

export interface Binding {
  /** The expression to write: `once`, `events.once`, `path`. */
  text: string;
  edits: TextEdit[];
}

/** `name` of `module`, or (`name` = `*`) the module itself, written `local` when it has to be imported. */
export function builtinBinding(facts: FileFacts, module: string, name: string, local: string): Binding | undefined {
  const { file } = facts;
  const taken = (n: string): boolean => facts.refs.named(n).some(id => !isMemberName(id));
  const existing = existingBinding(file, module, name, taken);
  if (existing) return existing;
  if (taken(local)) return undefined;
  const nl = newlineOf(file.text);
  const esm = /\.[mc]?tsx?$/.test(file.fileName) || isEsModule(file, facts.program);
  const line = esm
    ? `import ${name === '*' ? `* as ${local}` : `{ ${name} }`} from '${module}';`
    : `const ${name === '*' ? local : `{ ${name} }`} = require('${module}');`;
  const last = [...file.statements].reverse().find(s => isImportOf(s) !== undefined);
  if (last) return { text: local, edits: [insertAt(file, last.end, `${nl}${line}`)] };
  const first = file.statements.find(s => !isPrologue(s));
  const at = first ? first.getStart(file, true) : file.text.length;
  return { text: local, edits: [insertAt(file, at, `${line}${nl}${first ? nl : ''}`)] };
}

function existingBinding(file: ts.SourceFile, module: string, name: string, taken: (name: string) => boolean): Binding | undefined {
  for (const stmt of file.statements) {
    const from = isImportOf(stmt);
    if (from === undefined || from.replace(/^node:/, '') !== module.replace(/^node:/, '')) continue;
    if (ts.isImportDeclaration(stmt)) {
      const clause = stmt.importClause;
      if (!clause || clause.isTypeOnly) continue;
      const bindings = clause.namedBindings;
      const whole = clause.name?.text ?? (bindings && ts.isNamespaceImport(bindings) ? bindings.name.text : undefined);
      if (whole) return { text: name === '*' ? whole : `${whole}.${name}`, edits: [] };
      if (!bindings || !ts.isNamedImports(bindings) || name === '*') continue;
      const el = bindings.elements.find(e => !e.isTypeOnly && (e.propertyName ?? e.name).text === name);
      if (el) return { text: el.name.text, edits: [] };
      const lastElement = bindings.elements[bindings.elements.length - 1];
      if (lastElement && !taken(name)) {
        return { text: name, edits: [insertAt(file, lastElement.end, `, ${name}`)] };
      }
    } else {
      const decl = (stmt as ts.VariableStatement).declarationList.declarations[0];
      if (ts.isIdentifier(decl.name)) return { text: name === '*' ? decl.name.text : `${decl.name.text}.${name}`, edits: [] };
      if (name === '*' || !ts.isObjectBindingPattern(decl.name)) continue;
      const el = decl.name.elements.find(e => ((e.propertyName ?? e.name) as ts.Identifier).text === name && ts.isIdentifier(e.name));
      if (el) return { text: (el.name as ts.Identifier).text, edits: [] };
    }
  }
  return undefined;
}

/** The module an `import` declaration or a top-level `const x = require('m')` brings in. */
function isImportOf(stmt: ts.Statement): string | undefined {
  if (ts.isImportDeclaration(stmt)) return ts.isStringLiteral(stmt.moduleSpecifier) ? stmt.moduleSpecifier.text : undefined;
  if (!ts.isVariableStatement(stmt) || stmt.declarationList.declarations.length !== 1) return undefined;
  const init = stmt.declarationList.declarations[0].initializer;
  const call = init && skipOuter(init);
  if (!call || !ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== 'require') return undefined;
  const arg = call.arguments[0];
  return arg && ts.isStringLiteral(arg) ? arg.text : undefined;
}

/** An identifier that names a member or an imported export, not a binding of this file's scope. */
function isMemberName(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p)) return p.name === id;
  if (ts.isQualifiedName(p)) return p.right === id;
  if (ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p) ||
      ts.isMethodSignature(p) || ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p) || ts.isEnumMember(p)) {
    return p.name === id;
  }
  return (ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isBindingElement(p)) && p.propertyName === id;
}

/** A `'use strict'` directive: imports go after it. */
function isPrologue(stmt: ts.Statement): boolean {
  return ts.isExpressionStatement(stmt) && ts.isStringLiteral(stmt.expression);
}

/**
 * Node or web, per module (RULES.md, "Environment auto"): Node when the module imports a Node
 * built-in or uses `require`, `process`, `__dirname`, `import.meta.dirname`; web when it references
 * `self`, `window`, `document`, `importScripts` or a DOM lib reference. Both or neither is undecided,
 * and rules that differ by environment stay silent there.
 */
import { builtinModules } from 'node:module';
import { ts } from '../ts';
import type { Environment } from '../../core/environment';

export type Runtime = 'node' | 'web' | 'undecided';

const NODE_BUILTINS = new Set(builtinModules);
const NODE_GLOBALS = new Set(['require', 'process', '__dirname', '__filename', 'Buffer']);
const WEB_GLOBALS = new Set(['self', 'window', 'document', 'importScripts', 'navigator']);

export function detectRuntime(file: ts.SourceFile, configured: Environment): Runtime {
  if (configured !== 'auto') return configured;
  let node = false;
  let web = /^\/\/\/\s*<reference\s+lib=["'](dom|webworker)/m.test(file.text);
  const visit = (n: ts.Node): void => {
    if (node && web) return;
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      const spec = n.moduleSpecifier.text;
      if (spec.startsWith('node:') || NODE_BUILTINS.has(spec)) node = true;
    } else if (ts.isIdentifier(n) && isGlobalReference(n)) {
      if (NODE_GLOBALS.has(n.text)) node = true;
      if (WEB_GLOBALS.has(n.text)) web = true;
    } else if (ts.isMetaProperty(n) && ts.isPropertyAccessExpression(n.parent) &&
               (n.parent.name.text === 'dirname' || n.parent.name.text === 'filename')) {
      node = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return node === web ? 'undecided' : node ? 'node' : 'web';
}

/** A free identifier in expression position (not a property name, declaration or type). */
function isGlobalReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if (ts.isPropertyAssignment(p) && p.name === id) return false;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isBindingElement(p) ||
       ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) && (p as ts.NamedDeclaration).name === id) {
    return false;
  }
  if (ts.isTypeReferenceNode(p) || ts.isQualifiedName(p)) return false;
  return true;
}

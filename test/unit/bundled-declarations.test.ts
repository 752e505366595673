/**
 * The declarations Fearless brings for a project without them: they compile on their own, they come in
 * only for what the project lacks, and never beside the user's own declarations.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Project } from 'ts-morph';
import { ts } from '../../server/src/analysis/ts';
import { Workspace } from '../../server/src/analysis/program/workspace';
import { writeUnder } from '../support/cli-project';
import { BUNDLED_FILE, isBundledFile } from '../../server/src/analysis/bundled/fallback';
import { LIBRARY_MODULES } from '../../server/src/analysis/bundled/libraries';
import { NODE_GLOBALS, NODE_MODULES, NODE_WEB_GLOBALS } from '../../server/src/analysis/bundled/node';

/** Errors of a program of one declaration file, `text`, under `lib`. */
function declarationErrors(text: string, lib: string[]): string[] {
  const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { lib, types: [], strict: true, noEmit: true } });
  project.createSourceFile('/decl/bundled.d.ts', text);
  return project.getPreEmitDiagnostics().map(d => ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' '));
}

describe('bundled declarations', () => {
  const libraries = Object.values(LIBRARY_MODULES).join('');

  it('compile alone, without the DOM', () => {
    assert.deepEqual(declarationErrors(NODE_MODULES + NODE_GLOBALS + NODE_WEB_GLOBALS + libraries, ['lib.es2022.d.ts']), []);
  });

  it('compile beside the DOM, whose web globals they leave to it', () => {
    assert.deepEqual(declarationErrors(NODE_MODULES + NODE_GLOBALS + libraries, ['lib.es2022.d.ts', 'lib.dom.d.ts']), []);
  });

  describe('in a workspace', () => {
    let dir: string;
    const write = (rel: string, text: string): string => writeUnder(dir, rel, text);
    /** Where the declaration of the type of `name`'s first declaration, in `file`, comes from. */
    const declaredIn = (workspace: Workspace, file: string, name: string): string | undefined => {
      const { sourceFile, program } = workspace.get(file)!;
      const checker = program.getTypeChecker();
      let found: string | undefined;
      const visit = (n: ts.Node): void => {
        if (!found && ts.isIdentifier(n) && n.text === name && !ts.isImportSpecifier(n.parent)) {
          found = checker.getTypeAtLocation(n).getSymbol()?.declarations?.[0]?.getSourceFile().fileName;
        }
        ts.forEachChild(n, visit);
      };
      visit(sourceFile);
      return found;
    };

    beforeEach(() => { dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-bundled-'))); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('types worker_threads, globals and lock packages where nothing is installed', () => {
      const file = write('main.js', [
        "const { Worker, MessageChannel } = require('node:worker_threads');",
        "const { Mutex } = require('async-mutex');",
        "const w = new Worker(__dirname + '/w.js');",
        'const channel = new MessageChannel();',
        'const m = new Mutex();',
        'structuredClone({ w, channel, m });',
      ].join('\n'));
      const workspace = new Workspace();
      workspace.add(file);
      for (const name of ['w', 'channel', 'm']) assert.ok(isBundledFile(declaredIn(workspace, file, name) ?? ''), name);
    });

    it('leaves out what the project declares itself', () => {
      write('types.d.ts', "declare module 'piscina' { export default class Piscina { run(task: unknown): Promise<unknown>; } }\n");
      write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, noEmit: true, lib: ['es2022', 'dom'] }, include: ['*.ts'] }));
      const file = write('main.ts', "import Piscina from 'piscina';\nimport { Worker } from 'node:worker_threads';\nconst pool = new Piscina();\nconst w = new Worker('./w.js');\nexport { pool, w };\n");
      const workspace = new Workspace();
      workspace.add(file);
      assert.equal(declaredIn(workspace, file, 'pool'), path.join(dir, 'types.d.ts'));
      assert.ok(isBundledFile(declaredIn(workspace, file, 'w') ?? ''));
      const bundled = workspace.get(file)!.program.getSourceFile(BUNDLED_FILE)!.text;
      assert.ok(!bundled.includes("declare module 'piscina'"), 'piscina declared twice');
      assert.ok(!bundled.includes('declare function structuredClone'), 'structuredClone clashes with the DOM');
    });

    it('adds nothing to a project with every type installed', () => {
      const file = path.join(__dirname, '..', 'fixtures', 'unclosed-port', 'invalid-close.ts');
      const workspace = new Workspace();
      workspace.add(file);
      const bundled = workspace.get(file)!.program.getSourceFile(BUNDLED_FILE)?.text ?? '';
      assert.ok(!bundled.includes("declare module 'worker_threads'"), 'worker_threads declared beside @types/node');
      assert.ok(!bundled.includes('declare var __dirname'), '__dirname declared beside @types/node');
    });
  });
});

/**
 * One compilation cache for every program of a workspace: libraries and files several roots reach are
 * parsed once, packages that would get the same options share one inferred program, a file reached
 * through a symlink is its real path's tree, and the programs held at once are bounded.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ts } from '../../server/src/analysis/ts';
import { Workspace } from '../../server/src/analysis/program/workspace';
import { writeUnder } from '../support/cli-project';

describe('workspace sharing', () => {
  let dir: string;
  const write = (rel: string, text: string): string => writeUnder(dir, rel, text);
  const config = (rel: string, compilerOptions: object): string =>
    write(`${rel}/tsconfig.json`, JSON.stringify({ compilerOptions: { module: 'nodenext', noEmit: true, types: [], ...compilerOptions } }));
  const lib = (workspace: Workspace, file: string) =>
    workspace.get(file)!.program.getSourceFiles().find(f => f.fileName.endsWith('/lib.es5.d.ts'));

  beforeEach(() => { dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-sharing-'))); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parses a library once for projects of different targets and strictness', () => {
    config('a', { target: 'es2022', strict: true });
    config('b', { target: 'es2017', strict: false });
    const a = write('a/main.ts', 'export const a = [1].map(x => x);\n');
    const b = write('b/main.ts', 'export const b = [2].map(x => x);\n');
    const workspace = new Workspace();
    workspace.add(a);
    workspace.add(b);
    assert.notEqual(workspace.get(a)!.program, workspace.get(b)!.program);
    assert.ok(lib(workspace, a));
    assert.equal(lib(workspace, a), lib(workspace, b));
    // Each checker reads the shared trees: both programs still type their own files.
    for (const [file, name] of [[a, 'a'], [b, 'b']] as const) {
      const { program, sourceFile } = workspace.get(file)!;
      const checker = program.getTypeChecker();
      const statement = sourceFile.statements[0] as ts.VariableStatement;
      const declared = statement.declarationList.declarations[0];
      assert.equal(declared.name.getText(), name);
      assert.equal(checker.typeToString(checker.getTypeAtLocation(declared.name)), 'number[]');
    }
  });

  it('parses a source file once when two projects import it through a symlink', () => {
    write('shared/package.json', '{ "name": "shared", "type": "module" }');
    const shared = write('shared/index.ts', 'export const answer = 42;\n');
    const mains: string[] = [];
    for (const name of ['p1', 'p2']) {
      config(name, { strict: true });
      write(`${name}/package.json`, `{ "name": "${name}", "type": "module" }`);
      fs.mkdirSync(path.join(dir, name, 'node_modules'));
      fs.symlinkSync('../../shared', path.join(dir, name, 'node_modules', 'shared'));
      mains.push(write(`${name}/main.ts`, "import { answer } from 'shared/index.ts';\nexport const twice = answer * 2;\n"));
    }
    const workspace = new Workspace();
    for (const main of mains) workspace.add(main);
    const trees = mains.map(main => workspace.get(main)!.program.getSourceFile(shared));
    assert.ok(trees[0], 'the import resolves to the real path');
    assert.equal(trees[0], trees[1]);
  });

  it('gives packages without types of their own one inferred program', () => {
    const files = ['one', 'two', 'three'].map(name => {
      write(`fixtures/${name}/package.json`, `{ "name": "${name}" }`);
      return write(`fixtures/${name}/index.js`, `export const ${name} = 1;\n`);
    });
    const workspace = new Workspace();
    for (const file of files) workspace.add(file);
    const programs = new Set(files.map(file => workspace.get(file)!.program));
    assert.equal(programs.size, 1);
    assert.deepEqual(workspace.byProgram(files), [files]);
  });

  it('keeps a package with types of its own in a program of its own', () => {
    write('typed/package.json', '{ "name": "typed" }');
    write('typed/node_modules/@types/extra/index.d.ts', 'declare const extra: number;\n');
    write('plain/package.json', '{ "name": "plain" }');
    const typed = write('typed/index.js', 'export const a = 1;\n');
    const plain = write('plain/index.js', 'export const b = 1;\n');
    const workspace = new Workspace();
    workspace.add(typed);
    workspace.add(plain);
    assert.notEqual(workspace.get(typed)!.program, workspace.get(plain)!.program);
  });

  it('drops the least recently used program beyond its bound, and builds it again when asked', () => {
    const mains = ['a', 'b', 'c'].map(name => {
      config(name, {});
      return write(`${name}/main.ts`, `export const ${name} = 1;\n`);
    });
    const workspace = new Workspace({ livePrograms: 2 });
    for (const main of mains) workspace.add(main);
    const first = workspace.get(mains[0])!.program;
    assert.equal(workspace.get(mains[0])!.program, first, 'held while nothing changed');
    workspace.get(mains[1]);
    workspace.get(mains[2]);
    const again = workspace.get(mains[0])!;
    assert.notEqual(again.program, first);
    assert.equal(again.sourceFile.text, 'export const a = 1;\n');
  });

  it('holds one program at a time once told to (a run short of memory)', () => {
    const mains = ['a', 'b'].map(name => {
      config(name, {});
      return write(`${name}/main.ts`, `export const ${name} = 1;\n`);
    });
    const workspace = new Workspace();
    for (const main of mains) workspace.add(main);
    const [a, b] = mains.map(main => workspace.get(main)!.program);
    workspace.holdOnly(1);
    assert.equal(workspace.get(mains[1])!.program, b, 'the last one used stays');
    assert.notEqual(workspace.get(mains[0])!.program, a);
  });

  it('builds a program again only when one of its files changed', () => {
    config('a', {});
    config('b', {});
    const a = write('a/main.ts', 'export const a = 1;\n');
    const b = write('b/main.ts', 'export const b = 1;\n');
    const workspace = new Workspace();
    workspace.add(a);
    workspace.add(b);
    const [programA, programB] = [workspace.get(a)!.program, workspace.get(b)!.program];
    workspace.setText(a, 'export const a = 2;\n');
    assert.notEqual(workspace.get(a)!.program, programA);
    assert.equal(workspace.get(b)!.program, programB);
    workspace.setText(b, 'export const b = 1;\n');
    assert.equal(workspace.get(b)!.program, programB, 'the same text is no change');
  });

  it('gives the tree of a file before its program is built, the very tree the program then holds', () => {
    config('esm', {});
    write('esm/package.json', '{ "type": "module" }');
    const files = [write('esm/a.ts', 'export const a = 1;\n'), write('esm/b.cts', 'const b = 1;\n'), write('loose/c.js', 'const c = 1;\n')];
    const workspace = new Workspace();
    for (const file of files) workspace.add(file);
    const trees = files.map(file => workspace.tree(file));
    files.forEach((file, i) => assert.equal(workspace.get(file)!.sourceFile, trees[i], file));
  });
});

import assert from 'node:assert/strict';
import path from 'node:path';
import { parseSnippet } from '../../server/src/snippets/snippet-syntax';
import { expandSnippet as expand } from '../../server/src/snippets/snippet-expansion';

describe('snippet syntax expander', function () {
  describe('tab stops, placeholders and choices', function () {
    it('joins body lines with newlines and leaves plain text alone', function () {
      assert.equal(expand(['const a = 1;', 'const b = 2;']), 'const a = 1;\nconst b = 2;');
    });

    it('takes the defaults of placeholders, and mirrors them at plain tab stops, before or after', function () {
      assert.equal(expand('$1 ${1:name} ${1} $1'), 'name name name name');
    });

    it('gives every occurrence the value of the first placeholder of that index with a default', function () {
      assert.equal(expand('${1} ${1:first} ${1:second}'), 'first first first');
    });

    it('leaves a tab stop that nothing gives a value empty', function () {
      assert.equal(expand('a$2b'), 'ab');
    });

    it('expands nested placeholders and their mirrors', function () {
      assert.equal(expand('${1:new ${2:Worker}(${3:url})} / $2 / $3'), 'new Worker(url) / Worker / url');
    });

    it('takes the first option of a choice, also at its mirrors', function () {
      assert.equal(expand('new ${1|Int32Array,BigInt64Array|}(n * $1.BYTES_PER_ELEMENT)'), 'new Int32Array(n * Int32Array.BYTES_PER_ELEMENT)');
    });

    it('unescapes commas and bars in choice options', function () {
      assert.equal(expand('${1|a\\,b,c|}'), 'a,b');
      assert.equal(expand('${1|x\\|y|}'), 'x|y');
    });

    it('leaves the final tab stop empty unless a value fills it', function () {
      assert.equal(expand('{ $0 }'), '{  }');
      assert.equal(expand('{ $0 }', { values: { 0: 'done();' } }), '{ done(); }');
    });

    it('puts given values at their stops and mirrors, instead of the defaults and what they nest', function () {
      assert.equal(expand('${1:a ${2:b}} $1 $2', { values: { 1: 'X' } }), 'X X b');
      assert.equal(expand('${1|a,b|}', { values: { 1: 'c' } }), 'c');
    });

    it('does not loop on a placeholder whose default refers to itself', function () {
      assert.equal(expand('${1:a$1b}'), 'ab');
    });
  });

  describe('variables', function () {
    const file = path.resolve('/work/project/src/worker.ts');

    it('derives the file variables from the document', function () {
      assert.equal(expand('$TM_FILENAME ${TM_FILENAME_BASE}', { file }), 'worker.ts worker');
      assert.equal(expand('${TM_DIRECTORY}', { file }), path.dirname(file));
      assert.equal(expand('$TM_FILEPATH', { file }), file);
      assert.equal(expand('$RELATIVE_FILEPATH $WORKSPACE_NAME', { file, workspace: path.resolve('/work/project') }), `${path.join('src', 'worker.ts')} project`);
    });

    it('uses the default of an empty variable, and ignores it when the variable has a value', function () {
      assert.equal(expand('${TM_SELECTED_TEXT:nothing selected}'), 'nothing selected');
      assert.equal(expand('${TM_FILENAME:x}', { file }), 'worker.ts');
    });

    it('inserts the name of an unknown variable, or its default', function () {
      assert.equal(expand('${NOT_A_VARIABLE} $ALSO_NOT'), 'NOT_A_VARIABLE ALSO_NOT');
      assert.equal(expand('${NOT_A_VARIABLE:fallback}'), 'fallback');
    });

    it('takes given values for any variable', function () {
      assert.equal(expand('$CLIPBOARD $TM_FILENAME', { file, variables: { CLIPBOARD: 'pasted', TM_FILENAME: 'other.ts' } }), 'pasted other.ts');
    });

    it('fills the clock, random and comment variables', function () {
      assert.match(expand('$CURRENT_YEAR-$CURRENT_MONTH-$CURRENT_DATE $CURRENT_HOUR:$CURRENT_MINUTE'), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      assert.match(expand('$UUID'), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.match(expand('$RANDOM $RANDOM_HEX'), /^\d{6} [0-9a-f]{6}$/);
      assert.equal(expand('$LINE_COMMENT $BLOCK_COMMENT_START $BLOCK_COMMENT_END'), '// /* */');
    });
  });

  describe('transforms', function () {
    it('rewrites a variable with a regular expression and a format', function () {
      assert.equal(expand('${TM_FILENAME/(.*)\\..+$/$1/}', { file: 'my-worker.ts' }), 'my-worker');
    });

    it('applies case modifiers', function () {
      const file = 'thread-pool_worker.ts';
      assert.equal(expand('${TM_FILENAME_BASE/(.*)/${1:/upcase}/}', { file }), 'THREAD-POOL_WORKER');
      assert.equal(expand('${TM_FILENAME_BASE/(.*)/${1:/downcase}/}', { file: 'Pool.ts' }), 'pool');
      assert.equal(expand('${TM_FILENAME_BASE/(.*)/${1:/capitalize}/}', { file }), 'Thread-pool_worker');
      assert.equal(expand('${TM_FILENAME_BASE/(.*)/${1:/camelcase}/}', { file }), 'threadPoolWorker');
      assert.equal(expand('${TM_FILENAME_BASE/(.*)/${1:/pascalcase}/}', { file }), 'ThreadPoolWorker');
    });

    it('applies conditional insertions', function () {
      const conditional = '${1/(a)|b/${1:+[a]}${1:?yes:no}${1:-else}${1:other}/g}';
      assert.equal(expand(conditional, { values: { 1: 'a' } }), '[a]yesaa');
      assert.equal(expand(conditional, { values: { 1: 'b' } }), 'noelseother');
    });

    it('transforms the value of a tab stop at its mirror', function () {
      assert.equal(expand('${1:spawnWorker} ${1/^(.)/${1:/upcase}/}'), 'spawnWorker SpawnWorker');
    });
  });

  describe('escapes and malformed syntax', function () {
    it('unescapes \\$, \\} and \\\\, and keeps other backslashes', function () {
      assert.equal(expand('\\$1 \\} \\\\ \\n'), '$1 } \\ \\n');
    });

    it('keeps an escaped template literal, also inside a placeholder', function () {
      assert.equal(expand('`code \\${code}`'), '`code ${code}`');
      assert.equal(expand('${1:`\\${a\\}`}'), '`${a}`');
    });

    it('treats a $ that starts nothing as text', function () {
      assert.equal(expand('a $ b $. ${} ${ 1} $'), 'a $ b $. ${} ${ 1} $');
    });

    it('treats an unclosed placeholder or choice as text, and still expands what follows', function () {
      assert.equal(expand('x ${1:a $2'), 'x ${1:a ');
      assert.equal(expand('${1|a,b'), '${1|a,b');
    });

    it('treats a transform with a bad regular expression as text', function () {
      assert.equal(expand('${1/(/x/}'), '${1/(/x/}');
    });
  });

  describe('indentation', function () {
    it('turns leading tabs into the indentation unit and indents every line after the first', function () {
      assert.equal(expand(['if (a) {', '\tb();', '}'], { tab: '  ', indent: '    ' }), 'if (a) {\n      b();\n    }');
    });

    it('re-indents the lines of a default, but not a given value', function () {
      const body = ['{', '\t${1:a();\n\tb();}', '}'];
      assert.equal(expand(body, { tab: '  ' }), '{\n  a();\n  b();\n}');
      assert.equal(expand(body, { tab: '  ', values: { 1: 'x();\n\ty();' } }), '{\n  x();\n\ty();\n}');
    });

    it('leaves tabs in the middle of a line alone', function () {
      assert.equal(expand('a\tb', { tab: '  ' }), 'a\tb');
    });
  });

  it('parses into text, tab stops, placeholders, choices and variables', function () {
    assert.deepEqual(parseSnippet('a$1${2:b}${3|c,d|}$X${Y:z}'), [
      { kind: 'text', value: 'a' },
      { kind: 'tabstop', index: 1 },
      { kind: 'placeholder', index: 2, children: [{ kind: 'text', value: 'b' }] },
      { kind: 'choice', index: 3, options: ['c', 'd'] },
      { kind: 'variable', name: 'X' },
      { kind: 'variable', name: 'Y', children: [{ kind: 'text', value: 'z' }] },
    ]);
  });
});

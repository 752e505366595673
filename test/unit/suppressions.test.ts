import assert from 'node:assert/strict';
import type { Finding, SeverityOption, TextEdit } from '../../server/src/core/finding.js';
import { applySuppressions } from '../../server/src/engine/suppressions.js';
import { parseSuppressions } from '../../server/src/engine/ignore-comments.js';
import { ignoreInFileEdit, ignoreOnLineEdit } from '../../server/src/engine/ignore-edits.js';

const FILE = '/project/src/main.ts';
const KNOWN = ['busy-wait', 'unsynchronized-shared-write', 'unjoined-worker', 'lock-not-released'];

/** A finding of `rule` at the first occurrence of `marker` in `text`. */
function at(text: string, rule: string, marker: string): Finding {
  const start = text.indexOf(marker);
  assert.ok(start >= 0, `marker ${marker} not in text`);
  return { rule, severity: 'warning', span: { file: FILE, start, end: start + marker.length }, message: rule, related: [], fixes: [] };
}

interface RunOptions {
  known?: string[];
  enabled?: string[];
  unusedIgnore?: SeverityOption;
  unknownRule?: SeverityOption;
}

function run(text: string, findings: Finding[], options: RunOptions = {}) {
  const severities: Record<string, SeverityOption> = {
    'unused-ignore': options.unusedIgnore ?? 'hint',
    'unknown-ignore-rule': options.unknownRule ?? 'warning',
  };
  return applySuppressions(text, findings, parseSuppressions(text), {
    file: FILE,
    knownRules: new Set(options.known ?? KNOWN),
    enabledRules: new Set(options.enabled ?? options.known ?? KNOWN),
    severityOf: (rule) => severities[rule],
  });
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return [...edits].sort((a, b) => b.start - a.start).reduce((t, e) => t.slice(0, e.start) + e.newText + t.slice(e.end), text);
}

const rulesOf = (findings: Finding[]) => findings.map((f) => f.rule);

describe('suppressions', () => {
  describe('parseSuppressions', () => {
    it('reads rules, their offsets, the reason and the target line', () => {
      const text = 'a();\n  // fearless-ignore-next-line busy-wait, unjoined-worker -- polled on purpose\nwhile (x) {}\n';
      const [s] = parseSuppressions(text);
      assert.equal(s.kind, 'next-line');
      assert.deepEqual(
        s.rules.map((r) => [r.name, text.slice(r.start, r.end)]),
        [['busy-wait', 'busy-wait'], ['unjoined-worker', 'unjoined-worker']],
      );
      assert.equal(s.reason, 'polled on purpose');
      assert.equal(s.targetLine, 2);
      assert.equal(text.slice(s.commentStart, s.commentEnd), '// fearless-ignore-next-line busy-wait, unjoined-worker -- polled on purpose');
    });

    it('reads block comments, space-separated names and the name-less form', () => {
      const [file, all] = parseSuppressions('/* fearless-ignore-file busy-wait unjoined-worker */\n/* fearless-ignore-next-line */\n');
      assert.equal(file.kind, 'file');
      assert.deepEqual(file.rules.map((r) => r.name), ['busy-wait', 'unjoined-worker']);
      assert.deepEqual(all.rules, []);
      assert.equal(all.targetLine, 2);
    });

    it('ignores directive text in strings, templates, regexes and ordinary comments', () => {
      const text = [
        'const a = "// fearless-ignore-file busy-wait";',
        'const b = `${a} /* fearless-ignore-file busy-wait */ ${a}`;',
        'const c = /"/; const d = "// fearless-ignore-file busy-wait";',
        '// see fearless-ignore-file in the docs',
        '// fearless-ignore-files busy-wait',
      ].join('\n');
      assert.deepEqual(parseSuppressions(text), []);
    });

    it('finds a directive after a regex holding a quote', () => {
      const text = 'const r = /"/; // fearless-ignore-next-line busy-wait\n';
      assert.equal(parseSuppressions(text).length, 1);
    });

    it('counts CRLF line breaks and a BOM', () => {
      const text = '\uFEFF// fearless-ignore-next-line busy-wait\r\nwhile (x) {}\r\n// fearless-ignore-next-line busy-wait\r\nwhile (y) {}';
      assert.deepEqual(parseSuppressions(text).map((s) => s.targetLine), [1, 3]);
    });

    it('reads JSX comments in a .tsx file', () => {
      const text = 'const e = <div>\n  {/* fearless-ignore-next-line busy-wait */}\n  {f()}\n</div>;\n';
      assert.equal(parseSuppressions(text, '/x/view.tsx')[0]?.targetLine, 2);
    });
  });

  describe('applySuppressions', () => {
    it('suppresses only the named rules on the next line', () => {
      const text = '// fearless-ignore-next-line busy-wait\nwhile (a) {} counts[0]++;\nwhile (b) {}\n';
      const kept = run(text, [at(text, 'busy-wait', 'while (a)'), at(text, 'unsynchronized-shared-write', 'counts'), at(text, 'busy-wait', 'while (b)')]);
      assert.deepEqual(
        kept.map((f) => [f.rule, f.span.start]),
        [['unsynchronized-shared-write', text.indexOf('counts')], ['busy-wait', text.indexOf('while (b)')]],
      );
    });

    it('suppresses several rules, and every rule when none is named', () => {
      const text = 'x; // fearless-ignore-next-line busy-wait, unjoined-worker\nwhile (a) { new Worker(f) }\n/* fearless-ignore-next-line -- generated */\ncounts[0]++;\n';
      const kept = run(text, [at(text, 'busy-wait', 'while'), at(text, 'unjoined-worker', 'new Worker'), at(text, 'unsynchronized-shared-write', 'counts')]);
      assert.deepEqual(kept, []);
    });

    it('suppresses a rule in the whole file', () => {
      const text = '/* fearless-ignore-file busy-wait */\nwhile (a) {}\nfunction f() {\n  while (b) {}\n}\n';
      const kept = run(text, [at(text, 'busy-wait', 'while (a)'), at(text, 'busy-wait', 'while (b)'), at(text, 'unjoined-worker', 'function')]);
      assert.deepEqual(rulesOf(kept), ['unjoined-worker']);
    });

    it('leaves findings of other files alone', () => {
      const text = '/* fearless-ignore-file busy-wait */\nwhile (a) {}\n';
      const other = { ...at(text, 'busy-wait', 'while'), span: { file: '/project/src/other.ts', start: 0, end: 5 } };
      assert.deepEqual(run(text, [at(text, 'busy-wait', 'while'), other]), [other]);
    });

    it('reports an unused name and removes just that name', () => {
      const text = 'go();\n    // fearless-ignore-next-line busy-wait, unjoined-worker -- spins briefly\n    while (a) {}\n';
      const [unused, ...rest] = run(text, [at(text, 'busy-wait', 'while')]);
      assert.deepEqual(rest, []);
      assert.equal(unused.rule, 'unused-ignore');
      assert.equal(unused.severity, 'hint');
      assert.equal(unused.message, "'unjoined-worker' is ignored here but reported nothing");
      assert.equal(text.slice(unused.span.start, unused.span.end), 'unjoined-worker');
      assert.equal(unused.fixes[0].kind, 'safe');
      assert.equal(
        applyEdits(text, unused.fixes[0].edits),
        'go();\n    // fearless-ignore-next-line busy-wait -- spins briefly\n    while (a) {}\n',
      );
    });

    it('removes a first unused name with the separator after it', () => {
      const text = '// fearless-ignore-next-line unjoined-worker busy-wait\nwhile (a) {}\n';
      const [unused] = run(text, [at(text, 'busy-wait', 'while')]);
      assert.equal(applyEdits(text, unused.fixes[0].edits), '// fearless-ignore-next-line busy-wait\nwhile (a) {}\n');
    });

    it('removes the whole comment line when no name would remain', () => {
      const text = 'a();\r\n  // fearless-ignore-next-line busy-wait, unjoined-worker\r\n  while (a) {}\r\n';
      const unused = run(text, []);
      assert.deepEqual(unused.map((f) => f.rule), ['unused-ignore', 'unused-ignore']);
      for (const finding of unused) {
        assert.equal(applyEdits(text, finding.fixes[0].edits), 'a();\r\n  while (a) {}\r\n');
      }
    });

    it('keeps the code before a trailing unused comment', () => {
      const text = 'a(); /* fearless-ignore-next-line */\nb();\n';
      const [unused] = run(text, []);
      assert.equal(unused.message, 'fearless-ignore-next-line suppresses nothing here');
      assert.equal(text.slice(unused.span.start, unused.span.end), '/* fearless-ignore-next-line */');
      assert.equal(applyEdits(text, unused.fixes[0].edits), 'a();\nb();\n');
    });

    it('removes an unused file-level comment that ends the file', () => {
      const text = 'a();\n// fearless-ignore-file busy-wait';
      const [unused] = run(text, []);
      assert.equal(unused.message, "'busy-wait' is ignored in this file but reported nothing");
      assert.equal(applyEdits(text, unused.fixes[0].edits), 'a();');
    });

    it('reports unknown rule names as warnings, with a suggestion', () => {
      const text = '// fearless-ignore-next-line busy-wiat, frobnicate\nwhile (a) {}\n';
      const reports = run(text, []);
      assert.deepEqual(
        reports.map((f) => [f.rule, f.severity, f.message]),
        [
          ['unknown-ignore-rule', 'warning', "Unknown rule 'busy-wiat' in fearless-ignore-next-line; did you mean 'busy-wait'?"],
          ['unknown-ignore-rule', 'warning', "Unknown rule 'frobnicate' in fearless-ignore-next-line"],
        ],
      );
      assert.deepEqual(reports.map((f) => text.slice(f.span.start, f.span.end)), ['busy-wiat', 'frobnicate']);
    });

    it('corrects an unknown name to the one rule id it is nearest to, as a safe fix', () => {
      const text = '  // fearless-ignore-next-line unsynchronized-shared-writes -- guarded by the caller\n  counts[0]++;\n';
      const [unknown] = run(text, []);
      assert.deepEqual(unknown.fixes.map((f) => [f.title, f.kind]), [["Change to 'unsynchronized-shared-write'", 'safe']]);
      assert.equal(
        applyEdits(text, unknown.fixes[0].edits),
        '  // fearless-ignore-next-line unsynchronized-shared-write -- guarded by the caller\n  counts[0]++;\n',
      );
    });

    it('offers each of several equally near ids as a suggestion only, and nothing when none is near', () => {
      const text = '// fearless-ignore-next-line lock-not-releasedd\nwhile (a) {}\n';
      const tied = run(text, [], { known: [...KNOWN, 'lock-not-released2'] });
      assert.deepEqual(tied.map((f) => f.message), ["Unknown rule 'lock-not-releasedd' in fearless-ignore-next-line; did you mean 'lock-not-released' or 'lock-not-released2'?"]);
      assert.deepEqual(tied[0].fixes.map((f) => [f.title, f.kind]), [["Change to 'lock-not-released'", 'suggestion'], ["Change to 'lock-not-released2'", 'suggestion']]);
      assert.deepEqual(run('// fearless-ignore-next-line frobnicate\nwhile (a) {}\n', [])[0].fixes, []);
    });

    it('never removes a directive or a name that names an unknown rule', () => {
      for (const text of [
        '// fearless-ignore-next-line busy-wiat\nwhile (a) {}\n',
        '// fearless-ignore-next-line frobnicate, unjoined-worker\nwhile (a) {}\n',
        '/* fearless-ignore-file frobnicate busy-wait */\nwhile (a) {}\n',
      ]) {
        for (const finding of run(text, [])) {
          for (const fix of finding.fixes) {
            const fixed = applyEdits(text, fix.edits);
            assert.match(fixed, /fearless-ignore-(next-line|file) \S/, `${fix.title} keeps the directive: ${JSON.stringify(fixed)}`);
            if (finding.rule === 'unused-ignore') assert.ok(fixed.includes(text.match(/busy-wiat|frobnicate/)![0]), `${fix.title} keeps the unknown name`);
          }
        }
      }
      const [unused] = run('// fearless-ignore-next-line frobnicate, unjoined-worker\nwhile (a) {}\n', []).filter((f) => f.rule === 'unused-ignore');
      assert.equal(unused.fixes[0].title, "Remove 'unjoined-worker' from the ignore comment");
    });

    it('reports unknown names whether or not unused-ignore is on, and not when unknown-ignore-rule is off', () => {
      const text = '// fearless-ignore-next-line busy-wiat\nwhile (a) {}\n';
      assert.deepEqual(rulesOf(run(text, [], { unusedIgnore: 'off' })), ['unknown-ignore-rule']);
      assert.deepEqual(run(text, [], { unknownRule: 'off' }), []);
      assert.equal(run(text, [], { unknownRule: 'error' })[0].severity, 'error');
    });

    it('lets only a file-level directive naming unknown-ignore-rule hide unknown names, and reports it when it hides nothing', () => {
      const typo = '// fearless-ignore-next-line busy-wiat\nwhile (a) {}\n';
      assert.deepEqual(run('/* fearless-ignore-file unknown-ignore-rule */\n' + typo, []), []);
      assert.deepEqual(rulesOf(run('/* fearless-ignore-file */\n' + typo, [])), ['unknown-ignore-rule', 'unused-ignore']);
      const [unused] = run('/* fearless-ignore-file unknown-ignore-rule */\nwhile (a) {}\n', []);
      assert.equal(unused.message, "'unknown-ignore-rule' is ignored in this file but reported nothing");
      assert.equal(
        run('// fearless-ignore-next-line unknown-ignore-rule\n' + typo, []).find((f) => f.rule === 'unused-ignore')?.message,
        "'unknown-ignore-rule' can only be ignored for a whole file, with fearless-ignore-file",
      );
    });

    it('does not report names of rules turned off', () => {
      const text = '/* fearless-ignore-file busy-wait */\n// fearless-ignore-next-line unjoined-worker\nwhile (a) {}\n';
      assert.deepEqual(run(text, [], { enabled: ['unsynchronized-shared-write'] }), []);
    });

    it('reports nothing when unused-ignore is off', () => {
      const text = '// fearless-ignore-next-line busy-wait\nwhile (a) {}\n';
      assert.deepEqual(run(text, [], { unusedIgnore: 'off' }), []);
      assert.equal(run(text, [], { unusedIgnore: 'error' })[0].severity, 'error');
    });

    it('lets only a file-level directive naming unused-ignore hide unused-ignore', () => {
      const stale = '// fearless-ignore-next-line busy-wait\nwhile (a) {}\n';
      assert.deepEqual(run('/* fearless-ignore-file unused-ignore */\n' + stale, []), []);
      assert.deepEqual(rulesOf(run('/* fearless-ignore-file */\n' + stale, [])), ['unused-ignore', 'unused-ignore']);
      const nextLine = '// fearless-ignore-next-line unused-ignore\n' + stale;
      assert.deepEqual(
        run(nextLine, []).map((f) => f.message),
        ["'unused-ignore' can only be ignored for a whole file, with fearless-ignore-file", "'busy-wait' is ignored here but reported nothing"],
      );
    });

    it('reports a file-level unused-ignore that hides nothing', () => {
      const text = '/* fearless-ignore-file unused-ignore */\nwhile (a) {}\n';
      const [unused] = run(text, []);
      assert.equal(unused.message, "'unused-ignore' is ignored in this file but reported nothing");
      assert.equal(applyEdits(text, unused.fixes[0].edits), 'while (a) {}\n');
    });
  });

  describe('ignoreOnLineEdit', () => {
    it('inserts a directive above the line with its indentation and line ending', () => {
      const text = 'function f() {\r\n    while (a) {}\r\n}\r\n';
      const edit = ignoreOnLineEdit(text, FILE, text.indexOf('a)'), 'busy-wait');
      assert.equal(edit.file, FILE);
      const fixed = applyEdits(text, [edit]);
      assert.equal(fixed, 'function f() {\r\n    // fearless-ignore-next-line busy-wait\r\n    while (a) {}\r\n}\r\n');
      assert.deepEqual(rulesOf(run(fixed, [at(fixed, 'busy-wait', 'while')])), []);
    });

    it('merges into the directive above, before its reason', () => {
      const text = '  // fearless-ignore-next-line busy-wait -- polled\n  while (a) { counts[0]++; }\n';
      const fixed = applyEdits(text, [ignoreOnLineEdit(text, FILE, text.indexOf('counts'), 'unsynchronized-shared-write')]);
      assert.equal(fixed, '  // fearless-ignore-next-line busy-wait, unsynchronized-shared-write -- polled\n  while (a) { counts[0]++; }\n');
    });

    it('inserts after the BOM on the first line', () => {
      const text = '\uFEFFwhile (a) {}\n';
      assert.equal(applyEdits(text, [ignoreOnLineEdit(text, FILE, 1, 'busy-wait')]), '\uFEFF// fearless-ignore-next-line busy-wait\nwhile (a) {}\n');
    });
  });

  describe('ignoreInFileEdit', () => {
    it('inserts a file directive at the top, after a shebang', () => {
      assert.equal(applyEdits('a();\n', [ignoreInFileEdit('a();\n', FILE, 'busy-wait')]), '/* fearless-ignore-file busy-wait */\na();\n');
      const script = '#!/usr/bin/env node\r\na();\r\n';
      assert.equal(
        applyEdits(script, [ignoreInFileEdit(script, FILE, 'busy-wait')]),
        '#!/usr/bin/env node\r\n/* fearless-ignore-file busy-wait */\r\na();\r\n',
      );
    });

    it('merges into an existing file directive', () => {
      const text = '// header\n/* fearless-ignore-file busy-wait */\na();\n';
      assert.equal(
        applyEdits(text, [ignoreInFileEdit(text, FILE, 'unjoined-worker')]),
        '// header\n/* fearless-ignore-file busy-wait, unjoined-worker */\na();\n',
      );
      assert.equal(applyEdits(text, [ignoreInFileEdit(text, FILE, 'busy-wait')]), text);
    });
  });
});

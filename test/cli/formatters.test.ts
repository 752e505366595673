import assert from 'node:assert/strict';
import path from 'node:path';
import type { Finding, Fix, Severity, Span } from '../../server/src/core/finding';
import type { SkippedFile } from '../../server/src/analysis/program/generated';
import { LineIndex, lineColumn, offsetOf } from '../../server/src/core/positions';
import type { RuleMeta } from '../../server/src/core/rule-meta';
import { formatGithub } from '../../server/src/cli/format-github';
import { formatJson, type JsonOutput } from '../../server/src/cli/format-json';
import { toSarifLog } from '../../server/src/cli/format-sarif';
import { formatStylish } from '../../server/src/cli/format-stylish';
import type { Report } from '../../server/src/cli/report';
import { sarifErrors } from './sarif-schema';

const cwd = path.resolve('/virtual/proj');
const A = path.join(cwd, 'a.ts');
const B = path.join(cwd, 'src', 'b.ts');
const C = path.join(cwd, 'lib', 'c.js');

// CRLF line breaks and astral characters (two UTF-16 units each) before the finding.
const textA = 'import x from "x";\n';
const textB = '// 😀\r\n\'😀\'; a[0]++;\r\n';
const textC = 'x\ry\r  a[1] = 2;';

function span(file: string, text: string, needle: string): Span {
  const start = text.indexOf(needle);
  assert.ok(start >= 0, `${needle} not in text`);
  return { file, start, end: start + needle.length };
}

function finding(rule: string, severity: Severity, at: Span, message: string, fixes: Fix[] = []): Finding {
  return { rule, severity, span: at, message, related: [], fixes };
}

const atomicAdd: Fix = {
  title: 'Use Atomics.add',
  kind: 'safe',
  edits: [{ ...span(B, textB, 'a[0]++'), newText: 'Atomics.add(a, 0, 1)' }],
};
const lockIt: Fix = {
  title: 'Wrap in a lock',
  kind: 'suggestion',
  edits: [
    { file: A, start: 0, end: 0, newText: 'import { lock } from "./lock";\n' },
    { ...span(B, textB, 'a[0]++'), newText: 'lock(() => a[0]++)' },
  ],
};

/** Out of order, like the findings. */
const skipped: SkippedFile[] = [
  { file: path.join(cwd, 'src', 'gen.ts'), reason: 'generated' },
  { file: path.join(cwd, 'dist', 'app.min.js'), reason: 'minified' },
];

function report(findings: Finding[]): Report {
  return {
    files: [A, B, C],
    findings,
    texts: new Map([[A, textA], [B, textB], [C, textC]]),
    configProblems: [],
  };
}

// Deliberately out of order: every format sorts by file, then position.
const mixed = report([
  finding('unsynchronized-shared-write', 'warning', span(C, textC, 'a[1] = 2'), 'Plain store to shared memory.'),
  finding('prefer-atomic-over-lock', 'hint', span(A, textA, 'x'), 'Use an atomic.'),
  finding('unsynchronized-shared-write', 'warning', span(B, textB, 'a[0]++'), 'Plain write to shared memory.', [atomicAdd, lockIt]),
  finding('parse-error', 'error', { file: B, start: 0, end: 0 }, 'Oops.'),
  finding('lock-without-finally', 'info', span(A, textA, 'import'), 'Unlock in finally.'),
]);

const metas: RuleMeta[] = [
  { id: 'unsynchronized-shared-write', family: 'sync', defaultSeverity: 'warning', description: 'Plain write to shared memory.' },
  { id: 'prefer-atomic-over-lock', family: 'locks', defaultSeverity: 'hint', description: 'A lock around one update.' },
  { id: 'lock-without-finally', family: 'locks', defaultSeverity: 'info', description: 'Release not in finally.' },
  { id: 'busy-wait', family: 'sync', defaultSeverity: 'warning', description: 'Spins.' },
];

describe('positions', () => {
  it('counts lines across LF, CRLF and lone CR, columns in UTF-16 units', () => {
    const text = 'ab\ncd\r\nef\rg😀h';
    const index = new LineIndex(text);
    assert.equal(index.lineCount, 4);
    assert.deepEqual(index.positionAt(0), { line: 0, column: 0 });
    assert.deepEqual(index.positionAt(3), { line: 1, column: 0 });
    assert.deepEqual(index.positionAt(7), { line: 2, column: 0 });
    assert.deepEqual(index.positionAt(10), { line: 3, column: 0 });
    assert.deepEqual(index.positionAt(text.indexOf('h')), { line: 3, column: 3 });
    assert.deepEqual(index.positionAt(text.length), { line: 3, column: 4 });
  });

  it('maps every offset back to itself', () => {
    const text = '\r\n\n\rx😀\r\ny\r';
    const index = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) {
      if (text[offset - 1] === '\r' && text[offset] === '\n') continue; // inside a CRLF: not a position
      assert.equal(index.offsetAt(index.positionAt(offset)), offset, `offset ${offset}`);
    }
  });

  it('clamps what lies outside the text', () => {
    const index = new LineIndex('ab\r\ncd');
    assert.deepEqual(index.positionAt(-5), { line: 0, column: 0 });
    assert.deepEqual(index.positionAt(99), { line: 1, column: 2 });
    assert.equal(index.offsetAt({ line: 0, column: 99 }), 2, 'stops before the CRLF');
    assert.equal(index.offsetAt({ line: 7, column: 0 }), 6);
    assert.equal(index.offsetAt({ line: -1, column: 3 }), 0);
  });

  it('answers for the text it is given when texts alternate', () => {
    assert.deepEqual(lineColumn('a\nb', 2), { line: 1, column: 0 });
    assert.deepEqual(lineColumn('ab', 2), { line: 0, column: 2 });
    assert.equal(offsetOf('a\r\nb', { line: 1, column: 1 }), 4);
  });
});

describe('format json', () => {
  it('prints the contract object, sorted, every severity, 1-based UTF-16 positions', () => {
    const expected: JsonOutput = {
      version: 1,
      files: 3,
      diagnostics: [
        {
          file: 'a.ts', line: 1, column: 1, endLine: 1, endColumn: 7,
          rule: 'lock-without-finally', severity: 'info', message: 'Unlock in finally.', fixes: [],
        },
        {
          file: 'a.ts', line: 1, column: 8, endLine: 1, endColumn: 9,
          rule: 'prefer-atomic-over-lock', severity: 'hint', message: 'Use an atomic.', fixes: [],
        },
        {
          file: 'lib/c.js', line: 3, column: 3, endLine: 3, endColumn: 11,
          rule: 'unsynchronized-shared-write', severity: 'warning', message: 'Plain store to shared memory.', fixes: [],
        },
        {
          file: 'src/b.ts', line: 1, column: 1, endLine: 1, endColumn: 1,
          rule: 'parse-error', severity: 'error', message: 'Oops.', fixes: [],
        },
        {
          file: 'src/b.ts', line: 2, column: 7, endLine: 2, endColumn: 13,
          rule: 'unsynchronized-shared-write', severity: 'warning', message: 'Plain write to shared memory.',
          fixes: [
            {
              title: 'Use Atomics.add',
              edits: [{ file: 'src/b.ts', start: { line: 2, column: 7 }, end: { line: 2, column: 13 }, newText: 'Atomics.add(a, 0, 1)' }],
            },
            {
              title: 'Wrap in a lock',
              edits: [
                { file: 'a.ts', start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, newText: 'import { lock } from "./lock";\n' },
                { file: 'src/b.ts', start: { line: 2, column: 7 }, end: { line: 2, column: 13 }, newText: 'lock(() => a[0]++)' },
              ],
            },
          ],
        },
      ],
      skipped: [],
      untyped: [],
    };
    const out = formatJson(mixed, cwd);
    assert.ok(out.endsWith('}\n'));
    assert.deepEqual(JSON.parse(out), expected);
  });

  it('prints an empty list for a clean run', () => {
    assert.deepEqual(JSON.parse(formatJson(report([]), cwd)), { version: 1, files: 3, diagnostics: [], skipped: [], untyped: [] });
  });

  it('lists skipped files by relative path, sorted, with why', () => {
    const out = JSON.parse(formatJson({ ...report([]), skipped }, cwd));
    assert.deepEqual(out.skipped, [
      { file: 'dist/app.min.js', reason: 'minified' },
      { file: 'src/gen.ts', reason: 'generated' },
    ]);
  });

  it('lists the uses of thread APIs without types, with the rules that could not check them', () => {
    const file = path.join(cwd, 'a.ts');
    const untyped = [{ file, start: 2, end: 4, api: 'threads' as const, name: 'Worker', reason: 'not declared', rules: ['send-non-cloneable'] }];
    const out = JSON.parse(formatJson({ ...report([]), untyped }, cwd));
    assert.deepEqual(out.untyped, [
      { file: 'a.ts', line: 1, column: 3, endLine: 1, endColumn: 5, name: 'Worker', reason: 'not declared', rules: ['send-non-cloneable'] },
    ]);
  });
});

describe('format stylish', () => {
  it('prints aligned tables per file, hides hints, sums up', () => {
    assert.equal(formatStylish(mixed, cwd, { color: false, hints: false }), [
      'a.ts',
      '  1:1  info  Unlock in finally.  lock-without-finally',
      '',
      'lib/c.js',
      '  3:3  warning  Plain store to shared memory.  unsynchronized-shared-write',
      '',
      'src/b.ts',
      '  1:1  error    Oops.                          parse-error',
      '  2:7  warning  Plain write to shared memory.  unsynchronized-shared-write',
      '',
      '✖ 4 problems (1 error, 2 warnings, 1 info)',
      '  1 fixable with --fix',
      '  1 hint hidden (show with --hints)',
      '',
    ].join('\n'));
  });

  it('shows hints with --hints', () => {
    const out = formatStylish(mixed, cwd, { color: false, hints: true });
    assert.match(out, /^ {2}1:8 {2}hint {2}Use an atomic\. {6}prefer-atomic-over-lock$/m);
    assert.match(out, /✖ 5 problems \(1 error, 2 warnings, 1 info, 1 hint\)/);
    assert.doesNotMatch(out, /hidden/);
  });

  it('aligns line numbers right and columns left', () => {
    const text = `${'\n'.repeat(11)}abcdefghijk`;
    const file = path.join(cwd, 'x.ts');
    const out = formatStylish({
      files: [file],
      findings: [
        finding('busy-wait', 'warning', { file, start: 11, end: 12 }, 'One.'),
        finding('busy-wait', 'warning', { file, start: 2, end: 3 }, 'Two.'),
        finding('busy-wait', 'warning', { file, start: 21, end: 22 }, 'Three.'),
      ],
      texts: new Map([[file, text]]),
      configProblems: [],
    }, cwd, { color: false, hints: false });
    assert.deepEqual(out.split('\n').slice(1, 4), [
      '   3:1   warning  Two.    busy-wait',
      '  12:1   warning  One.    busy-wait',
      '  12:11  warning  Three.  busy-wait',
    ]);
  });

  it('says so when there is nothing to report, hints aside', () => {
    const onlyHint = report([finding('prefer-atomic-over-lock', 'hint', span(A, textA, 'x'), 'Use an atomic.')]);
    assert.equal(formatStylish(onlyHint, cwd, { color: false, hints: false }),
      '✔ No problems (3 files checked)\n  1 hint hidden (show with --hints)\n');
    assert.equal(formatStylish(report([]), cwd, { color: false, hints: false }), '✔ No problems (3 files checked)\n');
  });

  it('counts skipped files after the summary, and says how to check them', () => {
    const one: SkippedFile[] = [skipped[0]];
    assert.equal(formatStylish({ ...report([]), skipped: one }, cwd, { color: false, hints: false }),
      '✔ No problems (3 files checked)\n  1 generated file skipped (check them with --include-generated)\n');
    assert.match(formatStylish({ ...mixed, skipped }, cwd, { color: false, hints: false }),
      /1 hint hidden \(show with --hints\)\n {2}1 generated file and 1 minified file skipped \(check them with --include-generated\)\n$/);
  });

  it('colors only when asked', () => {
    assert.doesNotMatch(formatStylish(mixed, cwd, { color: false, hints: true }), /\x1b\[/);
    assert.match(formatStylish(mixed, cwd, { color: true, hints: true }), /\x1b\[31merror/);
  });
});

describe('format github', () => {
  it('prints one annotation a finding, sorted, hints only when asked, info as notice', () => {
    assert.equal(formatGithub(mixed, cwd, { hints: false }), [
      '::notice file=a.ts,line=1,endLine=1,col=1,endColumn=7,title=lock-without-finally::Unlock in finally.',
      '::warning file=lib/c.js,line=3,endLine=3,col=3,endColumn=11,title=unsynchronized-shared-write::Plain store to shared memory.',
      '::error file=src/b.ts,line=1,endLine=1,col=1,endColumn=1,title=parse-error::Oops.',
      '::warning file=src/b.ts,line=2,endLine=2,col=7,endColumn=13,title=unsynchronized-shared-write::Plain write to shared memory.',
      '',
    ].join('\n'));
    assert.match(formatGithub(mixed, cwd, { hints: true }), /^::notice file=a\.ts,line=1,endLine=1,col=8,endColumn=9,title=prefer-atomic-over-lock::Use an atomic\.$/m);
    assert.equal(formatGithub(report([]), cwd, { hints: false }), '');
  });

  it('escapes % and line breaks everywhere, and , : in properties; drops columns across lines', () => {
    const file = path.join(cwd, 'we,ird:name.ts');
    const text = 'a\nb';
    const out = formatGithub({
      files: [file],
      findings: [finding('busy-wait', 'warning', { file, start: 0, end: 3 }, '100% sure:\r\nspins, twice.')],
      texts: new Map([[file, text]]),
      configProblems: [],
    }, cwd, { hints: false });
    assert.equal(out, '::warning file=we%2Cird%3Aname.ts,line=1,endLine=2,title=busy-wait::100%25 sure:%0D%0Aspins, twice.\n');
  });
});

describe('format sarif', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    const log = toSarifLog(mixed, cwd, { toolVersion: '1.2.3', rules: metas });
    assert.deepEqual(sarifErrors(log), []);
    assert.deepEqual(sarifErrors(JSON.parse(JSON.stringify(log))), []);
  });

  it('describes the tool and only the rules that appear, with their doc pages', () => {
    const log = toSarifLog(mixed, cwd, { toolVersion: '1.2.3', rules: metas });
    assert.equal(log.version, '2.1.0');
    assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    assert.equal(log.runs.length, 1);
    const [run] = log.runs;
    assert.equal(run.tool.driver.name, 'fearless');
    assert.equal(run.tool.driver.version, '1.2.3');
    assert.deepEqual(run.tool.driver.rules?.map((r) => r.id),
      ['lock-without-finally', 'parse-error', 'prefer-atomic-over-lock', 'unsynchronized-shared-write']);
    assert.deepEqual(run.tool.driver.rules?.[3], {
      id: 'unsynchronized-shared-write',
      shortDescription: { text: 'Plain write to shared memory.' },
      helpUri: 'https://github.com/fearless-dev/fearless/blob/main/docs/rules/unsynchronized-shared-write.md',
      defaultConfiguration: { level: 'warning' },
      properties: { tags: ['concurrency', 'sync'] },
    });
    assert.deepEqual(run.tool.driver.rules?.[1], { id: 'parse-error' }, 'a rule without metadata');
    assert.equal(run.tool.driver.rules?.[2].defaultConfiguration?.level, 'note');
    assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///virtual/proj/' } });
  });

  it('maps results: levels, rule indexes, regions, fixes', () => {
    const [run] = toSarifLog(mixed, cwd, { toolVersion: '1.2.3', rules: metas }).runs;
    const results = run.results ?? [];
    assert.deepEqual(results.map((r) => [r.ruleId, r.ruleIndex, r.level]), [
      ['lock-without-finally', 0, 'note'],
      ['prefer-atomic-over-lock', 2, 'note'],
      ['unsynchronized-shared-write', 3, 'warning'],
      ['parse-error', 1, 'error'],
      ['unsynchronized-shared-write', 3, 'warning'],
    ]);
    const write = results[4];
    assert.deepEqual(write.locations, [{
      physicalLocation: {
        artifactLocation: { uri: 'src/b.ts', uriBaseId: '%SRCROOT%' },
        region: { startLine: 2, startColumn: 7, endLine: 2, endColumn: 13 },
      },
    }]);
    assert.deepEqual(write.fixes?.[1], {
      description: { text: 'Wrap in a lock' },
      artifactChanges: [
        {
          artifactLocation: { uri: 'a.ts', uriBaseId: '%SRCROOT%' },
          replacements: [{
            deletedRegion: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
            insertedContent: { text: 'import { lock } from "./lock";\n' },
          }],
        },
        {
          artifactLocation: { uri: 'src/b.ts', uriBaseId: '%SRCROOT%' },
          replacements: [{
            deletedRegion: { startLine: 2, startColumn: 7, endLine: 2, endColumn: 13 },
            insertedContent: { text: 'lock(() => a[0]++)' },
          }],
        },
      ],
    });
    assert.equal(results[0].fixes, undefined);
  });

  it('marks the run unsuccessful when a rule crashed', () => {
    const log = toSarifLog({ ...mixed, internalErrors: ['busy-wait crashed on a.ts'] }, cwd, { toolVersion: '1.2.3', rules: metas });
    assert.deepEqual(sarifErrors(log), []);
    assert.deepEqual(log.runs[0].invocations, [{
      executionSuccessful: false,
      toolExecutionNotifications: [{ level: 'error', message: { text: 'busy-wait crashed on a.ts' } }],
    }]);
    assert.deepEqual(toSarifLog(mixed, cwd, { toolVersion: '1.2.3', rules: metas }).runs[0].invocations,
      [{ executionSuccessful: true }]);
  });

  it('notes skipped files without marking the run unsuccessful', () => {
    const log = toSarifLog({ ...mixed, skipped }, cwd, { toolVersion: '1.2.3', rules: metas });
    assert.deepEqual(sarifErrors(log), []);
    const note = (uri: string, reason: string) => ({
      level: 'note',
      message: { text: `Not analysed: the file looks ${reason} (check it with --include-generated).` },
      locations: [{ physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' } } }],
    });
    assert.deepEqual(log.runs[0].invocations, [{
      executionSuccessful: true,
      toolExecutionNotifications: [note('dist/app.min.js', 'minified'), note('src/gen.ts', 'generated')],
    }]);
  });

  it('encodes paths, names files outside the root absolutely, keeps related places and config problems', () => {
    const spaced = path.join(cwd, 'my dir', 'w#1.ts');
    const outside = path.resolve('/elsewhere/lock.ts');
    const texts = new Map([[spaced, 'a\nb'], [outside, 'lock()']]);
    const log = toSarifLog({
      files: [spaced],
      findings: [{
        rule: 'lock-order-inversion', severity: 'warning', span: { file: spaced, start: 2, end: 3 }, message: 'Inverted.', fixes: [],
        related: [{ span: { file: outside, start: 0, end: 4 }, message: 'The other order.' }],
      }],
      texts,
      configProblems: [{ file: path.join(cwd, 'fearless.json'), message: 'Unknown rule "x".', line: 3, column: 5 }],
    }, cwd, { toolVersion: '1.2.3', rules: [] });
    assert.deepEqual(sarifErrors(log), []);
    const [run] = log.runs;
    const result = run.results?.[0];
    assert.deepEqual(result?.locations?.[0].physicalLocation?.artifactLocation, { uri: 'my%20dir/w%231.ts', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(result?.relatedLocations, [{
      id: 0,
      physicalLocation: { artifactLocation: { uri: 'file:///elsewhere/lock.ts' }, region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 5 } },
      message: { text: 'The other order.' },
    }]);
    assert.deepEqual(run.invocations?.[0].toolConfigurationNotifications, [{
      level: 'warning',
      message: { text: 'Unknown rule "x".' },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: 'fearless.json', uriBaseId: '%SRCROOT%' },
          region: { startLine: 3, startColumn: 5 },
        },
      }],
    }]);
  });
});

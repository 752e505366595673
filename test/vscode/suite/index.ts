/**
 * The extension tests' entry point, loaded by VS Code's extension host (`extensionTestsPath`): runs
 * the suites with mocha and writes what happened to the JSON file named by FEARLESS_SUITE_RESULTS,
 * since the extension host's output does not reach the test runner that started VS Code.
 */
import fs from 'node:fs';
import Mocha from 'mocha';

export interface SuiteResults {
  passed: string[];
  failed: Array<{ title: string; error: string }>;
  /** Lines the suites want in the outer test's log. */
  log: string[];
}

const results: SuiteResults = { passed: [], failed: [], log: [] };

/** Prints a line in the extension host's console and in the outer test's log. */
export function report(line: string): void {
  console.log(line);
  results.log.push(line);
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'spec' });
  // One bundle holds the suites (so they share `report`): give them mocha's globals, then load them.
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, 'fearless.suite', mocha);
  require('./fearless.suite');
  await new Promise<void>(resolve => {
    mocha.run(() => resolve())
      .on('pass', test => results.passed.push(test.fullTitle()))
      .on('fail', (test, err: Error) => results.failed.push({ title: test.fullTitle(), error: err.stack ?? String(err) }));
  });
  const file = process.env.FEARLESS_SUITE_RESULTS;
  if (file) fs.writeFileSync(file, JSON.stringify(results, null, 2));
  if (results.failed.length > 0) throw new Error(`${results.failed.length} extension test(s) failed`);
}

/**
 * Runs an extension's tests in real VS Code (code-server's Node extension host, driven headless by
 * chromium) when started like VS Code itself:
 *   run-extension-tests.ts --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [other flags] FOLDER
 * which is how @vscode/test-electron's runTests() starts the executable it is given (code-shim.sh).
 * Flags meant for Electron VS Code (--no-sandbox, --user-data-dir…) are ignored: every run gets a
 * fresh code-server profile. The extension host's console is printed as `[exthost] …`.
 * Exit code: 0 when the tests pass, 1 when they fail or time out, 2 when they could not be run.
 */
import path from 'node:path';
import util from 'node:util';
import { launchChromium, startCodeServer } from './code-server';

const TIMEOUT_MS = 120_000;

function option(name: string): string | undefined {
  const arg = process.argv.find(a => a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : path.resolve(arg.slice(name.length + 3));
}

async function main(): Promise<number> {
  const developmentPath = option('extensionDevelopmentPath');
  const testsPath = option('extensionTestsPath');
  const folder = process.argv.slice(2).find(a => !a.startsWith('-'));
  if (!developmentPath || !testsPath || !folder) {
    throw new Error('usage: run-extension-tests.ts --extensionDevelopmentPath=DIR --extensionTestsPath=FILE FOLDER');
  }
  const server = await startCodeServer({ smokeTestDriver: true });
  const browser = await launchChromium().catch(async (e: unknown) => {
    await server.stop();
    throw e;
  });
  try {
    const page = await browser.newPage();
    let exit!: (code: number) => void;
    const exitCode = new Promise<number>(resolve => {
      exit = resolve;
    });
    // what the workbench calls when the extension tests are done
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    // The workbench logs the extension host's console as ('%c INFO', 'color: …', format, ...args),
    // among its own messages about connections and the (unreachable) extension gallery.
    page.on('console', message => void (async () => {
      const args = await Promise.all(message.args().map(a => a.jsonValue())).catch(() => [message.text()]);
      if (typeof args[0] !== 'string' || !/^%c\s+(INFO|WARN|ERR)/.test(args[0]) || args.length < 3) return;
      const line = util.format(...args.slice(2));
      if (!/^(\[|Resolving|Resolved|Creating a socket|Updating|Failed: getaddrinfo)/.test(line)) console.log('[exthost]', line);
    })());
    await page.goto(server.workbenchUrl(folder, [
      ['extensionDevelopmentPath', server.remoteUri(developmentPath)],
      ['extensionTestsPath', server.remoteUri(testsPath)],
    ]));
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exitCode,
      new Promise<'timeout'>(resolve => {
        timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (code === 'timeout') {
      console.error(`The extension tests did not finish within ${TIMEOUT_MS / 1000} s. code-server said:\n${server.output()}`);
      return 1;
    }
    return code === 0 ? 0 : 1;
  } finally {
    await browser.close();
    await server.stop();
  }
}

// Stopped from outside (Ctrl+C, a killed test run): leave through process.exit, whose 'exit'
// handlers take code-server's process group and chromium down too.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => process.exit(1));

main().then(code => process.exit(code), (e: unknown) => {
  console.error(e);
  process.exit(2);
});

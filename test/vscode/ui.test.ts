/**
 * The extension as a user meets it: the VSIX installed into VS Code (code-server), its workbench
 * driven in headless chromium on a copy of examples/wordfreq. Leaves screenshots of the end states
 * (or of the failures) in test-results/: vscode-ui.png (a quick fix), thread-map.png (the thread map).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CodeServer, ROOT, codeServerCli, copyExample, launchChromium, packagedVsix, requireEditors, startCodeServer } from './support/code-server';

const SCREENSHOT = path.join(ROOT, 'test-results', 'vscode-ui.png');
const THREAD_MAP_SCREENSHOT = path.join(ROOT, 'test-results', 'thread-map.png');
const FINDING = 'unsynchronized-shared-write';
const BUGGY = 'progress[CHUNKS_DONE]++';
const FIXED = 'Atomics.add(progress, CHUNKS_DONE, 1)';

describe('the extension in the VS Code workbench (VSIX in code-server, chromium)', function () {
  this.timeout(180_000);
  let dir: string;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workbench: Promise<string> | undefined;

  before(async () => {
    requireEditors();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fearless-ui-'));
    const profile = path.join(dir, 'code-server');
    await codeServerCli(profile, ['--install-extension', await packagedVsix()]);
    server = await startCodeServer({ dir: profile });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(30_000);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Opens the quick input with `key` and types `text`; presses Enter once a row shows `row`, that is
   * once the quick input has taken the text in (an Enter before that is lost).
   */
  async function quickInput(key: string, text: string, row: string): Promise<void> {
    await page.keyboard.press(key);
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.type(text);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first().waitFor();
    await page.keyboard.press('Enter');
  }

  /** The workbench on a copy of the example, loaded once for the tests that follow; the copy's folder. */
  function openWorkbench(): Promise<string> {
    workbench ??= (async () => {
      const folder = copyExample(dir);
      await page.goto(server!.workbenchUrl(folder));
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
      return folder;
    })();
    return workbench;
  }

  async function screenshot(file: string): Promise<void> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file });
  }

  it('flags worker.ts, lists the finding in Problems, and applies its quick fix', async () => {
    try {
      const folder = await openWorkbench();
      const line = fs.readFileSync(path.join(folder, 'src', 'worker.ts'), 'utf8').split('\n').findIndex(l => l.includes(BUGGY)) + 1;

      await quickInput('Control+P', 'worker.ts', 'worker.ts');
      await page.locator('.tab.active', { hasText: 'worker.ts' }).waitFor();
      // squiggles are drawn for the visible lines only
      await quickInput('Control+G', String(line), `line ${line}`);
      await page.locator('.statusbar-item', { hasText: `Ln ${line}, Col 1` }).waitFor();
      // the first analysis includes starting the language server and building the TypeScript program
      await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 60_000 });

      await page.keyboard.press('Control+Shift+M');
      const problem = page.locator('.markers-panel .monaco-list-row', { hasText: new RegExp(`fearless\\s*${FINDING}`) });
      await problem.waitFor();
      // Opening the problem selects its range in the editor, and focuses the editor.
      await problem.dblclick();
      await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col \\d+ \\(\\d+ selected\\)`) }).waitFor();
      await page.locator('.monaco-editor.focused').waitFor();
      // Ctrl+. does not reach the editor in headless chromium; the command palette does.
      await quickInput('F1', 'Quick Fix...', 'Quick Fix...');
      await page.locator('.action-widget .monaco-list-row', { hasText: 'Use Atomics.add' }).click();

      await page.locator('.monaco-editor .view-line', { hasText: FIXED }).waitFor();
      assert.equal(await page.locator('.monaco-editor .view-line', { hasText: BUGGY }).count(), 0);
      // re-analysed: the finding leaves the Problems panel
      await problem.waitFor({ state: 'detached' });
    } finally {
      await screenshot(SCREENSHOT);
    }
  });

  it('draws the thread map (Fearless: Show thread map) and opens a module clicked in it', async () => {
    try {
      await openWorkbench();
      // room for the picture: the map and the file it opens side by side, nothing else
      await page.setViewportSize({ width: 1600, height: 1000 });
      for (const command of ['View: Hide Panel', 'View: Close Primary Side Bar', 'View: Hide Secondary Side Bar']) {
        await quickInput('F1', command, command);
      }
      await quickInput('F1', 'Fearless: Show thread map', 'Fearless: Show thread map');
      // the webview's page sits in an iframe inside the workbench's iframe for it
      const map = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator('svg.thread-map');
      const node = (label: string) => map.locator('g.node.module', { hasText: label });
      await node('src/worker.ts').waitFor({ timeout: 60_000 });
      assert.equal(await node('src/main.ts').count(), 1);
      assert.equal(await map.locator('g.edge.spawn[data-from="src/main.ts"][data-to="src/worker.ts"]').count(), 1);
      assert.ok(await map.locator('g.node.buffer').count() > 0, 'shared buffers drawn');
      assert.ok(await map.locator('g.edge.touch.plain-write').count() > 0, 'plain writes drawn apart');

      await node('src/main.ts').click();
      await page.locator('.tab.active', { hasText: 'main.ts' }).waitFor();
      await map.waitFor(); // the map stays beside the file it opened
    } finally {
      await screenshot(THREAD_MAP_SCREENSHOT);
    }
  });
});

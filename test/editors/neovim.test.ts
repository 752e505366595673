/** The language server in real Neovim (Debian's 0.7), driven headless through Neovim's built-in LSP client. */
import path from 'node:path';
import { describeEditorScenario } from './support/scenario';

describeEditorScenario({
  name: 'Neovim',
  binary: 'nvim',
  // --clean -n -i NONE: no user config, swap file or shada, so the run depends on nothing outside the repo.
  args: ['--headless', '--clean', '-n', '-i', 'NONE', '-u', path.join(__dirname, 'nvim', 'init.lua')],
});

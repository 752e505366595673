/** The language server in real Emacs (Debian's 28 with elpa-eglot), driven in batch mode through eglot and Flymake. */
import path from 'node:path';
import { describeEditorScenario } from './support/scenario';

describeEditorScenario({
  name: 'Emacs + eglot',
  binary: 'emacs',
  // -Q: no user init file or site-start, so the run depends on nothing outside the repo.
  args: ['--batch', '-Q', '-l', path.join(__dirname, 'emacs', 'fearless-e2e.el')],
});

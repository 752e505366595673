#!/bin/sh
# The "VS Code executable" that @vscode/test-electron's runTests({ vscodeExecutablePath }) spawns with
# VS Code's command line: runs the extension tests in code-server instead (see run-extension-tests.ts).
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/../../../node_modules/.bin/tsx" "$here/run-extension-tests.ts" "$@"

// Preloaded (after tsx/cjs) into a CLI run from source: the engine fails on every file named boom.ts,
// as a bug of ours would, so that a test can see the run go on and its report still be written.
const { ThreadGraph } = require('../../server/src/analysis/threads/thread-graph');

const update = ThreadGraph.prototype.update;
ThreadGraph.prototype.update = function (sourceFile, ...rest) {
  if (sourceFile.fileName.endsWith('/boom.ts')) throw new Error('injected failure');
  return update.call(this, sourceFile, ...rest);
};

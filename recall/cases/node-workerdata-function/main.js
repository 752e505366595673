// Reported: https://github.com/nodejs/node/issues/22736
// A progress callback was put into workerData: `new Worker` threw "DataCloneError: () => {} could
// not be cloned" (and the worker path, relative to the shell's directory, only worked from one place).
const { Worker } = require('worker_threads');

function runTask(items, onProgress) {
  return new Promise((resolve, reject) => {
    const worker = new Worker('./task-worker.js', { //~ worker-path-cwd-relative
      workerData: {
        items,
        onProgress, //~ send-non-cloneable
      },
    });
    worker.on('message', resolve);
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`task worker exited with ${code}`));
    });
  });
}

runTask([1, 2, 3], (done) => console.log(`${done} done`)).then(console.log, console.error);

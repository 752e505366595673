// Reported: https://github.com/metarhia/noroutine/issues/8
// A library spawned its pool with a path relative to itself; Node resolves it against the
// application's working directory: "Cannot find module '<app>/lib/worker.js'" on first use.
'use strict';
const { Worker } = require('worker_threads');

const pool = [];

const init = (modules, { pool: size = 4 } = {}) => {
  const workerData = { modules: modules.map((m) => require.resolve(m)) };
  for (let i = 0; i < size; i++) {
    const worker = new Worker('./lib/worker.js', { workerData }); //~ worker-path-cwd-relative
    worker.on('error', (err) => console.error('noroutine worker failed', err));
    worker.on('exit', () => pool.splice(pool.indexOf(worker), 1));
    pool.push(worker);
  }
};

const finalize = () => Promise.all(pool.map((worker) => worker.terminate()));

module.exports = { init, finalize };

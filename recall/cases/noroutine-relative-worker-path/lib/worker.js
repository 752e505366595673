'use strict';
const { parentPort, workerData } = require('worker_threads');

const targets = workerData.modules.map((file) => require(file));
parentPort.on('message', ({ id, method, args }) => {
  const result = targets[0][method](...args);
  parentPort.postMessage({ id, result });
});

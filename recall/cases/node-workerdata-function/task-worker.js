const { parentPort, workerData } = require('worker_threads');

let sum = 0;
for (const item of workerData.items) sum += item;
parentPort.postMessage(sum);

// Reported: https://github.com/babel/babel/pull/14541
// A synchronous API over a worker waited once on a shared flag and then read the reply port: the flag
// was never reset, so from the second call on the wait returned at once and
// receiveMessageOnPort() gave `undefined`; a worker that died left the wait hanging forever.
'use strict';
const path = require('path');
const { MessageChannel, Worker, receiveMessageOnPort } = require('worker_threads');

const worker = new Worker(path.join(__dirname, 'worker.cjs'));
worker.on('error', (err) => console.error('parser worker failed', err));
worker.unref();
const signal = new Int32Array(new SharedArrayBuffer(4));

function callSync(action, payload) {
  const { port1, port2 } = new MessageChannel();
  worker.postMessage({ signal, port: port1, action, payload }, [port1]);
  Atomics.wait(signal, 0, 0); //~ wait-outside-loop blocking-wait-on-main-thread
  const response = receiveMessageOnPort(port2);
  port2.close();
  return response.message;
}

exports.parseSync = (code) => callSync('parse', code);
exports.versionSync = () => callSync('version', null);

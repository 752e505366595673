import bcrypt from 'bcryptjs';
import { parentPort } from 'node:worker_threads';

parentPort.on('message', ({ id, password }) => {
  parentPort.postMessage({ id, hash: bcrypt.hashSync(password, 10) });
});

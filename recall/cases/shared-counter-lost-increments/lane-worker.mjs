import { parentPort, workerData } from 'node:worker_threads';

const { lane, counters } = workerData;
counters[0]++; //~ unsynchronized-shared-write
parentPort.postMessage(lane * lane);

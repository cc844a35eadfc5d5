// Thread entry of a load worker: wires the engine to the parent port.
import { parentPort, workerData } from 'node:worker_threads';
import { LoadWorker, type FromWorker, type ToWorker, type WorkerInit } from './load-worker.ts';

const port = parentPort;
if (!port) throw new Error('harness/load/builtin/worker.ts must run as a worker thread');
const engine = new LoadWorker(workerData as WorkerInit, (m: FromWorker) => port.postMessage(m));
port.on('message', (m: ToWorker) => {
  if (m.type === 'start') engine.start(m.startAtEpochMs);
  else engine.stop();
});
port.postMessage({ type: 'ready' } satisfies FromWorker);

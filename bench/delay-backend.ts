// The fidelity benchmark's backend, in its own process so that it never shares an event loop with a driver
// under test: answers every request after DELAY_MS (argv[3]) and records, server-side, the delay it really
// applied (setTimeout fires late by up to ~1 ms, more on a busy machine). GET /__applied returns the summary of
// the applied delays (ms) and resets it. Prints its port on stdout when listening.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { newHistogram, recordMs, summarize } from '../harness/load/histogram.ts';

const host = process.argv[2];
const delayMs = Number(process.argv[3]);
const applied = newHistogram();
const server = http.createServer((req, res) => {
  if (req.url === '/__applied') {
    res.end(JSON.stringify(summarize(applied)));
    applied.reset();
    return;
  }
  const t0 = performance.now();
  const reply = () => {
    recordMs(applied, performance.now() - t0);
    res.end('ok');
  };
  if (delayMs > 0) setTimeout(reply, delayMs);
  else reply();
});
server.keepAliveTimeout = 60_000;
server.listen(0, host, () => console.log((server.address() as AddressInfo).port));
process.on('SIGTERM', () => process.exit(0));

// Whole runs of the built-in driver: achieved rate, coordinated omission, warm-up, abort, closed model.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltinLoad } from '../../harness/load/builtin/run.ts';
import { decodeHistogram } from '../../harness/load/histogram.ts';
import { basePlan, randomLoopbackNet, startServer, type TestServer } from './load-helpers.ts';

const ip = randomLoopbackNet();
const sources = [ip(21), ip(22)];
let server: TestServer;
/** The server stalls once, on the request with this count (-1: never). */
let stallAt = -1;
let served = 0;

beforeAll(async () => {
  server = await startServer(ip(1), (req, res) => {
    if (req.url === '/stall' && stallAt >= 0 && served >= stallAt) {
      stallAt = -1;
      // Block the server's event loop once, as a GC pause or a stuck hop would: requests keep arriving.
      const until = Date.now() + 300;
      while (Date.now() < until);
    }
    served++;
    res.end('ok');
  });
});
afterAll(() => server.close());

describe('builtin driver runs', () => {
  it('sustains a constant arrival rate of 200 rps for 2 s (ratio, not time)', async () => {
    const out = await runBuiltinLoad(basePlan(server.host, server.port, sources, { executor: { kind: 'constant-arrival-rate', rate: 200, durationS: 2 }, warmupS: 0.5 }));
    expect(out.validity.achievedRatio).toBeGreaterThan(0.95);
    expect(out.validity.achievedRatio).toBeLessThan(1.05);
    expect(out.requests).toBe(400); // warm-up requests are excluded
    expect(out.throughput.map((p) => p.t)).toEqual([1, 2]);
    expect(decodeHistogram(out.histogram).totalCount).toBe(400);
  });

  it('with no source addresses (a run from outside the lab, e.g. against EKS) the operating system picks the source', async () => {
    const before = new Map(server.remoteAddresses);
    const out = await runBuiltinLoad(basePlan(server.host, server.port, [], { executor: { kind: 'constant-arrival-rate', rate: 50, durationS: 1 }, warmupS: 0 }));
    expect(out.requests).toBe(50);
    expect(out.errors).toBe(0);
    // The kernel picked the source (127.0.0.1 toward loopback): none of the test's 127.x sources was bound.
    const fresh = [...server.remoteAddresses].filter(([a, n]) => n > (before.get(a) ?? 0)).map(([a]) => a);
    expect(fresh.length).toBeGreaterThan(0);
    for (const a of fresh) expect(sources).not.toContain(a);
  });

  it('measures from the intended send time: one 300 ms stall shows in the tail of every queued request', async () => {
    // Request 200 of this run: 100 warm-up requests, then 0.5 s into the measured window, whatever the start-up time.
    stallAt = served + 200;
    const out = await runBuiltinLoad(
      basePlan(server.host, server.port, sources, { target: { host: server.host, port: server.port, path: '/stall' }, executor: { kind: 'constant-arrival-rate', rate: 200, durationS: 2 }, warmupS: 0.5 }),
    );
    expect(stallAt).toBe(-1); // the stall happened
    const hist = decodeHistogram(out.histogram);
    // ~60 requests were due during the stall; the ones due in its first 50 ms waited >= 250 ms.
    expect(out.latencyMs.p99).toBeGreaterThanOrEqual(250);
    const above100ms = hist.totalCount * (1 - percentileRankBelow(hist, 100_000));
    expect(above100ms).toBeGreaterThan(20);
  });

  it('stops promptly on abort and returns what was measured, with every socket closed', async () => {
    const threadsBefore = threadCount();
    const ac = new AbortController();
    const run = runBuiltinLoad(basePlan(server.host, server.port, sources, { executor: { kind: 'constant-arrival-rate', rate: 100, durationS: 30 }, workers: 2 }), { signal: ac.signal });
    // Abort once traffic is flowing (worker start-up time varies with machine load), at most after 20 s.
    const servedBefore = served;
    for (let k = 0; k < 200 && served - servedBefore < 100; k++) await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    const out = await run;
    expect(out.interrupted).toBe(true);
    expect(out.durationS).toBeLessThan(25);
    expect(out.requests).toBeGreaterThan(0);
    expect(out.validity.valid).toBe(false);
    expect(out.validity.reasons.join(' ')).toMatch(/interrupted/);
    await new Promise((r) => setTimeout(r, 200));
    expect(await server.openSockets()).toBe(0);
    // Each worker is an OS thread of this process: none may outlive the run.
    expect(threadCount()).toBeLessThanOrEqual(threadsBefore);
  });

  it('runs a closed model and flags it as such', async () => {
    const out = await runBuiltinLoad(basePlan(server.host, server.port, sources, { executor: { kind: 'constant-vus', vus: 4, durationS: 1 } }));
    expect(out.closedModel).toBe(true);
    expect(out.requests).toBeGreaterThan(0);
    expect(out.validity.notes?.join(' ')).toMatch(/closed model/);
  });

  it('follows a ramping arrival rate', async () => {
    const out = await runBuiltinLoad(
      basePlan(server.host, server.port, sources, { executor: { kind: 'ramping-arrival-rate', startRate: 0, stages: [{ durationS: 1, target: 100 }, { durationS: 1, target: 100 }] } }),
    );
    expect(out.targetRps).toBe(75);
    expect(out.requests).toBe(150);
    expect(out.throughput[0].rps).toBeLessThan(out.throughput[1].rps);
  });
});

const threadCount = (): number => fs.readdirSync('/proc/self/task').length;

/** Fraction of recorded values at or below `us`. */
function percentileRankBelow(hist: ReturnType<typeof decodeHistogram>, us: number): number {
  let lo = 0;
  let hi = 100;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (hist.getValueAtPercentile(mid) <= us) lo = mid;
    else hi = mid;
  }
  return lo / 100;
}

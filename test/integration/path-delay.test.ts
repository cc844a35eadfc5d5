// The path's modeled delays applied at one point: the built-in driver holds each request for its sampled
// delay before the write (so the latency it measures carries it), and drivers that cannot hold requests get
// one delay stage in front of the entry that keeps the client's address. Only lower bounds are asserted
// (a request can never come back before its hold), so nothing here depends on the machine being quiet.
import { describe, it, expect } from 'vitest';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { provisionLocal } from '../../harness/providers/local/index.ts';
import { runLoad } from '../../harness/load/index.ts';
import { loadShapeFor } from '../../harness/run/bench.ts';
import { loadPlanFor } from '../../harness/run/drive.ts';
import { probe } from '../../harness/measure/probe.ts';
import { decodeHistogram } from '../../harness/load/histogram.ts';
import type { PathDelayPlan } from '../../harness/load/path-delay.ts';
import { ECHO_HEADERS } from '../../harness/catalog/components/service.ts';

/** A constant 4 ms on the one hop: median == p99 makes the lognormal a constant. */
const FIXED: PathDelayPlan = { seed: 1, hops: [{ name: 'app', perRequest: { medianMs: 4, p99Ms: 4 }, newConnection: null, crossAz: null }] };

describe('path delay applied once per request', () => {
  it('built-in driver: every measured request carries at least its hold; a new connection is opened before the hold starts', async () => {
    const s = loadScenarioOrThrow('direct');
    const r = await provisionLocal(s, { runId: 'pd', injectLatency: false, seed: 1, log: () => {} });
    try {
      const plan = { ...loadPlanFor(loadShapeFor(s, { rate: 50, durationS: 1, warmupS: 0 }), r), pathDelay: FIXED };
      const out = await runLoad(plan, { driver: 'builtin' });
      expect(out.requests).toBe(50);
      expect(out.errors).toBe(0);
      expect(decodeHistogram(out.histogram).minNonZeroValue / 1000).toBeGreaterThanOrEqual(4);
      expect(out.clientIp.retained).toBe(out.clientIp.checked);
    } finally {
      await r.teardown();
    }
  }, 60_000);

  it('the local provider plans the delays (hops run without timers) and its delay stage applies them, keeping the client address', async () => {
    const s = loadScenarioOrThrow('public-nlb');
    const r = await provisionLocal(s, { runId: 'pd2', injectLatency: true, seed: 1, log: () => {} }, { gatewayRealization: 'builtin' });
    try {
      expect(r.delays?.plan?.hops.map((h) => h.name)).toEqual(['public-nlb', 'kube-proxy', 'envoy', 'app']);
      expect(r.hops.find((h) => h.name === 'public-nlb')!.notes!.join(' ')).toMatch(/applied once per request/);
      // The stage, with a constant plan swapped in so the bound is exact.
      r.delays!.plan = FIXED;
      const stage = await r.delays!.entryStage();
      expect(stage.host).not.toBe(r.entry.host);
      for (const source of r.sources.slice(0, 3)) {
        const t0 = performance.now();
        const res = await probe({ target: stage, source });
        expect(performance.now() - t0).toBeGreaterThanOrEqual(4);
        expect(res.status).toBe(200);
        expect(res.headers[ECHO_HEADERS.clientIp]).toBe(source);
      }
    } finally {
      await r.teardown();
    }
  }, 60_000);
});

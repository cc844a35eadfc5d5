import { describe, it, expect } from 'vitest';
import { pathDelaySampler, pathDelayAddsAnything, type PathDelayPlan, type ConnectionDelayState } from '../../harness/load/path-delay.ts';
import { lognormalSampler } from '../../harness/emulation/prng.ts';
import { seededRandom } from '../../harness/lib/random.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { pathDelayPlanOf, planTopology } from '../../harness/providers/local/topology.ts';

const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

describe('path delay: one sampled sum per request (pure, seeded)', () => {
  const plan: PathDelayPlan = {
    seed: 7,
    hops: [
      { name: 'nlb', perRequest: { medianMs: 0.1, p99Ms: 0.5 }, newConnection: null, crossAz: null },
      { name: 'kube-proxy', perRequest: { medianMs: 0.02, p99Ms: 0.1 }, newConnection: { medianMs: 0.1, p99Ms: 0.4 }, crossAz: null },
      { name: 'gateway', perRequest: null, newConnection: null, crossAz: { share: 2 / 3, rtt: { medianMs: 0.6, p99Ms: 2 }, per: 'request' } },
    ],
  };

  it('warm requests: the sum of each hop\'s lognormal and the cross-AZ RTT on its share (quantiles by simulation)', () => {
    const n = 40_000;
    const s = pathDelaySampler(plan);
    const conn: ConnectionDelayState = { requests: 1 };
    const ours = Array.from({ length: n }, () => s.sample(conn));
    // The same distributions drawn independently, one sampler per hop, summed.
    const r = seededRandom(99);
    const nlb = lognormalSampler({ medianMs: 0.1, p99Ms: 0.5 }, r);
    const kp = lognormalSampler({ medianMs: 0.02, p99Ms: 0.1 }, r);
    const az = lognormalSampler({ medianMs: 0.6, p99Ms: 2 }, r);
    const ref = Array.from({ length: n }, () => nlb() + kp() + (r() < 2 / 3 ? az() : 0));
    for (const p of [0.1, 0.5, 0.9, 0.99]) {
      expect(quantile(ours, p)).toBeGreaterThan(quantile(ref, p) * 0.93);
      expect(quantile(ours, p)).toBeLessThan(quantile(ref, p) * 1.07);
    }
    // A third of requests stay in the AZ: their delay has no RTT (under a small tail of the two hops).
    const noRtt = ours.filter((x) => x < 0.25).length / n;
    expect(noRtt).toBeGreaterThan(0.25);
    expect(noRtt).toBeLessThan(0.4);
  });

  it('the new-connection part is added on a connection\'s first request only', () => {
    const only: PathDelayPlan = { seed: 1, hops: [{ name: 'kp', perRequest: null, newConnection: { medianMs: 1, p99Ms: 1 }, crossAz: null }] };
    const s = pathDelaySampler(only);
    const conn: ConnectionDelayState = { requests: 0 };
    expect(s.sample(conn)).toBe(1);
    expect(s.sample(conn)).toBe(0);
    expect(s.sample({ requests: 0 })).toBe(1);
  });

  it('per-connection crossing is drawn once per connection (an L4 flow stays on its target)', () => {
    const p: PathDelayPlan = { seed: 3, hops: [{ name: 'nlb', perRequest: null, newConnection: null, crossAz: { share: 0.5, rtt: { medianMs: 1, p99Ms: 1 }, per: 'connection' } }] };
    const s = pathDelaySampler(p);
    let crossingConns = 0;
    for (let c = 0; c < 2000; c++) {
      const conn: ConnectionDelayState = { requests: 0 };
      const first = s.sample(conn);
      for (let k = 0; k < 5; k++) expect(s.sample(conn)).toBe(first);
      if (first > 0) crossingConns++;
    }
    expect(crossingConns / 2000).toBeGreaterThan(0.45);
    expect(crossingConns / 2000).toBeLessThan(0.55);
  });

  it('is reproducible from the seed, and independent streams differ', () => {
    const a = pathDelaySampler(plan, 0);
    const b = pathDelaySampler(plan, 0);
    const c = pathDelaySampler(plan, 1);
    const xs = Array.from({ length: 50 }, () => a.sample({ requests: 1 }));
    expect(Array.from({ length: 50 }, () => b.sample({ requests: 1 }))).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c.sample({ requests: 1 }))).not.toEqual(xs);
  });

  it('a --no-latency plan adds nothing', () => {
    expect(pathDelayAddsAnything({ seed: 1, hops: [{ name: 'x', perRequest: null, newConnection: null, crossAz: null }] })).toBe(false);
    expect(pathDelayAddsAnything(null)).toBe(false);
    expect(pathDelayAddsAnything(plan)).toBe(true);
  });
});

describe('path delay plan of a topology (catalog facets)', () => {
  it('public-nlb: NLB and kube-proxy on the client connection, the real gateway adds none of its own, gateway -> pods crosses AZs on (azs-1)/azs of requests', () => {
    const topo = planTopology(loadScenarioOrThrow('public-nlb'), { injectLatency: true });
    const p = pathDelayPlanOf(topo, { seed: 1, realDataPlane: new Set([2]) });
    const [nlb, kp, gw, app] = p.hops;
    expect(nlb.perRequest).toEqual({ medianMs: 0.1, p99Ms: 0.5 });
    expect(nlb.crossAz).toBeNull(); // cross-zone off
    expect(kp.newConnection).toEqual({ medianMs: 0.1, p99Ms: 0.4 });
    expect(kp.crossAz).toBeNull(); // ETP=Local
    expect(gw.perRequest).toBeNull(); // real Envoy: measured, not modeled
    expect(gw.crossAz).toMatchObject({ share: 2 / 3, per: 'request', rtt: { medianMs: 0.6, p99Ms: 2 } });
    expect(app).toMatchObject({ perRequest: null, crossAz: null });
    // The built-in gateway emulation does inject the catalog's gateway latency (whatever the catalog says).
    const gwModel = topo.hops[2].hop.latency;
    expect(gwModel.medianMs).toBeGreaterThan(0);
    expect(pathDelayPlanOf(topo, { seed: 1, realDataPlane: new Set() }).hops[2].perRequest).toEqual({ medianMs: gwModel.medianMs, p99Ms: gwModel.p99Ms });
  });

  it('behind a terminating hop (ALB) the L4 hops see the ALB\'s warm pool: no new-connection part, crossing per request', () => {
    const topo = planTopology(loadScenarioOrThrow('alb-nlb-gateway'), { injectLatency: true });
    const p = pathDelayPlanOf(topo, { seed: 1, realDataPlane: new Set() });
    const byName = Object.fromEntries(p.hops.map((h) => [h.name, h]));
    expect(byName['public-alb'].crossAz).toMatchObject({ per: 'request' });
    expect(byName['kube-proxy'].newConnection).toBeNull();
  });

  it('an overhead run (--no-latency) plans nothing', () => {
    const topo = planTopology(loadScenarioOrThrow('public-nlb-proxy-protocol'), { injectLatency: false });
    expect(pathDelayAddsAnything(pathDelayPlanOf(topo, { seed: 1, realDataPlane: new Set() }))).toBe(false);
  });
});

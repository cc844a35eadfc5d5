// The model's simulation engine against closed forms: lognormal percentiles, Erlang C, token bucket counts,
// cross-AZ probability, seeded reproducibility, and sampled vs exact runs.
import { describe, expect, it } from 'vitest';
import { runSchedule, type RateSegment } from '../../harness/providers/model/run.ts';
import { lognormal, compilePath, type HopModel, type ModelPath } from '../../harness/providers/model/path.ts';
import type { SimulatorConfig } from '../../harness/providers/model/request-simulator.ts';
import { CROSS_AZ_RTT } from '../../harness/catalog/network.ts';
import { crossAzShare } from '../../harness/catalog/forwarding.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { encodeHistogram } from '../../harness/load/histogram.ts';

function hop(over: Partial<HopModel> = {}): HopModel {
  return {
    name: 'h',
    component: 'test',
    latency: lognormal({ medianMs: 0, p99Ms: 0 }),
    newConnection: null,
    seesClientConnection: true,
    crossAzP: 0,
    crossAzWhy: '',
    queue: null,
    limiter: null,
    timeout: null,
    basis: 'test',
    confidence: 'high',
    ...over,
  };
}

function path(hops: HopModel[]): ModelPath {
  return {
    scenario: 'test',
    hops,
    requestRttMs: 0,
    handshake: { rttMs: 0, roundTrips: 1, tls: false, why: '' },
    fixedExtraMs: 0,
    crossAz: lognormal(CROSS_AZ_RTT),
    azs: 3,
    capacityRps: Infinity,
    capacityBy: '',
    notes: [],
  };
}

function cfg(p: ModelPath, over: Partial<SimulatorConfig> = {}): SimulatorConfig {
  return { path: p, pNew: 0, clientTimeoutMs: 1e9, arrivals: 'poisson', ...over };
}

const one = (rateRps: number, durS: number): RateSegment[] => [{ durS, rateRps, recorded: true }];

/** Erlang C: probability of waiting in M/M/c with offered load a = lambda/mu. */
function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = (term * a) / c / (1 - a / c);
  return last / (sum + last);
}

describe('model engine', () => {
  it('is reproducible with a seed and changes with another seed', () => {
    const p = path([hop({ latency: lognormal({ medianMs: 2, p99Ms: 10 }) })]);
    const a = runSchedule(cfg(p), { segments: one(1000, 5), budget: 1e6, intervalS: 1, seed: 7 });
    const b = runSchedule(cfg(p), { segments: one(1000, 5), budget: 1e6, intervalS: 1, seed: 7 });
    const c = runSchedule(cfg(p), { segments: one(1000, 5), budget: 1e6, intervalS: 1, seed: 8 });
    expect(encodeHistogram(a.hist).data).toBe(encodeHistogram(b.hist).data);
    expect(a.requests).toBe(b.requests);
    expect(encodeHistogram(a.hist).data).not.toBe(encodeHistogram(c.hist).data);
  });

  it("reproduces a single lognormal hop's median and p99 within sampling error", () => {
    const p = path([hop({ latency: lognormal({ medianMs: 2, p99Ms: 10 }) })]);
    const r = runSchedule(cfg(p), { segments: one(20_000, 15), budget: 1e6, intervalS: 1, seed: 1 });
    expect(r.exact).toBe(true);
    expect(r.simulated).toBeGreaterThan(290_000);
    // Standard error of the p99 of 300k lognormal(sigma 0.69) samples is ~0.5%; HdrHistogram adds 0.1%.
    expect(r.hist.getValueAtPercentile(50) / 1000).toBeCloseTo(2, 1);
    expect(Math.abs(r.hist.getValueAtPercentile(50) / 1000 / 2 - 1)).toBeLessThan(0.015);
    expect(Math.abs(r.hist.getValueAtPercentile(99) / 1000 / 10 - 1)).toBeLessThan(0.03);
  });

  it.each([
    [4, 0.5],
    [4, 0.8],
    [2, 0.7],
  ])('M/M/c queue with c=%i at utilization %f agrees with Erlang C mean wait', (c, rho) => {
    const mu = 100; // req/s per server: 10 ms mean service
    const lambda = rho * c * mu;
    const p = path([hop({ queue: { servers: c, perServerRps: mu, why: 'test' } })]);
    const r = runSchedule(cfg(p), { segments: [{ durS: 60, rateRps: lambda, recorded: false }, ...one(lambda, 2400)], budget: 1e7, intervalS: 10, seed: 3 });
    const expected = (erlangC(c, lambda / mu) / (c * mu - lambda)) * 1000; // ms
    const simulated = r.hist.mean / 1000;
    // Waits are strongly autocorrelated near saturation; ~1M arrivals keep the error of the mean within a few %.
    expect(Math.abs(simulated / expected - 1)).toBeLessThan(0.06);
  });

  it('token bucket answers exactly the expected number of 429s for a burst over the limit', () => {
    const rate = 1000;
    const burst = 10;
    const arrivals = 2000; // uniform, every 0.5 ms for 1 s: twice the bucket's rate
    const p = path([hop({ limiter: { rateRps: rate, burst, status: 429, why: 'test' } })]);
    const r = runSchedule(cfg(p, { arrivals: 'uniform' }), { segments: one(arrivals, 1), budget: 1e6, intervalS: 1, seed: 1 });
    // Tokens available by the last arrival (t = 999.5 ms): the burst plus 1 per ms, each admission takes one.
    const admitted = Math.min(arrivals, Math.floor(burst + (rate / 1000) * 999.5));
    expect(r.requests).toBe(arrivals);
    expect(r.ok).toBe(admitted);
    expect(r.byStatus['429']).toBe(arrivals - admitted);
  });

  it('below the bucket rate nothing is throttled', () => {
    const p = path([hop({ limiter: { rateRps: 1000, burst: 50, status: 429, why: 'test' } })]);
    const r = runSchedule(cfg(p, { arrivals: 'uniform' }), { segments: one(900, 5), budget: 1e6, intervalS: 1, seed: 1 });
    expect(r.byStatus['429'] ?? 0).toBe(0);
    expect(r.ok).toBe(r.requests);
  });

  it.each([2, 3, 4])('crosses AZs with probability (azs-1)/azs for %i AZs', (azs) => {
    const pz = crossAzShare('any-az', azs);
    expect(pz).toBeCloseTo((azs - 1) / azs, 12);
    const p = path([hop({ crossAzP: pz })]);
    const r = runSchedule(cfg(p), { segments: one(10_000, 10), budget: 1e6, intervalS: 1, seed: azs });
    // Without a cross-AZ hop the latency is 0 (recorded as 1 us); the cross-AZ RTT is >= ~0.05 ms.
    const crossed = r.hist.totalCount - r.fast.counts[1];
    const share = crossed / r.hist.totalCount;
    const se = Math.sqrt((pz * (1 - pz)) / r.hist.totalCount);
    expect(Math.abs(share - pz)).toBeLessThan(4 * se);
  });

  it('reads cross-zone settings and AZ count from the scenario', () => {
    const pp = compilePath(loadScenarioOrThrow('public-nlb-proxy-protocol'));
    const nlb = pp.hops.find((h) => h.component === 'nlb')!;
    expect(nlb.crossAzP).toBeCloseTo(2 / 3, 12);
    const plain = compilePath(loadScenarioOrThrow('public-nlb'));
    expect(plain.hops.find((h) => h.component === 'nlb')!.crossAzP).toBe(0);
  });

  it('answers 504 when what lies behind a hop exceeds its timeout', () => {
    const p = path([
      hop({ name: 'api', timeout: { ms: 50, status: 504, why: 'test' } }),
      hop({ name: 'slow', latency: lognormal({ medianMs: 40, p99Ms: 200 }) }),
    ]);
    const r = runSchedule(cfg(p), { segments: one(1000, 20), budget: 1e6, intervalS: 1, seed: 2 });
    // P(lognormal(median 40, p99 200) > 50) = 1 - Phi(ln(50/40) / sigma)
    const sigma = Math.log(200 / 40) / 2.3263478740408408;
    const z = Math.log(50 / 40) / sigma;
    const expectedShare = 1 - 0.5 * (1 + erf(z / Math.SQRT2));
    expect(Math.abs((r.byStatus['504'] ?? 0) / r.requests - expectedShare)).toBeLessThan(0.01);
    expect(r.hist.getValueAtPercentile(100) / 1000).toBeLessThan(50.1);
  });

  it('a stratified run agrees with the exact run of the same schedule below saturation', () => {
    const p = path([
      hop({ name: 'gw', latency: lognormal({ medianMs: 0.1, p99Ms: 0.5 }), queue: { servers: 2, perServerRps: 5000, why: 'test' } }),
      hop({ name: 'svc', latency: lognormal({ medianMs: 1, p99Ms: 4 }) }),
    ]);
    const exact = runSchedule(cfg(p), { segments: one(6000, 200), budget: 2e6, intervalS: 1, seed: 4 });
    const sampled = runSchedule(cfg(p), { segments: one(6000, 200), budget: 200_000, intervalS: 1, seed: 4 });
    expect(exact.exact).toBe(true);
    expect(sampled.exact).toBe(false);
    expect(sampled.requests).toBe(1_200_000); // represented: rate x duration
    expect(Math.abs(exact.requests / 1_200_000 - 1)).toBeLessThan(0.01);
    for (const q of [50, 99]) {
      const e = exact.hist.getValueAtPercentile(q);
      const s = sampled.hist.getValueAtPercentile(q);
      expect(Math.abs(s / e - 1)).toBeLessThan(0.05);
    }
  });

  it('past saturation the sampled run keeps the growing backlog (fluid carry) instead of restarting empty', () => {
    const p = path([hop({ name: 'gw', queue: { servers: 1, perServerRps: 1000, why: 'test' } })]);
    const r = runSchedule(cfg(p), { segments: one(1100, 600), budget: 100_000, intervalS: 1, seed: 5 });
    // Backlog grows at 100 req/s: mean wait over 10 min is ~ (100 x 300 s) / 1000 req/s = 30 s.
    expect(r.exact).toBe(false);
    expect(r.hist.mean / 1e6).toBeGreaterThan(25);
    expect(r.hist.mean / 1e6).toBeLessThan(35);
    expect(r.finalBacklog[0]).toBeCloseTo(100 * 600, -3);
  });
});

function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

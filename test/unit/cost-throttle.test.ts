// A rate limit refuses what exceeds it (429): the bill warns, prices only what gets through, and agrees with
// the model provider, which answers 429 from the same catalog limit. Hand-derived cases, then the model.
import { describe, expect, it } from 'vitest';
import { componentTotal, lines, profile, scenario, usd } from './cost-helpers.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { loadProfile, priceScenarioExact, renderBill, renderCompare, renderSweep, sweepCost } from '../../harness/cost/index.ts';
import { walkScenario } from '../../harness/cost/engine.ts';
import { tokenBucketPassed } from '../../harness/lib/token-bucket.ts';
import { runSchedule } from '../../harness/providers/model/run.ts';
import { compilePath } from '../../harness/providers/model/path.ts';
import { normalizeShape } from '../../harness/providers/model/schedule.ts';

const rest = (throttle: string) =>
  scenario(`    - component: apigw-rest\n      settings: { throttle: ${throttle} }\n    - component: vpc-link\n    - component: nlb\n      settings: { scheme: internal }\n    - component: kube-proxy`);

describe('the token bucket (lib/token-bucket.ts)', () => {
  it('a constant rate above the limit passes the limit; below, everything', () => {
    expect(tokenBucketPassed([1500], 3600, { rateRps: 1000, burst: 500 })).toEqual([1000]);
    expect(tokenBucketPassed([800], 3600, { rateRps: 1000, burst: 500 })).toEqual([800]);
  });
  it('over a day, the first throttled hour also drains the burst refilled while idle', () => {
    const day = [...Array(12).fill(2000), ...Array(12).fill(0)];
    const passed = tokenBucketPassed(day, 3600, { rateRps: 1500, burst: 500 });
    expect(passed[0]).toBeCloseTo(1500 + 500 / 3600, 9);
    expect(passed.slice(1, 12)).toEqual(Array(11).fill(1500));
    expect(passed.slice(12)).toEqual(Array(12).fill(0));
  });
});

describe('cost prices what the throttle lets through', () => {
  it('a flat 1,500 req/s through a 1,000 req/s throttle bills 1,000 req/s: 2,628M calls = $6,907.74', () => {
    // 1,000 x 3,600 x 730 = 2,628M: 333M x $3.50 + 667M x $2.80 + 1,628M x $2.38 = 1,165.50 + 1,867.60 + 3,874.64
    const s = rest('{ rateRps: 1000, burst: 500 }');
    const p = profile({ requestsPerSecond: 1500 });
    expect(componentTotal(s, p, 'apigw-rest')).toBe(usd('6907.74'));
    const r = priceScenarioExact(s, p).result;
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/apigw-rest: the profile's peak 1,500 req\/s exceeds its limit \(throttle rate .*1000 req\/s, burst 500 -> 429\): 1,314M of 3,942M requests a month \(33\.3%\) are answered 429 and not billed/);
    expect(r.assumptions.join('\n')).toMatch(/throttles: .* not billed .* never reach the hops behind it/);
  });
  it('nothing behind the throttle sees the refused requests: the NLB processes 1,000 req/s of bytes', () => {
    // 1,000 req/s x 1,000,000 B = 3.6 TB/h = 3,600 NLCU per hour, not 5,400
    const s = rest('{ rateRps: 1000, burst: 500 }');
    const nlcu = lines(s, profile({ requestsPerSecond: 1500, responseBytes: 1_000_000, hoursPerMonth: 1 }), 'nlb').find((l) => l.unit === 'NLCU-hour')!;
    expect(nlcu.quantity).toBe(3600);
  });
  it('hour by hour: 12 h at 2,000 req/s through 1,500 req/s (burst 500) bills 12 x 5.4M + 500 = 64.8005M calls a day', () => {
    const s = rest('{ rateRps: 1500, burst: 500 }');
    const p = profile({ requestsPerSecond: 1000, hoursPerMonth: 24, hourlyShape: [...Array(12).fill(1), ...Array(12).fill(0)] });
    const calls = lines(s, p, 'apigw-rest').reduce((a, l) => a + l.quantity, 0);
    expect(calls).toBeCloseTo(64.8005, 9);
  });
  it('below the throttle nothing changes and nothing is said', () => {
    const r = priceScenarioExact(rest('{ rateRps: 1000, burst: 500 }'), profile({ requestsPerSecond: 999 })).result;
    expect(r.warnings).toEqual([]);
    expect(r.assumptions.join('\n')).not.toMatch(/throttles:/);
  });
  it('a WAF on the API still inspects every offered request', () => {
    // (a VPC link must follow the API directly, so this chain has none: WAF's bill does not depend on it)
    const s = scenario('    - component: apigw-rest\n      settings: { throttle: { rateRps: 1000, burst: 500 } }\n    - component: waf');
    const p = profile({ requestsPerSecond: 1500, hoursPerMonth: 1 });
    expect(lines(s, p, 'waf').find((l) => l.unit === 'million requests')!.quantity).toBe(5.4);
    expect(lines(s, p, 'apigw-rest').reduce((a, l) => a + l.quantity, 0)).toBe(3.6);
  });
  it('the bill shows the warning above its table', () => {
    const out = renderBill(priceScenarioExact(rest('{ rateRps: 1000, burst: 500 }'), profile({ requestsPerSecond: 1500 })), 'table');
    expect(out.indexOf('WARNINGS:')).toBeGreaterThan(0);
    expect(out.indexOf('WARNINGS:')).toBeLessThan(out.indexOf('component '));
  });
});

describe('cost and the model provider agree (profiles/large.yaml on apigw-nlb-gateway)', () => {
  const s = loadScenarioOrThrow('apigw-nlb-gateway');
  const large = loadProfile('profiles/large.yaml');
  const t = walkScenario(s, large).find((w) => w.throttle)!.throttle!;
  const costRefused = 1 - t.admittedPerMonth / t.offeredPerMonth;

  it('the shipped scenario is throttled at the large profile: 10,000 req/s against a peak of 35,122', () => {
    expect(t.rateRps).toBe(10_000);
    expect(t.peakOfferedRps).toBeCloseTo(35_122, 0);
    expect(costRefused).toBeCloseTo(0.5528, 3);
    expect(priceScenarioExact(s, large).result.warnings[0]).toMatch(/apigw-rest \(api\): the profile's peak 35,122 req\/s exceeds its limit/);
  });
  it('a modeled day at the profile\'s shape answers 429 to the same share (seeded, sampled)', () => {
    const shape = normalizeShape(large.hourlyShape!);
    const st = runSchedule(
      { path: compilePath(s), pNew: 0, clientTimeoutMs: 60_000, arrivals: 'poisson' },
      { segments: shape.map((k) => ({ durS: 3600, rateRps: large.requestsPerSecond * k, recorded: true })), budget: 50_000, intervalS: 60, seed: 17 },
    );
    const modelRefused = (st.byStatus['429'] ?? 0) / st.represented;
    expect(Math.abs(modelRefused - costRefused)).toBeLessThan(0.01);
  });
  it('the peak hour: the model refuses 1 - 10,000/35,122 of it, as the cost walk does', () => {
    const peak = t.peakOfferedRps;
    const st = runSchedule(
      { path: compilePath(s), pNew: 0, clientTimeoutMs: 60_000, arrivals: 'poisson' },
      { segments: [{ durS: 600, rateRps: 10_000, recorded: false }, { durS: 3600, rateRps: peak, recorded: true }], budget: 50_000, intervalS: 60, seed: 5 },
    );
    const modelRefused = (st.byStatus['429'] ?? 0) / st.represented;
    const costPeak = 1 - tokenBucketPassed([peak], 3600, t)[0] / peak;
    expect(costPeak).toBeCloseTo(1 - 10_000 / peak, 9);
    expect(Math.abs(modelRefused - costPeak)).toBeLessThan(0.01);
  });
});

describe('comparisons and sweeps say when a bill is low because traffic is refused', () => {
  const apigw = rest('{ rateRps: 1000, burst: 500 }');
  const nlb = scenario('    - component: nlb\n    - component: kube-proxy');
  it('cost --compare marks the throttled scenario and lists its warning', () => {
    const p = profile({ requestsPerSecond: 1500, responseBytes: 10_000 });
    const out = renderCompare([priceScenarioExact(apigw, p), priceScenarioExact(nlb, p)], 'table');
    expect(out).toMatch(/\nt \* /);
    expect(out).toMatch(/\* prices only what its throttle lets through/);
  });
  it('a crossover won by refusing traffic says so; the sweep says from which rate a scenario is throttled', () => {
    // Two REST APIs; 'tight' pays for a cache ($14.60) but is throttled at 1,000 req/s: above, it looks cheaper.
    const other = loadScenarioOrThrow('apigw-nlb-gateway');
    const tight = { ...other, name: 'tight', hops: other.hops.map((h) => (h.component === 'apigw-rest' ? { ...h, settings: { ...h.settings, cacheGb: 0.5, throttle: { rateRps: 1000, burst: 500 } } } : h)) };
    const { points, crossovers } = sweepCost([other, tight], profile({ responseBytes: 1000 }), [500, 900, 2000, 4000]);
    expect(points.map((x) => x.throttled)).toEqual([[], [], ['tight'], ['tight']]);
    expect(crossovers).toHaveLength(1);
    expect(crossovers[0]).toMatchObject({ cheaperAbove: 'tight', throttled: ['tight'] });
    const text = renderSweep(points, crossovers, 'table');
    expect(text).toMatch(/tight above \(only because tight's throttle refuses part of the traffic there/);
    expect(text).toMatch(/- tight: from 2,000 req\/s/);
  });
});

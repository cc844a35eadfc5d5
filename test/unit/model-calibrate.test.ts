// Calibration: fitting a lognormal to a histogram (with goodness), floors from overhead runs, capacity from a
// saturated run, and a floor-calibrated simulation adding the floor to the modeled path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitPath, calibrate, calibrationFor, floorQuantiles } from '../../harness/providers/model/calibrate.ts';
import { normalCdf } from '../../harness/analysis/stats.ts';
import { Rng } from '../../harness/providers/model/rng.ts';
import { encodeHistogram, newHistogram, recordMs, summarize } from '../../harness/load/histogram.ts';
import type { RunResult } from '../../harness/result/types.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { loadScenarioText } from '../../harness/scenario/load.ts';
import { simulateScenario } from '../../harness/providers/model/simulate.ts';
import { loadShapeFor } from '../../harness/run/bench.ts';

const DIRECT_ALB = readFileSync(new URL('../fixtures/scenarios/direct-alb.yaml', import.meta.url), 'utf8');

function lognormalHist(median: number, p99: number, n: number, seed = 1) {
  const rng = new Rng(seed);
  const sigma = Math.log(p99 / median) / 2.3263478740408408;
  const h = newHistogram();
  for (let i = 0; i < n; i++) recordMs(h, rng.lognormal(Math.log(median), sigma));
  return h;
}

function result(over: Partial<RunResult> & { hist: ReturnType<typeof newHistogram>; settings?: Record<string, unknown> }): RunResult {
  const { hist, settings, ...rest } = over;
  return {
    schemaVersion: 1,
    scenario: 'public-nlb',
    provider: 'local',
    meta: { settings: settings ?? { injectLatency: true } } as RunResult['meta'],
    load: { targetRps: 150, achievedRps: 150, requests: hist.totalCount, errorsByKind: { connect: 0, timeout: 0, reset: 0, status4xx: 0, status5xx: 0, other: 0, byStatus: {} } } as unknown as RunResult['load'],
    latencyMs: { ...summarize(hist), fidelity: 'emulated', histogram: encodeHistogram(hist) },
    hops: [],
    validity: { valid: true, reasons: [], achievedRatio: 1, lateRequests: 0, unsentRequests: 0 },
    ...rest,
  } as RunResult;
}

describe('model calibration', () => {
  it('normCdf matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(2.3263478740408408)).toBeCloseTo(0.99, 6);
    expect(normalCdf(-1.2815515655446004)).toBeCloseTo(0.1, 6);
  });

  it('fits a lognormal path from a histogram and reports its goodness', () => {
    const h = lognormalHist(12, 60, 100_000);
    const fit = fitPath('apigw-nlb-gateway', 'eks.json', 'eks', 500, h);
    expect(Math.abs(fit.medianMs / 12 - 1)).toBeLessThan(0.02);
    expect(Math.abs(fit.p99Ms / 60 - 1)).toBeLessThan(0.05);
    expect(fit.goodness.ks).toBeLessThan(0.01);
    expect(Math.abs(fit.goodness.relErr.p50)).toBeLessThan(0.02);
    expect(Math.abs(fit.goodness.relErr.p99)).toBeLessThan(0.05);
    expect(fit.rejected.ks).toBeGreaterThanOrEqual(0);
  });

  it('a distribution that is not lognormal shows a large KS distance', () => {
    const rng = new Rng(2);
    const h = newHistogram();
    // Bimodal: half at ~1 ms, half at ~20 ms.
    for (let i = 0; i < 50_000; i++) recordMs(h, (rng.uniform() < 0.5 ? 1 : 20) * (0.95 + 0.1 * rng.uniform()));
    const fit = fitPath('x', 'x.json', 'eks', 100, h);
    expect(fit.goodness.ks).toBeGreaterThan(0.1);
  });

  it('takes floors from direct runs and no-latency runs, paths from real providers', () => {
    const direct = result({ scenario: 'direct', hist: lognormalHist(0.3, 0.9, 20_000) });
    const overhead = result({ scenario: 'public-nlb', hist: lognormalHist(0.6, 1.8, 20_000), settings: { injectLatency: false } });
    const eks = result({ scenario: 'apigw-nlb-gateway', provider: 'eks', hist: lognormalHist(14, 50, 20_000) });
    const cal = calibrate(
      [
        { file: 'direct.json', result: direct },
        { file: 'overhead.json', result: overhead },
        { file: 'eks.json', result: eks },
      ],
      loadScenarioOrThrow,
    );
    expect(cal.floors.map((f) => f.scenario)).toEqual(['direct', 'public-nlb']);
    expect(cal.paths.map((p) => p.scenario)).toEqual(['apigw-nlb-gateway']);
    const forNlb = calibrationFor(cal, 'public-nlb');
    expect(forNlb.floorQuantiles![500]).toBeCloseTo(0.6, 1);
    const forAlb = calibrationFor(cal, 'alb-nlb-gateway');
    expect(forAlb.floorQuantiles![500]).toBeCloseTo(0.3, 1); // falls back to the direct floor
    expect(forAlb.notes.join(' ')).toMatch(/per-hop overhead of the lab is not included/);
    expect(calibrationFor(cal, 'apigw-nlb-gateway').path!.medianMs).toBeCloseTo(14, 0);
  });

  it('derives per-replica capacity from a saturated run', () => {
    const sat = result({ scenario: 'public-nlb', hist: lognormalHist(50, 900, 5000) });
    sat.load.targetRps = 6000;
    sat.load.achievedRps = 3000;
    const cal = calibrate([{ file: 'sat.json', result: sat }], loadScenarioOrThrow);
    // public-nlb: envoy 2 x 5000, service 2 x 2000 -> the service is the lowest-capacity hop.
    expect(cal.capacity).toHaveLength(1);
    expect(cal.capacity[0].hop).toBe('app');
    expect(cal.capacity[0].perReplicaRps).toBe(1500);
    const ok = result({ scenario: 'public-nlb', hist: lognormalHist(1, 3, 5000) });
    expect(calibrate([{ file: 'ok.json', result: ok }], loadScenarioOrThrow).capacity).toHaveLength(0);
  });

  it('wiring on synthetic data: the floor-calibrated model of a path is the floor plus the hop models (fixed seeds)', () => {
    // A measured floor (the lab's overhead) and one emulated ALB hop in one AZ: what the model predicts must
    // be the floor plus the ALB's catalog lognormal, drawn independently here as the truth.
    const scenario = loadScenarioText(DIRECT_ALB, 'direct-alb.yaml').scenario!;
    const alb = scenario.hops[1].latency;
    const floor = lognormalHist(0.4, 1.5, 200_000, 5);
    const rng = new Rng(6);
    const truth = newHistogram();
    const fq = floorQuantiles(floor);
    for (let i = 0; i < 200_000; i++) {
      const f = fq[Math.floor(rng.uniform() * (fq.length - 1))];
      recordMs(truth, f + rng.lognormal(Math.log(alb.medianMs), Math.log(alb.p99Ms / alb.medianMs) / 2.3263478740408408));
    }
    const cal = calibrate([{ file: 'floor.json', result: result({ scenario: 'direct-alb', hist: floor, settings: { injectLatency: false } }) }], loadScenarioOrThrow);
    const model = simulateScenario(scenario, loadShapeFor(scenario, { rate: 1000, durationS: 200, warmupS: 0 }), { seed: 7, calibration: cal, arrivals: 'uniform' });
    const t = summarize(truth);
    const m = model.outcome.latencyMs;
    expect(Math.abs(m.p50 / t.p50 - 1)).toBeLessThan(0.03);
    expect(Math.abs(m.p90 / t.p90 - 1)).toBeLessThan(0.04);
    expect(Math.abs(m.p99 / t.p99 - 1)).toBeLessThan(0.08);
  });

  it('quantile tables are monotone and end at p99.99', () => {
    const h = lognormalHist(1, 5, 50_000);
    const q = floorQuantiles(h);
    for (let i = 1; i < q.length; i++) expect(q[i]).toBeGreaterThanOrEqual(q[i - 1]);
    expect(q[q.length - 1]).toBeCloseTo(h.getValueAtPercentile(99.99) / 1000, 6);
  });
});

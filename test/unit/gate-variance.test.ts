// The variance model: fitting it to runs drawn from known parameters gives those parameters back, and the
// simulator is deterministic for a seed.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../harness/lib/random.ts';
import { fitVarianceModel, simulateSession, type VarianceModel } from '../../harness/analysis/gate/variance-model.ts';
import type { RunSample } from '../../harness/analysis/gate/sample.ts';
import { gateBudgetS } from '../../harness/analysis/gate/budget.ts';

const TRUE: VarianceModel = {
  measured: { what: 'synthetic' },
  p50Ms: 1.5,
  p99Ms: 8,
  withinK: { lnP50: 0.4, lnP99: 3 },
  between: { lnP50: 0.08, lnP99: 0.2, correlation: 0.6, lag1: 0 },
  outliers: { probability: 0.05, lnP50: 0.5, lnP99: 1 },
  drift: { lnP50: 0.1, lnP99: 0.15, sessions: 12 },
  errorRatePerRequest: 0.001,
  throughputRatioSd: 0.002,
};

describe('variance model', () => {
  it('a fit of 12 sessions x 40 runs recovers the parameters it was drawn from', () => {
    const rand = seededRandom(7);
    const runs: RunSample[] = [];
    const sessions: string[] = [];
    for (let s = 0; s < 12; s++) {
      runs.push(...simulateSession(TRUE, rand, { rate: 200, durationS: 6 }, new Array(40).fill('A')));
      sessions.push(...new Array<string>(40).fill(`s${s}`));
    }
    const m = fitVarianceModel(runs, sessions, { what: 'refit' });
    // Within-run standard errors are read from the samples, so they come back exactly.
    expect(m.withinK.lnP50).toBeCloseTo(0.4, 9);
    expect(m.withinK.lnP99).toBeCloseTo(3, 9);
    expect(m.between.lnP50).toBeGreaterThan(0.08 * 0.8);
    expect(m.between.lnP50).toBeLessThan(0.08 * 1.25);
    expect(m.between.lnP99).toBeGreaterThan(0.2 * 0.8);
    expect(m.between.lnP99).toBeLessThan(0.2 * 1.25);
    expect(m.between.correlation).toBeGreaterThan(0.4);
    expect(m.outliers.probability).toBeGreaterThan(0.01);
    expect(m.outliers.probability).toBeLessThan(0.1);
    // Twelve sessions give a rough drift: within a factor of two.
    expect(m.drift.lnP50).toBeGreaterThan(0.05);
    expect(m.drift.lnP50).toBeLessThan(0.2);
    expect(m.drift.sessions).toBe(12);
    expect(m.errorRatePerRequest).toBeGreaterThan(0.0007);
    expect(m.errorRatePerRequest).toBeLessThan(0.0013);
    expect(Math.log(m.p50Ms / 1.5)).toBeLessThan(0.1);
  });

  it('the same seed draws the same runs', () => {
    const a = simulateSession(TRUE, seededRandom(3), { rate: 200, durationS: 5 }, ['A', 'B', 'A', 'B'], { B: { addMs: 1 } });
    const b = simulateSession(TRUE, seededRandom(3), { rate: 200, durationS: 5 }, ['A', 'B', 'A', 'B'], { B: { addMs: 1 } });
    expect(a).toEqual(b);
    expect(a[1].p50Ms).toBeGreaterThan(1);
  });

  it('time budget arithmetic of a gate run', () => {
    const b = gateBudgetS({ interleaved: { perSide: 9, durationS: 4, warmupS: 1 }, history: { perSide: 10, durationS: 5, warmupS: 1 } }, { startS: 4, realizeS: 2.5, perWindowS: 0.3, renderS: 1, source: 'test' });
    // Every window pays its realization (regress realizes each window afresh).
    expect(b.history).toBeCloseTo(4 + 10 * (5 + 1 + 2.5 + 0.3) + 1, 9);
    expect(b.interleaved).toBeCloseTo(4 + 18 * (4 + 1 + 2.5 + 0.3) + 1, 9);
  });
});

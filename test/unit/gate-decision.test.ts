// The gate's decision on synthetic runs of known distributions (fixed seeds): false-alarm rate and power
// over many simulated comparisons, asserted within exact binomial bounds, plus each verdict on
// hand-made cases. No timing, no real traffic.
import { describe, expect, it } from 'vitest';
import { evaluateGate, gateExitCode, type GateInput } from '../../harness/analysis/gate/gate.ts';
import { DEFAULT_GATE_SETTINGS, type GateSettings } from '../../harness/analysis/gate/settings.ts';
import type { RunSample } from '../../harness/analysis/gate/sample.ts';
import { simulateGate, type SimDesign } from '../../harness/analysis/gate/simulate.ts';
import type { VarianceModel } from '../../harness/analysis/gate/variance-model.ts';
import { QUIET, lowerBound, upperBound } from '../fixtures/gate/quiet-machine.ts';

/** Settings whose drift prior matches the synthetic machine. */
const S: GateSettings = { ...DEFAULT_GATE_SETTINGS, driftPrior: { lnP50: 0.02, lnP99: 0.04, source: 'synthetic' } };

// The default run plans: fresh interleaved pairs, and a stored baseline of 20 runs against fresh runs.
const ri = S.runs.interleaved;
const rh = S.runs.history;
const interleaved: SimDesign = { design: 'interleaved', runsPerSide: ri.perSide, run: { rate: 200, durationS: ri.durationS } };
const history: SimDesign = { design: 'history', runsPerSide: rh.perSide, historySessions: 1, historyRunsPerSession: 20, run: { rate: 200, durationS: rh.durationS } };

const TRIALS = 1000;

describe('false alarms and power on a synthetic quiet machine (fixed seeds, binomial bounds at 0.1%)', () => {
  for (const d of [interleaved, history]) {
    it(`${d.design}: identical configurations give at most 1% false alarms`, () => {
      const o = simulateGate(QUIET, S, d, null, TRIALS, 11);
      expect(o.regression).toBeLessThanOrEqual(upperBound(TRIALS, 0.01));
    });

    it(`${d.design}: +1 ms on one hop is caught at least 95% of the time`, () => {
      const o = simulateGate(QUIET, S, d, { addMs: 1 }, 600, 12);
      expect(o.byMetric['p50 latency']!.regression).toBeGreaterThanOrEqual(lowerBound(600, 0.95));
    });
  }

  it('fresh interleaved at 1,000 req/s: +20% p99 is caught at least 95% of the time', () => {
    // p99 of a run rests on its 1% slowest requests: at 200 req/s a 4 s run has 8 of them, and request
    // sampling alone (k = 1.8) puts +20% beyond reach of 9 pairs; at 1,000 req/s it is not.
    const fast: SimDesign = { ...interleaved, run: { rate: 1000, durationS: ri.durationS } };
    const o = simulateGate(QUIET, S, fast, { p99Factor: 1.2 }, 600, 13);
    expect(o.byMetric['p99 latency']!.regression).toBeGreaterThanOrEqual(lowerBound(600, 0.95));
  });

  it('stored baseline of one session: session drift (4% at p99) hides +20%, and the gate says so rather than pass', () => {
    const o = simulateGate(QUIET, S, history, null, 300, 18);
    const p99 = o.byMetric['p99 latency']!;
    expect(p99.medianMdeRelative).toBeGreaterThan(0.2);
    expect(p99.inconclusive).toBeGreaterThanOrEqual(lowerBound(300, 0.95));
  });

  it('the stated minimum detectable effect is caught with about the stated power (>= 90%)', () => {
    const aa = simulateGate(QUIET, S, history, null, 400, 14);
    const mde = aa.byMetric['p50 latency']!.medianMdeRelative;
    expect(mde).toBeGreaterThan(0.05);
    const o = simulateGate(QUIET, S, history, { p50Factor: 1 + mde }, 600, 15);
    expect(o.byMetric['p50 latency']!.regression).toBeGreaterThanOrEqual(lowerBound(600, 0.9));
  });

  it('a stored baseline without a drift allowance cries wolf when sessions drift; with it, it does not', () => {
    const drifting: VarianceModel = { ...QUIET, drift: { lnP50: 0.1, lnP99: 0.1, sessions: 3 } };
    const blind = simulateGate(drifting, { ...S, driftPrior: { lnP50: 0, lnP99: 0, source: 'none' } }, history, null, TRIALS, 16);
    expect(blind.regression).toBeGreaterThan(upperBound(TRIALS, 0.05));
    const aware = simulateGate(drifting, { ...S, driftPrior: { lnP50: 0.1, lnP99: 0.1, source: 'matched' } }, history, null, TRIALS, 16);
    expect(aware.regression).toBeLessThanOrEqual(upperBound(TRIALS, 0.01));
  });

  it('heavy-tailed noise (10% outlier runs at 4x the spread) still stays at or below 1% false alarms', () => {
    const rough: VarianceModel = { ...QUIET, outliers: { probability: 0.1, lnP50: 0.12, lnP99: 0.2 } };
    const o = simulateGate(rough, S, interleaved, null, TRIALS, 17);
    expect(o.regression).toBeLessThanOrEqual(upperBound(TRIALS, 0.01));
  });
});

// Hand-made runs for each verdict.
function runOf(p50Ms: number, p99Ms: number, o: Partial<RunSample> = {}): RunSample {
  return { startedAt: 't', requests: 1000, durationS: 5, targetRps: 200, achievedRps: 200, errors: 0, p50Ms, p99Ms, valid: true, reasons: [], environmentInvalid: false, clientIp: { checked: 1000, retained: 1000 }, spoofable: [], ...o };
}
const wobble = (i: number) => 1 + 0.02 * Math.sin(i * 2.1);
const side = (n: number, p50: number, p99: number, o: Partial<RunSample> = {}) => Array.from({ length: n }, (_, i) => runOf(p50 * wobble(i), p99 * wobble(i + 3), o));
const pair = (b: RunSample[], c: RunSample[]): GateInput => ({ design: 'interleaved', baseline: b, current: c });
const metric = (v: ReturnType<typeof evaluateGate>, name: string) => v.metrics.find((m) => m.metric === name)!;

describe('verdicts on hand-made runs', () => {
  it('pass states the effect with its interval and what the gate can see', () => {
    const v = evaluateGate(pair(side(10, 1.2, 6), side(10, 1.2, 6)), S);
    expect(v.verdict).toBe('pass');
    const p50 = metric(v, 'p50 latency');
    expect(p50.status).toBe('pass');
    expect(p50.effect!.absoluteLo).toBeLessThanOrEqual(0);
    expect(p50.effect!.absoluteHi).toBeGreaterThanOrEqual(0);
    expect(p50.mde!.text).toMatch(/^this gate can see a p50 increase of \+0\.\d+ ms \(\+\d+\.\d%\) or more \(95% power, alpha 0\.25%\)$/);
    expect(gateExitCode(v)).toBe(0);
  });

  it('+1 ms at p50: REGRESSION with the effect, p and exit code 1', () => {
    const v = evaluateGate(pair(side(10, 1.2, 6), side(10, 2.2, 7)), S);
    const p50 = metric(v, 'p50 latency');
    expect(p50.status).toBe('regression');
    expect(p50.effect!.absolute).toBeCloseTo(1, 1);
    expect(p50.p).toBeLessThan(S.alpha);
    expect(p50.detail).toMatch(/worse by a material amount/);
    expect(v.verdict).toBe('regression');
    expect(gateExitCode(v)).toBe(1);
  });

  it('a clear but immaterial shift (+2% at p50) passes, and says it was significant', () => {
    const v = evaluateGate(pair(side(10, 1.2, 6), side(10, 1.2 * 1.04, 6)), S);
    const p50 = metric(v, 'p50 latency');
    expect(p50.status).toBe('pass');
    expect(p50.detail).toMatch(/significant but below the material threshold/);
  });

  it('faster by 30%: improved, never a failure', () => {
    const v = evaluateGate(pair(side(10, 1.2, 6), side(10, 0.84, 4.2)), S);
    expect(metric(v, 'p50 latency').status).toBe('improved');
    expect(metric(v, 'p99 latency').status).toBe('improved');
    expect(v.verdict).toBe('pass');
  });

  it('too few runs: inconclusive, naming how many are needed', () => {
    const v = evaluateGate(pair(side(4, 1.2, 6), side(4, 1.2, 6)), S);
    const p50 = metric(v, 'p50 latency');
    expect(p50.status).toBe('inconclusive');
    expect(p50.mde!.text).toMatch(/cannot flag any p50 increase with so few runs.*needs 6 runs per side/);
    expect(v.verdict).toBe('inconclusive');
    expect(gateExitCode(v)).toBe(0);
    expect(gateExitCode(v, { failInconclusive: true })).toBe(3);
  });

  it('noise too large to see +20% at p99: inconclusive instead of a pass that means nothing', () => {
    const noisy = (n: number, seed: number) => Array.from({ length: n }, (_, i) => runOf(1.2, 6 * Math.exp(0.8 * Math.sin(i * 1.7 + seed))));
    const v = evaluateGate(pair(noisy(10, 0), noisy(10, 1)), S);
    const p99 = metric(v, 'p99 latency');
    expect(p99.status).toBe('inconclusive');
    expect(p99.detail).toMatch(/short of the 20% it must see/);
  });

  it('client IP retention: any change in any run is a regression', () => {
    const cur = side(10, 1.2, 6);
    cur[3] = { ...cur[3], clientIp: { checked: 1000, retained: 990 } };
    const v = evaluateGate(pair(side(10, 1.2, 6), cur), S);
    const ip = metric(v, 'client IP retention');
    expect(ip.status).toBe('regression');
    expect(ip.detail).toMatch(/1 of 10 runs retained 99\.00% instead of 100\.00%/);
  });

  it('spoofing: a newly spoofable probe fails; a fixed one is an improvement', () => {
    const worse = evaluateGate(pair(side(10, 1.2, 6), side(10, 1.2, 6, { spoofable: ['forged X-Forwarded-For'] })), S);
    expect(metric(worse, 'spoofable probes').status).toBe('regression');
    const better = evaluateGate(pair(side(10, 1.2, 6, { spoofable: ['forged X-Forwarded-For'] }), side(10, 1.2, 6)), S);
    expect(metric(better, 'spoofable probes').status).toBe('improved');
  });

  it('errors and a saturated gateway are regressions even though those runs are invalid', () => {
    const failing = side(10, 1.2, 6, { errors: 30, valid: false, reasons: ['3.00% of requests failed'] });
    const v = evaluateGate(pair(side(10, 1.2, 6), failing), S);
    expect(metric(v, 'error rate').status).toBe('regression');
    expect(metric(v, 'error rate').effect!.absolute).toBeCloseTo(0.03, 6);
    expect(metric(v, 'p50 latency').status).toBe('inconclusive');
    expect(v.verdict).toBe('regression');
    const saturated = side(10, 1.2, 6, { achievedRps: 150, valid: false, reasons: ['achieved 75%'] });
    expect(metric(evaluateGate(pair(side(10, 1.2, 6), saturated), S), 'throughput').status).toBe('regression');
  });

  it('runs invalid for the environment are left out of latency and reported in the notes', () => {
    const cur = side(10, 1.2, 6);
    for (const i of [1, 4]) cur[i] = { ...cur[i], p50Ms: 9, valid: false, environmentInvalid: true, reasons: ['driver CPU 95%'] };
    const v = evaluateGate(pair(side(10, 1.2, 6), cur), S);
    expect(metric(v, 'p50 latency').runs).toEqual({ baseline: 10, current: 8 });
    expect(metric(v, 'p50 latency').status).toBe('pass');
    expect(v.notes.join('\n')).toMatch(/0 baseline and 2 current runs were invalid .*driver CPU 95%/);
  });

  it('stored baseline: the drift allowance is stated and shifts the test', () => {
    // +10% at p50 (0.12 ms), clearly outside the +-2% wobble of the runs.
    const input: GateInput = { design: 'history', baseline: side(20, 1.2, 6), baselineSessions: new Array(20).fill('s1'), current: side(10, 1.32, 6) };
    const drifty = { ...S, driftPrior: { lnP50: 0.05, lnP99: 0.05, source: 'test prior' } };
    const v = evaluateGate(input, drifty);
    const p50 = metric(v, 'p50 latency');
    // One baseline session: the difference carries two sessions' drift, sqrt(2) x 5%; the allowance is
    // z(1 - alpha) x (total - se), below z x sqrt(2) x 5%.
    expect(p50.driftAllowance!).toBeGreaterThan(0);
    expect(p50.driftAllowance!).toBeLessThan(1.2 * (Math.exp(2.807 * Math.SQRT2 * 0.05) - 1));
    expect(p50.status).toBe('pass');
    expect(p50.detail).toMatch(/beyond the drift allowance \+0\.\d+ ms/);
    expect(v.drift!.source).toMatch(/prior \(history has 1 session; learned from 3\)/);
    // Without an allowance the same +10% is a material, significant regression.
    const v0 = evaluateGate(input, { ...S, driftPrior: { lnP50: 0, lnP99: 0, source: 'none' } });
    expect(metric(v0, 'p50 latency').status).toBe('regression');
  });

  it('a history of three sessions learns its drift and uses its 90% upper bound', () => {
    const offsets = [1, 1.1, 0.92];
    const baseline = offsets.flatMap((o) => side(8, 1.2 * o, 6));
    const baselineSessions = offsets.flatMap((_, i) => new Array<string>(8).fill(`s${i}`));
    const v = evaluateGate({ design: 'history', baseline, baselineSessions, current: side(8, 1.2, 6) }, S);
    // Session means of ln p50 differ by about 0.09: the estimate is near that, the bound (2 df: x sqrt(2/0.21)) about three times it.
    const m = /p50: learned from 3 sessions \(estimate (0\.\d+), 90% upper bound (0\.\d+) used\)/.exec(v.drift!.source)!;
    expect(Number(m[1])).toBeGreaterThan(0.06);
    expect(Number(m[1])).toBeLessThan(0.12);
    expect(Number(m[2]) / Number(m[1])).toBeGreaterThan(2.8);
    expect(v.drift!.lnP50).toBeCloseTo(Number(m[2]), 3);
  });

  it('signed-rank over pairs (option): catches +1 ms with 10 pairs, and needs 9 pairs before it can flag anything', () => {
    const paired = { ...S, interleavedTest: 'signed-rank' as const };
    const v = evaluateGate(pair(side(10, 1.2, 6), side(10, 2.2, 7)), paired);
    expect(metric(v, 'p50 latency').status).toBe('regression');
    expect(metric(v, 'p50 latency').test).toMatch(/^Wilcoxon signed-rank over 10 interleaved pairs/);
    const few = evaluateGate(pair(side(8, 1.2, 6), side(8, 2.2, 7)), paired);
    expect(metric(few, 'p50 latency').status).toBe('inconclusive');
    expect(metric(few, 'p50 latency').mde!.text).toMatch(/smallest possible p = 0\.0039 > alpha 0\.0025; needs 9 pairs/);
  });

  it('the same inputs always give the same verdict (seeded bootstrap)', () => {
    const b = side(10, 1.2, 6, { errors: 1 });
    const c = side(10, 1.2, 6, { errors: 3 });
    expect(evaluateGate(pair(b, c), S)).toEqual(evaluateGate(pair(b, c), S));
    const e1 = metric(evaluateGate(pair(b, c), S), 'error rate').effect!;
    const e2 = metric(evaluateGate(pair(b, c), { ...S, seed: 2 }), 'error rate').effect!;
    expect(e1.absolute).toBe(e2.absolute);
  });
});

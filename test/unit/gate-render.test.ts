// What `regress` writes and how it reads its options, on hand-made verdicts; and the defaults as `make regress`
// runs them (stored history with the shipped drift prior) on synthetic data with fixed seeds, within binomial
// bounds. No real traffic, no timing.
import { describe, expect, it } from 'vitest';
import { evaluateGate, DEFAULT_GATE_SETTINGS, gateExitCode, simulateGate, type RunSample } from '../../harness/analysis/gate/index.ts';
import { QUIET, upperBound } from '../fixtures/gate/quiet-machine.ts';
import { renderGateJunit, renderGateMarkdown, type GateContext } from '../../harness/report/gate-render.ts';
import { absoluteOption, relativeOption } from '../../harness/cli/commands/regress.ts';
import { UserError } from '../../harness/lib/errors.ts';

function run(p50: number, p99: number, o: Partial<RunSample> = {}): RunSample {
  return { startedAt: '2026-11-30T00:00:00Z', requests: 800, durationS: 4, targetRps: 200, achievedRps: 200, errors: 0, p50Ms: p50, p99Ms: p99, valid: true, reasons: [], environmentInvalid: false, clientIp: { checked: 800, retained: 800 }, spoofable: [], ...o };
}
const jitter = (i: number) => 1 + 0.01 * Math.sin(i * 2.3);
const side = (p50: number, p99: number, n = 9, o: Partial<RunSample> = {}) => Array.from({ length: n }, (_, i) => run(p50 * jitter(i), p99 * jitter(i + 5), o));
const ctx: GateContext = { scenario: 'public-nlb <x>', baseline: 'a & b', current: 'c', plan: '9 pairs x 4 s', admission: null };
const cases = (xml: string) => [...xml.matchAll(/<testcase [^>]*name="([^"]+)">([\s\S]*?)<\/testcase>/g)].map((m) => ({ name: m[1], body: m[2] }));

describe('verdict output', () => {
  it('JUnit: one test case per metric; a regression is a failure with the effect, p and what the gate can see', () => {
    const v = evaluateGate({ design: 'interleaved', baseline: side(1.2, 6), current: side(2.2, 7) });
    const xml = renderGateJunit(v, ctx, '2026-11-30T00:00:00Z');
    const cs = cases(xml);
    expect(cs.map((c) => c.name)).toEqual(['p50 latency', 'p99 latency', 'error rate', 'throughput', 'client IP retention', 'spoofable probes']);
    expect(cs[0].body).toMatch(/<failure message="p50 latency regressed" type="regression">baseline 1\.\d+ ms, current 2\.\d+ ms; change \+1\.\d+ ms \(\+\d+\.\d%\) \[.*\]; p=0\.000021 \(Wilcoxon rank-sum over 9 baseline \/ 9 current runs.*; this gate can see a p50 increase of/);
    expect(xml).toMatch(/<testsuite name="exposure-lab regress public-nlb &lt;x&gt;" tests="6" failures="\d" errors="0" skipped="\d"/);
    expect(xml).toContain('<property name="baseline" value="a &amp; b"/>');
    expect(gateExitCode(v)).toBe(1);
  });

  it('JUnit: an inconclusive metric is skipped with its reason; markdown says what a pass would not mean', () => {
    const v = evaluateGate({ design: 'interleaved', baseline: side(1.2, 6, 3), current: side(1.2, 6, 3) });
    expect(v.verdict).toBe('inconclusive');
    const cs = cases(renderGateJunit(v, ctx));
    expect(cs[0].body).toMatch(/<skipped message="inconclusive: .*this gate cannot flag any p50 increase with so few runs/);
    const md = renderGateMarkdown(v, ctx);
    expect(md).toMatch(/^# Regression gate: public-nlb <x>: inconclusive/);
    expect(md).toMatch(/\| client IP retention \| pass \| 100\.00% \| 100\.00% \|/);
    expect(md).toMatch(/Inconclusive: the gate could not see a change of the size it promises/);
    expect(gateExitCode(v)).toBe(0);
    expect(gateExitCode(v, { failInconclusive: true })).toBe(3);
  });

  it('thresholds: relative in percent, absolute in ms, "off", and bad values as exit-2 errors', () => {
    expect(relativeOption('p50', '7%', 0.05)).toBeCloseTo(0.07, 12);
    expect(relativeOption('p50', undefined, 0.05)).toBe(0.05);
    expect(relativeOption('p50', 'off', 0.05)).toBe(0);
    expect(absoluteOption('p99-ms', '0.8ms', 0.5, 'ms')).toBe(0.8);
    expect(absoluteOption('p99-ms', '2', 0.5, 'ms')).toBe(2);
    const bad = (() => {
      try {
        relativeOption('p99', 'ten', 0.1);
      } catch (e) {
        return e;
      }
    })() as UserError;
    expect(bad).toBeInstanceOf(UserError);
    expect(bad.exitCode).toBe(2);
    expect(bad.message).toMatch(/--p99 must be a percentage such as 10%/);
  });

  it('a higher absolute threshold turns a significant +1 ms into a pass', () => {
    const s = { ...DEFAULT_GATE_SETTINGS, p50: { ...DEFAULT_GATE_SETTINGS.p50, minAbsolute: 2, mustDetect: {} } };
    const v = evaluateGate({ design: 'interleaved', baseline: side(1.2, 6), current: side(2.2, 6) }, s);
    expect(v.metrics[0].status).toBe('pass');
    expect(v.metrics[0].p!).toBeLessThan(0.001);
  });
});

describe('the shipped defaults as `make regress` runs them (stored history, shipped drift prior; fixed seeds)', () => {
  const rh = DEFAULT_GATE_SETTINGS.runs.history;
  const d = { design: 'history' as const, runsPerSide: rh.perSide, historySessions: 1, historyRunsPerSession: 20, run: { rate: 200, durationS: rh.durationS } };

  it('identical configurations: at most 1% false alarms', () => {
    const o = simulateGate(QUIET, DEFAULT_GATE_SETTINGS, d, null, 1000, 21);
    expect(o.regression).toBeLessThanOrEqual(upperBound(1000, 0.01));
  });

  it('with one recorded session, the shipped (busy-machine) drift prior makes latency inconclusive rather than passed', () => {
    const o = simulateGate(QUIET, DEFAULT_GATE_SETTINGS, d, { addMs: 1 }, 200, 22);
    // Not blind by accident: the verdict says it cannot see +1 ms instead of passing it.
    expect(o.byMetric['p50 latency']!.regression + o.byMetric['p50 latency']!.inconclusive).toBe(200);
  });
});

describe('late sends bias only what they can reach', () => {
  it('a run invalid only for late sends keeps the percentile whose bias bound is immaterial', async () => {
    const { synthResult } = await import('../fixtures/results/synthetic.ts');
    const { runSample } = await import('../../harness/analysis/gate/index.ts');
    const r = synthResult({ monthlyUsd: 1 });
    const late = (p50: number, p99: number) => ({
      ...r,
      latencyMs: { ...r.latencyMs, p50: 4, p99: 16, histogram: undefined },
      validity: { ...r.validity, valid: false, reasons: ['22 requests (11.00%) were sent more than 2 ms after their intended time (worst lag 11.5 ms); ...'], latenessBiasMs: { p50, p99 } },
    });
    // p50 bias 0.44 of 4 ms: under 1 ms, immaterial; p99 bias 8.8 of 16 ms: material.
    expect(runSample(late(0.44, 8.8) as typeof r).latencyUsable).toEqual({ p50: true, p99: false });
    expect(runSample(late(1.2, 1.5) as typeof r).latencyUsable).toEqual({ p50: false, p99: true });
    // Another reason next to lateness (or instead of it): neither figure is used.
    const two = late(0.1, 0.1);
    two.validity.reasons.push('driver CPU 95% of all cores (maximum 90%): the driver is saturated');
    expect(runSample(two as typeof r).latencyUsable).toEqual({ p50: false, p99: false });
  });

  it('the gate reads p50 from such runs and leaves their p99 out', () => {
    const lateP99 = { valid: false, environmentInvalid: true, reasons: ['late'], latencyUsable: { p50: true, p99: false } };
    const v = evaluateGate({ design: 'interleaved', baseline: side(1.2, 6, 9, lateP99), current: side(2.2, 6, 9, lateP99) });
    expect(v.metrics[0].status).toBe('regression');
    expect(v.metrics[0].runs).toEqual({ baseline: 9, current: 9 });
    expect(v.metrics[1].status).toBe('inconclusive');
    expect(v.metrics[1].detail).toMatch(/too few valid runs to compare \(0 baseline, 0 current/);
    expect(v.notes[0]).toMatch(/kept where late sends cannot bias the figure: p50 of 9 \+ 9, p99 of 0 \+ 0/);
  });
});

import { describe, expect, it } from 'vitest';
import { judge, type ValidityInput } from '../../harness/load/builtin/validity.ts';
import { normalQuantile } from '../../harness/analysis/stats.ts';

const good: ValidityInput = { closedModel: false, targetRps: 1000, achievedRps: 1000, scheduled: 10_000, errors: 0, late: 0, unsent: 0, maxSendLagMs: 0.5, driverCpuPercent: 40, interrupted: false };

/** Quantile function of a lognormal latency with the given median and p99 (ms). */
function lognormal(medianMs: number, p99Ms: number): (q: number) => number {
  const sigma = Math.log(p99Ms / medianMs) / normalQuantile(0.99);
  return (q) => medianMs * Math.exp(sigma * normalQuantile(Math.min(Math.max(q, 1e-6), 1 - 1e-6)));
}

describe('load validity verdict', () => {
  it('accepts a run that met every threshold', () => {
    expect(judge(good)).toMatchObject({ valid: true, reasons: [], achievedRatio: 1 });
  });

  it.each([
    [{ achievedRps: 980 }, /98\.00% of the 1000\.0 rps target/],
    [{ late: 101, maxSendLagMs: 30 }, /sent more than 2 ms after.*worst lag 30\.0 ms/],
    [{ unsent: 11 }, /never sent/],
    [{ driverCpuPercent: 95 }, /driver is saturated/],
    [{ errors: 200 }, /failed/],
    [{ interrupted: true }, /interrupted/],
  ] as const)('rejects %o', (change, reason) => {
    const v = judge({ ...good, ...change });
    expect(v.valid).toBe(false);
    expect(v.reasons.join('\n')).toMatch(reason);
  });

  it('notes a closed model and a small error count without hiding them', () => {
    const v = judge({ ...good, closedModel: true, targetRps: 0, errors: 3 });
    expect(v.valid).toBe(true);
    expect(v.notes.join('\n')).toMatch(/closed model/);
    expect(v.notes.join('\n')).toMatch(/3 requests failed/);
  });

  it('one response short at a low rate is counting granularity, not a shortfall', () => {
    // 20 req/s for 3 s: 59 of 60 responses inside the window is 98.3%, one request.
    expect(judge({ ...good, targetRps: 20, achievedRps: 59 / 3, scheduled: 60 }).valid).toBe(true);
    expect(judge({ ...good, targetRps: 20, achievedRps: 57 / 3, scheduled: 60 }).valid).toBe(false);
  });
});

describe('lateness is judged by the bias it can cause on the latency figures', () => {
  // 20 req/s for 10 s; 3 of 200 requests (1.5%) sent late, the worst by 2.6 ms: the case from issue 13.
  const slow: ValidityInput = { ...good, targetRps: 20, achievedRps: 20, scheduled: 200, late: 3, maxSendLagMs: 2.6 };

  it('2.6 ms worst lag at 20 req/s is immaterial, with or without the latency distribution, and says so', () => {
    for (const v of [judge(slow), judge({ ...slow, latencyAtMs: lognormal(1.3, 5) })]) {
      expect(v.valid, v.reasons.join('; ')).toBe(true);
      expect(v.notes.join('\n')).toMatch(/3 requests \(1\.50%\).*worst lag 2\.6 ms.*immaterial/);
    }
    expect(judge({ ...slow, latencyAtMs: lognormal(1.3, 5) }).latenessBiasMs!.p99).toBeCloseTo(0.6, 6);
  });

  it('a stalled driver on a busy machine: 5.5% late by up to 22 ms against a p99 of 11 ms is invalid, with the bound in the reason', () => {
    const v = judge({ ...good, targetRps: 200, achievedRps: 200, scheduled: 1200, late: 66, maxSendLagMs: 22, latencyAtMs: lognormal(1.7, 11) });
    expect(v.valid).toBe(false);
    expect(v.reasons.join('\n')).toMatch(/66 requests \(5\.50%\).*bias they can cause: p50 [\d.]+ of 1\.70 ms, p99 [\d.]+ of 11\.00 ms, more than 10\.00% and 1 ms/);
    expect(v.latenessBiasMs!.p99).toBeGreaterThan(1.1);
  });

  it('a few long lags cannot move p50 or p99 by much when they are rare: bounded by the measured distribution', () => {
    // 0.5% late by up to 30 ms; the bound is min(28 ms, Q(q) - Q(q - 0.005)).
    const at = lognormal(2, 6);
    const v = judge({ ...good, late: 50, maxSendLagMs: 30, latencyAtMs: at });
    expect(v.valid, v.reasons.join('; ')).toBe(true);
    expect(v.latenessBiasMs!.p50).toBeCloseTo(at(0.5) - at(0.495), 9);
    expect(v.latenessBiasMs!.p99).toBeCloseTo(at(0.99) - at(0.985), 9);
    expect(v.latenessBiasMs!.p99).toBeLessThan(0.6);
  });

  it('without the distribution, more than 1% late by more than 1 ms beyond 2 ms stays invalid', () => {
    expect(judge({ ...slow, maxSendLagMs: 3.5 }).valid).toBe(false);
    expect(judge({ ...slow, late: 2, maxSendLagMs: 30 }).valid).toBe(true);
  });
});

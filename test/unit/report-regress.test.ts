import { describe, expect, it } from 'vitest';
import { regress, DEFAULT_THRESHOLDS } from '../../harness/analysis/regress.ts';
import { mannWhitney, meanInterval, percentileChangeInterval, quantileTable } from '../../harness/analysis/stats.ts';
import { renderJunit } from '../../harness/report/junit.ts';
import { renderRegressMarkdown, renderRegressText } from '../../harness/report/regress-markdown.ts';
import { decodeHistogram } from '../../harness/load/histogram.ts';
import { synthResult } from '../fixtures/results/synthetic.ts';

const status = (v: ReturnType<typeof regress>, metric: string) => v.checks.find((c) => c.metric === metric)!.status;

describe('statistics (synthetic samples)', () => {
  it('Mann-Whitney exact p-values match the textbook values for complete separation', () => {
    // 4 vs 4 completely separated: 1 arrangement of 70 => one-sided p = 1/70.
    const t = mannWhitney([1, 2, 3, 4], [5, 6, 7, 8]);
    expect(t.exact).toBe(true);
    expect(t.u).toBe(16);
    expect(t.pGreater).toBeCloseTo(1 / 70, 10);
    expect(t.pLess).toBe(1);
  });
  it('Mann-Whitney with ties falls back to the corrected normal approximation', () => {
    const t = mannWhitney([1, 1, 2, 2, 3], [1, 2, 2, 3, 3]);
    expect(t.exact).toBe(false);
    expect(t.pGreater).toBeGreaterThan(0.1);
  });
  it('t-interval covers the mean and narrows with n', () => {
    const a = meanInterval([10, 11, 9, 10.5, 9.5]);
    expect(a.lo).toBeLessThan(10);
    expect(a.hi).toBeGreaterThan(10);
    const b = meanInterval([10, 11, 9, 10.5, 9.5, 10, 11, 9, 10.5, 9.5]);
    expect(b.hi - b.lo).toBeLessThan(a.hi - a.lo);
  });
  it('histogram bootstrap interval contains 0 for two samples of one distribution and excludes it for a +30% shift', () => {
    const a = synthResult({ seed: 1 });
    const b = synthResult({ seed: 2 });
    const c = synthResult({ seed: 3, medianMs: 2.6, p99Ms: 7.8 });
    const ta = quantileTable(decodeHistogram(a.latencyMs.histogram!));
    const same = percentileChangeInterval(ta, quantileTable(decodeHistogram(b.latencyMs.histogram!)), 0.5);
    expect(same.lo).toBeLessThan(0);
    expect(same.hi).toBeGreaterThan(0);
    const shifted = percentileChangeInterval(ta, quantileTable(decodeHistogram(c.latencyMs.histogram!)), 0.5);
    expect(shifted.lo).toBeGreaterThan(0.15);
    expect(shifted.change).toBeGreaterThan(0.2);
  });
});

describe('regression gate (synthetic results)', () => {
  it('two runs of the same distribution pass', () => {
    for (const seed of [2, 3, 4, 5]) {
      const v = regress(synthResult({ seed: 1, monthlyUsd: 40 }), synthResult({ seed, monthlyUsd: 40 }));
      expect(v.verdict, renderRegressText(v)).toBe('pass');
    }
  });
  it('a latency shift past the threshold is a regression on p50 and p99', () => {
    const v = regress(synthResult({ seed: 1 }), synthResult({ seed: 2, medianMs: 4, p99Ms: 12 }));
    expect(v.verdict).toBe('regression');
    expect(status(v, 'p99 latency')).toBe('regression');
    expect(status(v, 'p50 latency')).toBe('regression');
  });
  it('a shift below the threshold is not flagged, however significant', () => {
    const v = regress(synthResult({ seed: 1, rps: 2000 }), synthResult({ seed: 2, rps: 2000, medianMs: 2.1, p99Ms: 6.3 }), { ...DEFAULT_THRESHOLDS, p50Pct: 20, p99Pct: 20 });
    expect(status(v, 'p50 latency')).toBe('pass');
  });
  it('loss of client IP retention and new spoofability always fail', () => {
    const v = regress(synthResult({ seed: 1 }), synthResult({ seed: 1, retention: 0.5, spoofable: true }));
    expect(status(v, 'client IP retained')).toBe('regression');
    expect(status(v, 'spoofable probes')).toBe('regression');
    expect(v.verdict).toBe('regression');
  });
  it('cost past its threshold is a regression; an invalid current run fails with its reasons', () => {
    const v = regress(synthResult({ seed: 1, monthlyUsd: 100 }), synthResult({ seed: 1, monthlyUsd: 102, valid: false }));
    expect(status(v, 'monthly cost')).toBe('regression');
    expect(status(v, 'current run valid')).toBe('fail');
    expect(v.verdict).toBe('invalid');
    expect(v.checks.find((c) => c.metric === 'current run valid')!.detail).toContain('80%');
  });
  it('renders JUnit XML with one failing test case per regressed metric, and markdown', () => {
    const v = regress(synthResult({ seed: 1 }), synthResult({ seed: 2, medianMs: 4, p99Ms: 12 }));
    const xml = renderJunit(v, '2025-01-01T00:00:00Z');
    expect(xml.match(/<testcase /g)!.length).toBe(v.checks.length);
    expect(xml.match(/<failure /g)!.length).toBe(v.checks.filter((c) => c.status === 'regression').length);
    expect(xml).toContain('name="p99 latency"');
    const md = renderRegressMarkdown(v);
    expect(md).toContain('# Regression gate: REGRESSION');
    expect(md).toMatch(/\| p99 latency \|.*\*\*REGRESSION\*\*/);
  });
});

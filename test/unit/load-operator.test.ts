// k6-operator manifests against the TestRun schema, and the exact merge of per-runner latency data.
import { describe, expect, it } from 'vitest';
import { mergeRunnerResults, testRunManifests, validateTestRun } from '../../harness/load/k6/operator.ts';
import { encodeHistogram, newHistogram, recordMs, summarize } from '../../harness/load/histogram.ts';
import type { LoadPlan } from '../../harness/load/types.ts';

const plan: LoadPlan = {
  executor: { kind: 'constant-arrival-rate', rate: 20000, durationS: 60 },
  warmupS: 5,
  target: { host: 'gateway.example', port: 443, path: '/', tls: { rejectUnauthorized: false } },
  sources: [],
  requestsPerSource: 1,
  connectionMode: 'keep-alive',
  method: 'GET',
  requestBodyBytes: 0,
  timeoutMs: 5000,
  workers: 0,
  maxConnections: 2000,
  intervalS: 1,
};

/** Deterministic pseudo-random latencies (ms): a fast runner and a slow one, as separate nodes would be. */
function samples(n: number, seed: number, scaleMs: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return scaleMs * (0.5 + -Math.log(1 - x / 2 ** 31));
  });
}

describe('k6-operator TestRun', () => {
  it('generates a ConfigMap and a TestRun that validate against the CRD schema', () => {
    const [cm, tr] = testRunManifests(plan, { scenario: 'alb-nlb-gateway' }, { name: 'lab-alb', namespace: 'load', parallelism: 4 });
    expect(validateTestRun(tr)).toEqual([]);
    expect(tr).toMatchObject({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', spec: { parallelism: 4, separate: true, script: { configMap: { name: 'lab-alb', file: 'test.js' } } } });
    expect((cm as { data: Record<string, string> }).data['test.js']).toContain("import http from 'k6/http'");
    expect(JSON.stringify(tr)).toContain('podAntiAffinity');
  });

  it('rejects TestRuns the CRD would not accept', () => {
    const [, tr] = testRunManifests(plan, { scenario: 's' }, { name: 'lab', parallelism: 2 });
    const bad = structuredClone(tr) as { spec: Record<string, unknown>; metadata: Record<string, unknown> };
    bad.spec.parallelism = 0;
    bad.spec.paralelism = 3;
    bad.metadata.name = 'Not_A_DNS_Name';
    const problems = validateTestRun(bad).join('\n');
    expect(problems).toMatch(/parallelism/);
    expect(problems).toMatch(/paralelism|Unrecognized/);
    expect(problems).toMatch(/metadata\.name/);
  });
});

describe('mergeRunnerResults', () => {
  const fast = samples(20000, 7, 1);
  const slow = samples(5000, 11, 20);
  const histOf = (xs: number[]) => {
    const h = newHistogram();
    for (const x of xs) recordMs(h, x);
    return h;
  };

  it('gives exactly the percentiles of the union of all runners, from histograms or k6 CSV', () => {
    const csv = ['metric_name,timestamp,metric_value,check,error,extra_tags', ...slow.map((v) => `http_req_duration,1700000000,${v},,,phase=measure`), 'http_req_duration,1700000000,99999,,,phase=warmup', 'http_reqs,1700000000,1,,,phase=measure'].join('\n');
    const merged = mergeRunnerResults([
      { runner: 'runner-1', histogram: encodeHistogram(histOf(fast)) },
      { runner: 'runner-2', samplesCsv: csv },
    ]);
    expect(merged.requests).toBe(25000);
    expect(merged.latencyMs).toEqual(summarize(histOf([...fast, ...slow])));
    // And within HdrHistogram's 0.1% resolution of the raw union's true p99.
    const sorted = [...fast, ...slow].sort((a, b) => a - b);
    const trueP99 = sorted[Math.ceil(0.99 * sorted.length) - 1];
    expect(Math.abs(merged.latencyMs.p99 - trueP99) / trueP99).toBeLessThan(0.002);
  });

  it('shows why averaging per-runner percentiles would be wrong', () => {
    const merged = mergeRunnerResults([
      { runner: 'fast', histogram: encodeHistogram(histOf(fast)) },
      { runner: 'slow', histogram: encodeHistogram(histOf(slow)) },
    ]);
    const averaged = merged.perRunner.reduce((s, r) => s + r.latencyMs.p99, 0) / merged.perRunner.length;
    // The slow runner's 20% of traffic dominates the union's tail; the average of p99s badly misstates it.
    expect(Math.abs(averaged - merged.latencyMs.p99) / merged.latencyMs.p99).toBeGreaterThan(0.2);
  });
});

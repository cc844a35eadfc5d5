// The k6 adapter: script generation (valid ES module, snapshot), summary reading from documented formats.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readK6Summary, writeK6Script } from '../../harness/load/k6/index.ts';
import type { LoadPlan } from '../../harness/load/types.ts';

const plan: LoadPlan = {
  executor: { kind: 'constant-arrival-rate', rate: 200, durationS: 10 },
  warmupS: 2,
  target: { host: '127.10.0.1', port: 8080, path: '/echo', hostHeader: 'svc.example' },
  sources: ['127.10.0.11', '127.10.0.12'],
  requestsPerSource: 10,
  connectionMode: 'keep-alive',
  method: 'GET',
  requestBodyBytes: 0,
  headers: { 'X-Forwarded-For': '203.0.113.7' },
  timeoutMs: 5000,
  workers: 0,
  maxConnections: 200,
  intervalS: 1,
};
const fixture = (name: string) => JSON.parse(fs.readFileSync(new URL(`../fixtures/k6/${name}`, import.meta.url), 'utf8'));

describe('k6 script', () => {
  it('is a valid ES module (node --check on an .mjs copy)', () => {
    for (const p of [plan, { ...plan, executor: { kind: 'ramping-arrival-rate', startRate: 10, stages: [{ durationS: 5, target: 100 }] } }, { ...plan, executor: { kind: 'constant-vus', vus: 8, durationS: 5 }, method: 'POST', requestBodyBytes: 64 }] as LoadPlan[]) {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'k6-script-')), 'script.mjs');
      fs.writeFileSync(file, writeK6Script(p, { scenario: 'test' }));
      const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('maps executor, warm-up, thresholds and source addresses', async () => {
    const script = writeK6Script(plan, { scenario: 'public-nlb', p99ThresholdMs: 50 });
    expect(script).toContain('"executor": "constant-arrival-rate"');
    expect(script).toContain('"startTime": "2s"');
    expect(script).toContain('"http_req_duration{phase:measure}": [\n      "p(99)<50"');
    expect(script).toContain('--local-ips=127.10.0.11,127.10.0.12');
    await expect(script).toMatchFileSnapshot('./__snapshots__/load-k6-script.js.snap');
  });
});

describe('k6 summary reader', () => {
  it('reads the handleSummary shape from the measured submetrics only', () => {
    const out = readK6Summary(fixture('handle-summary.json'), plan);
    expect(out.requests).toBe(2000);
    expect(out.latencyMs).toEqual({ p50: 1.1, p90: 2.9, p99: 9.1, p999: 28.7, max: 40.5, mean: 1.8, min: 0.41 });
    expect(out.errors).toBe(4); // http_req_failed `passes` are failures
    expect(out.validity.unsentRequests).toBe(1);
    expect(out.bytesSent).toBe(180000);
    expect(out.achievedRps).toBe(200);
    expect(out.missing.join(' ')).toMatch(/histogram/);
  });

  it('reads the --summary-export shape and refuses to present warm-up-included figures as valid', () => {
    const out = readK6Summary(fixture('summary-export-p99.json'), { ...plan, warmupS: 0 });
    expect(out.latencyMs.p99).toBe(12);
    expect(out.errors).toBe(50);
    expect(out.durationS).toBe(10);
    expect(out.validity.valid).toBe(false);
    expect(out.validity.reasons.join(' ')).toMatch(/warm-up is included/);
  });

  it('names the missing statistics instead of inventing a p99', () => {
    expect(() => readK6Summary(fixture('summary-export-default-stats.json'), plan)).toThrow(/p\(99\).*summaryTrendStats/);
  });
});

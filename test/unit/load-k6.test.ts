// The k6 adapter without running k6: the script it writes, and the reader of k6's raw sample stream, on real k6
// output saved by test/fixtures/k6/capture.ts (k6 v2.2.0).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeK6Script } from '../../harness/load/k6/index.ts';
import { canonicalHeader, vusFor } from '../../harness/load/k6/script.ts';
import { K6SampleReader, readK6Samples } from '../../harness/load/k6/samples.ts';
import { newHistogram, recordMs, summarize } from '../../harness/load/histogram.ts';
import type { LoadPlan } from '../../harness/load/types.ts';
import { fixture, measuredDurations } from './k6-helpers.ts';

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
  observe: { clientIpHeader: 'x-lab-app-client-ip', tallyHeaders: ['x-lab-version'] },
};

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

  it('maps executor, warm-up, thresholds, tags and the client-IP check', async () => {
    const script = writeK6Script(plan, { scenario: 'public-nlb', p99ThresholdMs: 50 });
    expect(script).toContain('"executor": "constant-arrival-rate"');
    expect(script).toContain('"startTime": "2s"');
    expect(script).toContain('"http_req_duration{scenario:measure}": [\n      "p(99)<50"');
    expect(script).toMatch(/"systemTags": \[\s+"scenario",\s+"status",\s+"error_code"\s+\]/);
    // k6 keys res.headers by Go's canonical form.
    expect(script).toContain('const IP_HEADER = "X-Lab-App-Client-Ip"');
    expect(script).toContain('SOURCES[(exec.vu.idInInstance - 1) % SOURCES.length]');
    await expect(script).toMatchFileSnapshot('./__snapshots__/load-k6-script.js.snap');
  });

  it('sizes VUs so that every runner gets an equal share of iterations', () => {
    // k6 re-segments arrival-rate iterations by each segment's share of maxVUs: 64 over 3 runners would split 22:21:21.
    expect(vusFor(200, 64, 3)).toEqual({ preAllocatedVUs: 51, maxVUs: 66 });
    expect(vusFor(200, 64, 1)).toEqual({ preAllocatedVUs: 50, maxVUs: 64 });
    expect(vusFor(10, 512, 4)).toEqual({ preAllocatedVUs: 8, maxVUs: 512 });
    expect(vusFor(100_000, 512, 1).preAllocatedVUs).toBe(512);
  });

  it('names headers the way k6 keys them', () => {
    expect(canonicalHeader('x-lab-version')).toBe('X-Lab-Version');
    expect(canonicalHeader('CloudFront-Viewer-Address')).toBe('Cloudfront-Viewer-Address');
  });
});

describe('k6 raw sample reader', () => {
  const csv = fixture('three-runners/runner-1.csv');

  it('reads every measured sample of a real k6 stream and agrees with k6\'s own summary', () => {
    const s = readK6Samples(csv, { intervalS: 1 });
    expect(s.headerSeen).toBe(true);
    expect(s.malformed).toBe(0);
    expect(s.k6Summary).not.toBeNull();
    // 90 req/s over 2 s, a third of it (plus the arrival due at the last instant, which k6 also starts): k6
    // counted 61 measured requests; so did the reader.
    expect(s.k6Summary!.requests).toBe(61);
    expect(s.responses + s.transportErrors).toBe(61);
    expect(s.errors).toBe(0);
    expect(s.errorsByKind.byStatus).toEqual({ '200': 61 });
    const own = newHistogram();
    for (const ms of measuredDurations(csv)) recordMs(own, ms);
    expect(summarize(s.histogram)).toEqual(summarize(own));
    // k6 interpolates between samples, HdrHistogram keeps 3 digits: the medians agree closely.
    expect(Math.abs(summarize(s.histogram).p50 - s.k6Summary!.p50) / s.k6Summary!.p50).toBeLessThan(0.02);
    // The script's own metrics: every response checked against the VU's source address, versions tallied.
    expect(s.clientIp.checked).toBe(61);
    expect(s.clientIp.retained).toBe(61);
    expect(Object.values(s.tallies['x-lab-version']).reduce((a, b) => a + b, 0)).toBe(61);
    expect(s.newConnections).toBeGreaterThan(0);
    expect(s.bytesReceived).toBeGreaterThan(0);
    // Warm-up samples are not counted, and the timeline covers the 2 s measured window.
    expect([...s.intervals.keys()].sort()).toEqual([0, 1]);
  });

  it('gives the same result whatever the chunking of the stream', () => {
    const whole = readK6Samples(csv, { intervalS: 1 });
    const r = new K6SampleReader({ intervalS: 1 });
    let seed = 7;
    for (let i = 0; i < csv.length; ) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const n = 1 + (seed % 997);
      r.push(csv.slice(i, i + n));
      i += n;
    }
    const chunked = r.end();
    expect(summarize(chunked.histogram)).toEqual(summarize(whole.histogram));
    expect(chunked.responses).toBe(whole.responses);
    expect(chunked.k6Summary).toEqual(whole.k6Summary);
  });

  it('reads a pod log: samples with k6\'s log lines interleaved, and keeps the warnings', () => {
    const out = fixture('exhausted/runner-1.csv').split('\n');
    const err = fixture('exhausted/runner-1.stderr').split('\n').filter(Boolean);
    // The kubelet keeps stdout and stderr line by line in one log: put each stderr line somewhere in the middle.
    const merged = [...out];
    err.forEach((l, i) => merged.splice(50 + i * 200, 0, l));
    const alone = readK6Samples(out.join('\n'), { intervalS: 1 });
    const pod = readK6Samples(merged.join('\n'), { intervalS: 1 });
    expect(pod.malformed).toBe(0);
    expect(summarize(pod.histogram)).toEqual(summarize(alone.histogram));
    expect(pod.dropped).toBe(alone.dropped);
    expect(pod.vusExhausted).toMatch(/Insufficient VUs, reached 3 active VUs/);
    expect(pod.logTail).toEqual(err);
  });

  it('counts k6\'s dropped iterations of the measured phase apart from the warm-up\'s', () => {
    const s = readK6Samples(fixture('exhausted/runner-1.csv'), { intervalS: 1 });
    expect(s.dropped).toBeGreaterThan(0);
    expect(s.droppedWarmup).toBeGreaterThan(0);
    expect(s.dropped).toBe(s.k6Summary!.dropped);
  });

  it('classifies requests without a response by k6 error code, and reads quoted fields', () => {
    const rows = [
      'metric_name,timestamp,metric_value,error_code,scenario,status,extra_tags,metadata',
      'http_req_duration,1000000000,1.5,,measure,200,,',
      'http_req_duration,1000001000,0.2,1212,measure,0,,',
      'http_req_duration,1000002000,5000,1050,measure,0,,',
      'http_req_duration,1000003000,0.3,1220,measure,0,,',
      'http_req_duration,1000004000,0.3,1000,measure,0,,',
      'http_req_duration,1000005000,2.5,,measure,503,,',
      'http_req_duration,1000006000,2.5,,measure,429,,',
      'lab_client_ip_retained,1000006000,0.000000,,measure,,"seen=10.0.0.1,10.0.0.2",',
      'http_req_duration,1000007000,9.5,,warmup,200,,',
    ].join('\n');
    const s = readK6Samples(rows, { intervalS: 1 });
    expect(s.errorsByKind).toEqual({ connect: 1, timeout: 1, reset: 1, status4xx: 1, status5xx: 1, other: 1, byStatus: { '200': 1, '503': 1, '429': 1 } });
    expect(s.errors).toBe(6);
    expect(s.responses).toBe(3);
    expect(s.histogram.totalCount).toBe(3);
    expect(s.clientIp).toEqual({ checked: 1, retained: 0, other: { '10.0.0.1,10.0.0.2': 1 } });
  });

  it('refuses a stream whose header lacks the tags the script asks for', () => {
    expect(() => readK6Samples('metric_name,timestamp,metric_value,extra_tags,metadata\n', { intervalS: 1 })).toThrow(/lacks scenario, status, error_code/);
  });
});

// Distributed k6 without a cluster: the k6-operator's execution segments, the TestRun against its schema, the
// exact merge of runners' raw samples (real k6 output of 3 runners, test/fixtures/k6/capture.ts), and the
// collector that follows runner pod logs, driven by a stand-in for the Kubernetes API (no operator or kubelet
// runs on this machine; the stand-in serves the pod states and logs a cluster would).
import { describe, expect, it } from 'vitest';
import { collectTestRun, runnerSelector, testRunManifests, validateTestRun, type RunnerPod, type TestRunApi } from '../../harness/load/k6/operator.ts';
import { operatorSegments, splitSources } from '../../harness/load/k6/segments.ts';
import { readK6Samples, type RunnerSamples } from '../../harness/load/k6/samples.ts';
import { outcomeFromRunners, type RunnerRun } from '../../harness/load/k6/outcome.ts';
import { newHistogram, recordMs, summarize } from '../../harness/load/histogram.ts';
import type { LoadPlan } from '../../harness/load/types.ts';
import { fixture, measuredDurations } from './k6-helpers.ts';

const RUNNER_CSV = [1, 2, 3].map((i) => fixture(`three-runners/runner-${i}.csv`));

/** The plan test/fixtures/k6/capture.ts ran: 90 req/s for 2 s after 1 s of warm-up. */
const plan: LoadPlan = {
  executor: { kind: 'constant-arrival-rate', rate: 90, durationS: 2 },
  warmupS: 1,
  target: { host: '127.77.0.1', port: 8080, path: '/' },
  sources: Array.from({ length: 6 }, (_, i) => `127.77.0.${11 + i}`),
  requestsPerSource: 1,
  connectionMode: 'keep-alive',
  method: 'GET',
  requestBodyBytes: 0,
  timeoutMs: 2000,
  workers: 0,
  maxConnections: 30,
  intervalS: 1,
  observe: { clientIpHeader: 'x-lab-app-client-ip', tallyHeaders: ['x-lab-version'] },
};

function runsOf(samples: RunnerSamples[], over: Partial<RunnerRun> = {}): RunnerRun[] {
  const segs = operatorSegments(samples.length);
  return samples.map((s, i) => ({ runner: `runner-${i + 1}`, segment: segs[i].segment, share: segs[i].share, sources: 2, samples: s, failure: null, interrupted: false, ...over }));
}

describe('execution segments, as the k6-operator assigns them', () => {
  it('gives runner i of N the segment (i-1)/N:i/N in the sequence 0,1/N,...,1, fractions unreduced', () => {
    expect(operatorSegments(1)).toEqual([{ index: 1, segment: null, sequence: null, args: [], share: 1 }]);
    expect(operatorSegments(3).map((s) => s.args)).toEqual([
      ['--execution-segment=0:1/3', '--execution-segment-sequence=0,1/3,2/3,1'],
      ['--execution-segment=1/3:2/3', '--execution-segment-sequence=0,1/3,2/3,1'],
      ['--execution-segment=2/3:1', '--execution-segment-sequence=0,1/3,2/3,1'],
    ]);
    expect(operatorSegments(4)[1].segment).toBe('1/4:2/4');
    expect(() => operatorSegments(0)).toThrow(/runners must be an integer from 1 to 64/);
  });

  it('deals each runner its own source addresses, disjoint and covering the pool', () => {
    const pool = Array.from({ length: 10 }, (_, i) => `127.1.0.${i + 1}`);
    const parts = splitSources(pool, 3);
    expect(parts.map((p) => p.length)).toEqual([4, 3, 3]);
    expect(new Set(parts.flat()).size).toBe(10);
    expect(() => splitSources(pool.slice(0, 2), 3)).toThrow(/3 runners need at least 3 source addresses/);
  });
});

describe('exact merge of runners\' raw samples', () => {
  const samples = RUNNER_CSV.map((csv) => readK6Samples(csv, { intervalS: 1 }));
  const out = outcomeFromRunners(plan, runsOf(samples), { driver: 'k6 v2.2.0', interrupted: false, driverCpuPercent: 10 });

  it('merged percentiles are those of one histogram of every runner\'s samples', () => {
    const all = newHistogram();
    for (const csv of RUNNER_CSV) for (const ms of measuredDurations(csv)) recordMs(all, ms);
    expect(out.latencyMs).toEqual(summarize(all));
    expect(out.requests).toBe(all.totalCount);
  });

  it('the runners together achieve the target rate, each its third', () => {
    // 90 req/s for 2 s: 180 arrivals, and k6 starts the one due at the window's last instant too.
    expect(out.requests).toBe(181);
    expect(out.achievedRps / out.targetRps).toBeGreaterThanOrEqual(1);
    expect(out.achievedRps / out.targetRps).toBeLessThan(1.01);
    expect(out.runners!.map((r) => r.targetRps)).toEqual([30, 30, 30]);
    expect(out.runners!.every((r) => r.status === 'ok')).toBe(true);
    expect(out.validity.valid).toBe(true);
    expect(out.clientIp).toMatchObject({ checked: 181, retained: 181 });
  });

  it('shows what averaging the runners\' p99s would claim next to the exact p99', () => {
    expect(out.merge!.exactP99Ms).toBe(out.latencyMs.p99);
    const k6p99 = samples.map((s) => s.k6Summary!.p99);
    expect(out.merge!.averagedRunnerP99Ms).toBeCloseTo(k6p99.reduce((a, b) => a + b) / 3, 2);
  });

  it('averaging per-runner percentiles is wrong when runners differ (synthetic, fixed seed)', () => {
    let x = 11;
    const draw = (scale: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), scale * (0.5 - Math.log(1 - x / 2 ** 31)));
    const synth = (n: number, scale: number): RunnerSamples => {
      const s = readK6Samples('', { intervalS: 1 });
      for (let i = 0; i < n; i++) recordMs(s.histogram, draw(scale));
      s.responses = n;
      return s;
    };
    // A fast runner with 80% of the traffic and a slow one (another node, another AZ) with 20%.
    const fast = synth(20000, 1);
    const slow = synth(5000, 20);
    const m = outcomeFromRunners({ ...plan, executor: { kind: 'constant-vus', vus: 4, durationS: 10 } }, runsOf([fast, slow]), { driver: 'k6', interrupted: false });
    const all = newHistogram();
    all.add(fast.histogram);
    all.add(slow.histogram);
    expect(m.latencyMs.p99).toBe(summarize(all).p99);
    expect(Math.abs(m.merge!.averagedRunnerP99Ms - m.merge!.exactP99Ms) / m.merge!.exactP99Ms).toBeGreaterThan(0.2);
  });

  it('a runner that failed or lost samples makes the run incomplete, names it, and is never merged silently', () => {
    const cut = RUNNER_CSV[1].split('\n');
    // A pod log that lost its beginning (rotated away) still ends with k6's own count.
    const lost = readK6Samples([cut[0], ...cut.slice(Math.floor(cut.length / 2))].join('\n'), { intervalS: 1 });
    const runs = runsOf([samples[0], lost, samples[2]]);
    runs[2] = { ...runs[2], failure: 'k6 exited with code 107 (script exception)' };
    const o = outcomeFromRunners(plan, runs, { driver: 'k6', interrupted: false });
    expect(o.validity.valid).toBe(false);
    expect(o.incomplete).toHaveLength(2);
    expect(o.incomplete![0]).toMatch(/^runner-2 \(segment 1\/3:2\/3\) lagged: k6 counted 60 measured requests but the sample stream carried \d+/);
    expect(o.incomplete![1]).toMatch(/^runner-3 \(segment 2\/3:1\) failed: k6 exited with code 107/);
    expect(o.validity.reasons.filter((r) => r.startsWith('incomplete run:'))).toHaveLength(2);
    expect(o.runners!.map((r) => r.status)).toEqual(['ok', 'lagged', 'failed']);
  });

  it('a runner that started late or stalled is named as lagging', () => {
    const late = readK6Samples(RUNNER_CSV[2], { intervalS: 1 });
    late.firstSendUs! += 3e6;
    const o = outcomeFromRunners(plan, runsOf([samples[0], samples[1], late]), { driver: 'k6', interrupted: false });
    expect(o.incomplete).toEqual([expect.stringMatching(/^runner-3 \(segment 2\/3:1\) lagged: started 3\.\d\d s after the first runner/)]);
    const stalled = readK6Samples(RUNNER_CSV[0], { intervalS: 1 });
    stalled.intervals.delete(0);
    const bigger = { ...plan, executor: { kind: 'constant-arrival-rate' as const, rate: 90, durationS: 3 } };
    const o2 = outcomeFromRunners(bigger, runsOf([stalled, samples[1], samples[2]]), { driver: 'k6', interrupted: false });
    expect(o2.incomplete![0]).toMatch(/^runner-1 \(segment 0:1\/3\) lagged: stalled: 0 requests in interval 1/);
  });

  it('k6\'s dropped iterations are unsent requests with the built-in verdict, and say why ("Insufficient VUs")', () => {
    const ex = readK6Samples(fixture('exhausted/runner-1.csv') + fixture('exhausted/runner-1.stderr'), { intervalS: 1 });
    const o = outcomeFromRunners({ ...plan, executor: { kind: 'constant-arrival-rate', rate: 40, durationS: 2 }, maxConnections: 3 }, runsOf([ex]), { driver: 'k6', interrupted: false });
    expect(o.validity.unsentRequests).toBe(ex.dropped);
    expect(o.validity.valid).toBe(false);
    expect(o.validity.reasons.join('\n')).toMatch(/were never sent \(maximum 0\.10%\)/);
    expect(o.validity.reasons.join('\n')).toMatch(/achieved .* of the 40\.0 rps target/);
    expect(o.validity.reasons.join('\n')).toMatch(/k6 ran out of VUs on runner-1 \("Insufficient VUs": maxVUs = the plan's maxConnections 3\)/);
    expect(o.missing!.join(' ')).toMatch(/late sends/);
  });
});

describe('k6-operator TestRun', () => {
  it('generates a ConfigMap and a TestRun that validate against the TestRun schema', () => {
    const [cm, tr] = testRunManifests(plan, { scenario: 'alb-nlb-gateway' }, { name: 'lab-alb', namespace: 'load', parallelism: 4 });
    expect(validateTestRun(tr)).toEqual([]);
    expect(tr).toMatchObject({
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      spec: { parallelism: 4, separate: true, quiet: 'true', script: { configMap: { name: 'lab-alb', file: 'test.js' } }, runner: { image: 'grafana/k6:2.2.0' } },
    });
    const spec = (tr as { spec: Record<string, unknown> }).spec;
    // Samples leave through stdout (the pod log), and the TestRun is deleted by the lab after reading it.
    expect(spec.arguments).toBe('--out csv=fileName=-,timeFormat=unix_micro --no-color');
    expect(spec.cleanup).toBeUndefined();
    const script = (cm as { data: Record<string, string> }).data['test.js'];
    expect(script).toContain("import http from 'k6/http'");
    // maxVUs rounded to a multiple of the parallelism (equal iteration shares per runner).
    expect(script).toContain('"maxVUs": 32');
    expect(runnerSelector('lab-alb')).toBe('app=k6,k6_cr=lab-alb,runner=true');
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

/**
 * A stand-in for the Kubernetes API of a cluster running the k6-operator (labelled as such: no operator or kubelet
 * runs here). Runner pods go waiting -> running -> terminated over successive polls; each pod's log is a real
 * runner's stdout with k6's stderr interleaved, delivered in chunks.
 */
function fakeCluster(logs: string[], o: { exitCodes?: number[]; neverStarts?: number } = {}) {
  const events: string[] = [];
  let polls = 0;
  const api: TestRunApi = {
    async runnerPods() {
      polls++;
      return logs.map((_, i): RunnerPod => {
        const name = `lab-run-${i + 1}-abcde`;
        if (o.neverStarts === i + 1 || polls < 2) return { name, index: i + 1, state: 'waiting', reason: o.neverStarts === i + 1 ? 'ImagePullBackOff' : 'ContainerCreating' };
        if (polls < 4) return { name, index: i + 1, state: 'running' };
        return { name, index: i + 1, state: 'terminated', exitCode: o.exitCodes?.[i] ?? 0 };
      });
    },
    async stage() {
      return polls < 4 ? 'started' : 'finished';
    },
    async followLog(pod, onChunk) {
      events.push(`follow ${pod}`);
      const text = logs[Number(pod.split('-')[2]) - 1];
      for (let i = 0; i < text.length; i += 4096) {
        onChunk(text.slice(i, i + 4096));
        await new Promise((r) => setImmediate(r));
      }
      events.push(`end ${pod}`);
    },
    async deleteTestRun() {
      events.push('delete');
    },
  };
  return { api, events };
}

describe('samples come home from a cluster: following runner pod logs', () => {
  const podLog = (i: number) => RUNNER_CSV[i].split('\n').flatMap((l, k) => (k === 100 ? ['time="2026-11-30T05:42:08Z" level=info msg="a k6 log line on stderr"', l] : [l])).join('\n');

  it('merges the runner pods\' logs exactly as local runners, and deletes the TestRun only after reading them', async () => {
    const { api, events } = fakeCluster([0, 1, 2].map(podLog));
    const out = await collectTestRun(api, { plan, parallelism: 3, k6Version: 'v2.2.0', pollMs: 1 });
    const local = outcomeFromRunners(plan, runsOf(RUNNER_CSV.map((c) => readK6Samples(c, { intervalS: 1 }))), { driver: 'k6', interrupted: false });
    expect(out.latencyMs).toEqual(local.latencyMs);
    expect(out.requests).toBe(local.requests);
    expect(out.driver).toBe('k6 v2.2.0 (k6-operator, 3 runners)');
    expect(out.runners!.map((r) => [r.runner, r.segment, r.status])).toEqual([
      ['lab-run-1-abcde', '0:1/3', 'ok'],
      ['lab-run-2-abcde', '1/3:2/3', 'ok'],
      ['lab-run-3-abcde', '2/3:1', 'ok'],
    ]);
    expect(out.missing!.join(' ')).toMatch(/driver CPU/);
    expect(events.at(-1)).toBe('delete');
    expect(events.filter((e) => e.startsWith('end'))).toHaveLength(3);
  });

  it('names a runner pod that failed or never ran, and still deletes the TestRun', async () => {
    const { api, events } = fakeCluster([0, 1, 2].map(podLog), { exitCodes: [0, 107, 0], neverStarts: 3 });
    const out = await collectTestRun(api, { plan, parallelism: 3, k6Version: 'v2.2.0', pollMs: 1, timeoutMs: 200 });
    expect(out.validity.valid).toBe(false);
    expect(out.incomplete).toEqual([
      expect.stringMatching(/^lab-run-2-abcde \(segment 1\/3:2\/3\) failed: k6 exited with code 107; its log ends with: /),
      expect.stringMatching(/^lab-run-3-abcde \(segment 2\/3:1\) failed: runners had not all finished after 0 s/),
    ]);
    expect(events.at(-1)).toBe('delete');
  });
});

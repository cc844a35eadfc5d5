// One LoadOutcome from the raw samples of one or more k6 runners. Pure: the local runner (run.ts) and the
// k6-operator collector (operator.ts) both end here. Histograms add bucket by bucket, so every merged
// percentile is the percentile of all samples; averaging runners' percentiles is shown only as the figure a
// user averaging per-runner k6 summaries would have claimed. Validity uses the built-in driver's verdict
// (builtin/validity.ts) fed with k6's own signals: dropped_iterations are the requests never sent, k6's
// "Insufficient VUs" warning says why, the achieved rate is measured from the samples. A runner that failed,
// lagged or lost samples makes the run incomplete, invalid, and named: it is never merged silently.
import type { LoadOutcome, LoadPlan, MergeReport, RunnerReport } from '../types.ts';
import type { ThroughputPoint } from '../../result/types.ts';
import { encodeHistogram, mergeHistograms, summarize, type Histogram } from '../histogram.ts';
import { measuredDurationS, targetRps } from '../builtin/schedule.ts';
import { emptyErrors } from '../builtin/interval-report.ts';
import { judge, MIN_ACHIEVED_RATIO } from '../builtin/validity.ts';
import { intervalHistogram, type RunnerSamples } from './samples.ts';

export interface RunnerRun {
  runner: string;
  segment: string | null;
  /** Share of the whole test (1/N). */
  share: number;
  sources: number;
  samples: RunnerSamples;
  /** Why the runner failed (bad exit, crash, stream error), or null. */
  failure: string | null;
  /** The runner was stopped on purpose (Ctrl-C, abort). */
  interrupted: boolean;
  cpuSeconds?: number;
}

/** Figures a k6 run cannot give; reports list them as unavailable instead of showing zeros as measurements. */
export const K6_UNAVAILABLE = [
  'late sends (k6 starts each iteration when its arrival is due and measures from the actual send; it reports only iterations it dropped for lack of a free VU)',
  'maxConcurrentConnections (k6 reports VUs, not open connections)',
];

/** A runner whose first request left this long after the earliest runner's did not start together with the others. */
export const START_SKEW_LIMIT_S = 1;
/** A runner stalled when an interval in the middle of its run carried less than this share of its expected requests. */
export const STALL_SHARE = 0.5;

export interface OutcomeOptions {
  driver: string;
  interrupted: boolean;
  /** k6 processes' CPU, percent of all cores of this machine (local runners), else undefined (not measured). */
  driverCpuPercent?: number;
  /** Local runners: the measured window started here (epoch us); otherwise each runner's first request. */
  anchorUs?: number;
  /** Wall time of the run (resume to last exit), for an interrupted run's window. */
  elapsedS?: number;
}

const hist = (s: RunnerSamples): Histogram => s.histogram;

/** Why a runner that finished is still not to be trusted: lost samples, late start, a stall, a short rate. */
function runnerLag(r: RunnerRun, plan: LoadPlan, durationS: number, earliestSendUs: number | null): string | null {
  const s = r.samples;
  const sent = s.responses + s.transportErrors;
  if (s.k6Summary && s.k6Summary.requests !== sent) {
    return `k6 counted ${s.k6Summary.requests} measured requests but the sample stream carried ${sent}: samples were lost on the way (a cut stream or rotated pod log)`;
  }
  if (!s.k6Summary && !r.interrupted) return 'the stream ended without k6\'s end-of-test line: samples may be missing';
  if (plan.executor.kind === 'constant-vus') return null;
  const share = targetRps(plan.executor) * r.share;
  if (!(share > 0)) return null;
  if (s.firstSendUs !== null && earliestSendUs !== null) {
    const skewS = (s.firstSendUs - earliestSendUs) / 1e6;
    if (skewS > START_SKEW_LIMIT_S + 1 / share) return `started ${skewS.toFixed(2)} s after the first runner (limit ${START_SKEW_LIMIT_S} s)`;
  }
  const perInterval = share * plan.intervalS;
  if (perInterval >= 4) {
    const last = Math.floor(durationS / plan.intervalS) - 1; // the final interval may be partial
    for (let idx = 0; idx < last; idx++) {
      const iv = s.intervals.get(idx);
      const n = (iv?.responses ?? 0) + (iv?.transport ?? 0);
      if (n < STALL_SHARE * perInterval) {
        return `stalled: ${n} requests in interval ${idx + 1} (${(idx * plan.intervalS).toFixed(0)}-${((idx + 1) * plan.intervalS).toFixed(0)} s) where ${perInterval.toFixed(0)} were due`;
      }
    }
  }
  const achieved = durationS > 0 ? s.responses / durationS : 0;
  if (achieved < MIN_ACHIEVED_RATIO * share && (share - achieved) * durationS > 1) {
    return `achieved ${achieved.toFixed(1)} of its ${share.toFixed(1)} req/s share (${s.dropped} iterations dropped${s.vusExhausted ? '; k6: Insufficient VUs' : ''})`;
  }
  return null;
}

export function outcomeFromRunners(plan: LoadPlan, runs: RunnerRun[], o: OutcomeOptions): LoadOutcome {
  const planned = measuredDurationS(plan.executor);
  const interrupted = o.interrupted;
  const durationS = interrupted ? Math.min(planned, Math.max(0, (o.elapsedS ?? planned) - plan.warmupS)) : planned;
  const target = targetRps(plan.executor);
  const closedModel = plan.executor.kind === 'constant-vus';

  const merged = mergeHistograms(runs.map((r) => hist(r.samples)));
  const sum = (f: (s: RunnerSamples) => number) => runs.reduce((a, r) => a + f(r.samples), 0);
  const responses = sum((s) => s.responses);
  const transport = sum((s) => s.transportErrors);
  const dropped = sum((s) => s.dropped);
  const errors = sum((s) => s.errors);
  const errorsByKind = emptyErrors();
  const clientIp = { checked: 0, retained: 0, other: {} as Record<string, number> };
  const tallies: Record<string, Record<string, number>> = {};
  for (const { samples: s } of runs) {
    for (const k of ['connect', 'timeout', 'reset', 'status4xx', 'status5xx', 'other'] as const) errorsByKind[k] += s.errorsByKind[k];
    for (const [code, n] of Object.entries(s.errorsByKind.byStatus)) errorsByKind.byStatus[code] = (errorsByKind.byStatus[code] ?? 0) + n;
    clientIp.checked += s.clientIp.checked;
    clientIp.retained += s.clientIp.retained;
    for (const [ip, n] of Object.entries(s.clientIp.other)) clientIp.other[ip] = (clientIp.other[ip] ?? 0) + n;
    for (const [h, vals] of Object.entries(s.tallies)) for (const [v, n] of Object.entries(vals)) (tallies[h] ??= {})[v] = ((tallies[h] ??= {})[v] ?? 0) + n;
  }
  const achievedRps = durationS > 0 ? responses / durationS : 0;

  // Runners: failures, lags and lost samples, each named.
  const earliest = runs.reduce<number | null>((m, r) => (r.samples.firstSendUs === null ? m : m === null ? r.samples.firstSendUs : Math.min(m, r.samples.firstSendUs)), null);
  const incomplete: string[] = [];
  const reports: RunnerReport[] = runs.map((r) => {
    const s = r.samples;
    const lag = r.failure || r.interrupted ? null : runnerLag(r, plan, durationS, earliest);
    const status: RunnerReport['status'] = r.failure ? 'failed' : r.interrupted ? 'interrupted' : lag ? 'lagged' : 'ok';
    const detail = r.failure ?? lag ?? undefined;
    const where = `${r.runner}${r.segment ? ` (segment ${r.segment})` : ''}`;
    if (status === 'failed' || status === 'lagged') incomplete.push(`${where} ${status}: ${detail}`);
    const l = summarize(s.histogram);
    return {
      runner: r.runner,
      segment: r.segment,
      sources: r.sources,
      status,
      ...(detail ? { detail } : {}),
      requests: s.responses + s.transportErrors,
      achievedRps: durationS > 0 ? s.responses / durationS : 0,
      targetRps: target * r.share,
      dropped: s.dropped,
      latencyMs: { p50: l.p50, p90: l.p90, p99: l.p99, max: l.max },
      ...(s.k6Summary ? { k6: { requests: s.k6Summary.requests, p50Ms: round3(s.k6Summary.p50), p99Ms: round3(s.k6Summary.p99) } } : {}),
      ...(r.cpuSeconds !== undefined ? { cpuSeconds: r.cpuSeconds } : {}),
    };
  });

  const summary = summarize(merged);
  const validity = judge({
    closedModel,
    targetRps: target,
    achievedRps,
    scheduled: responses + transport + dropped,
    errors,
    late: 0,
    unsent: dropped,
    maxSendLagMs: 0,
    driverCpuPercent: o.driverCpuPercent,
    interrupted,
    latencyAtMs: merged.totalCount > 0 ? (q) => merged.getValueAtPercentile(q * 100) / 1000 : undefined,
  });
  const exhausted = runs.filter((r) => r.samples.vusExhausted).map((r) => r.runner);
  if (exhausted.length) {
    const text = `k6 ran out of VUs on ${exhausted.join(', ')} ("Insufficient VUs": maxVUs = the plan's maxConnections ${plan.maxConnections}); its dropped iterations are the unsent requests`;
    if (validity.reasons.some((x) => x.includes('never sent'))) validity.reasons.push(text);
    else validity.notes.push(text);
  }
  if (incomplete.length) {
    validity.valid = false;
    validity.reasons.push(...incomplete.map((x) => `incomplete run: ${x}`));
  }
  validity.notes.push('late sends are not measured by k6: the lateness check of the built-in driver cannot be applied (listed as unavailable)');

  let merge: MergeReport | undefined;
  if (runs.length > 1) {
    const p99s = runs.map((r) => r.samples.k6Summary?.p99 ?? summarize(r.samples.histogram).p99);
    merge = {
      runners: runs.length,
      exactP99Ms: summary.p99,
      averagedRunnerP99Ms: round3(p99s.reduce((a, b) => a + b, 0) / p99s.length),
      note: 'exactP99Ms is the p99 of one histogram of every runner\'s samples; averagedRunnerP99Ms is the mean of the runners\' own p99s (k6\'s summaries), what averaging per-runner results claims. It is not a percentile of anything.',
    };
  }

  return {
    driver: o.driver,
    executor: plan.executor.kind,
    closedModel,
    targetRps: target,
    achievedRps,
    durationS,
    requests: responses + transport,
    errors,
    errorsByKind,
    latencyMs: summary,
    histogram: encodeHistogram(merged),
    throughput: timeline(runs, plan.intervalS, durationS),
    bytesSent: sum((s) => s.bytesSent),
    bytesReceived: sum((s) => s.bytesReceived),
    newConnections: sum((s) => s.newConnections),
    maxConcurrentConnections: 0,
    clientIp: {
      checked: clientIp.checked,
      retained: clientIp.retained,
      observedOther: Object.entries(clientIp.other)
        .map(([ip, count]) => ({ ip, count }))
        .sort((a, b) => b.count - a.count)
        .slice(0, 10),
    },
    tallies,
    validity,
    interrupted,
    missing: [...K6_UNAVAILABLE, ...(o.driverCpuPercent === undefined ? ['driver CPU (the runners run in pods; their CPU is not read)'] : []), ...(clientIpUnavailable(plan) ? ['clientIp (the runners have no --local-ips list, so a VU does not know its own source address)'] : [])],
    ...(runs.length > 1 ? { runners: reports, merge } : { runners: reports }),
    ...(incomplete.length ? { incomplete } : {}),
  };
}

function clientIpUnavailable(plan: LoadPlan): boolean {
  return !!plan.observe?.clientIpHeader && plan.sources.length === 0;
}

function timeline(runs: RunnerRun[], intervalS: number, durationS: number): ThroughputPoint[] {
  const idxs = new Set<number>();
  for (const r of runs) for (const k of r.samples.intervals.keys()) idxs.add(k);
  const out: ThroughputPoint[] = [];
  for (const idx of [...idxs].sort((a, b) => a - b)) {
    const start = idx * intervalS;
    const length = Math.min(intervalS, Math.max(durationS - start, 0));
    if (length <= 0) continue;
    let responses = 0;
    let errs = 0;
    const hs: Histogram[] = [];
    for (const r of runs) {
      const iv = r.samples.intervals.get(idx);
      if (!iv) continue;
      responses += iv.responses;
      errs += iv.errors;
      hs.push(intervalHistogram(iv));
    }
    const l = summarize(mergeHistograms(hs));
    out.push({ t: start + length, rps: responses / length, p50Ms: l.p50, p99Ms: l.p99, errors: errs });
  }
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

// Reads a k6 end-of-test summary back into a LoadOutcome. Two documented shapes are accepted: the object
// handleSummary() receives (metrics.<name>.values.<stat>) and the older --summary-export file
// (metrics.<name>.<stat>). A summary holds a few percentiles, not a histogram: what it cannot give is
// listed in `missing` and left empty, never estimated.
import type { LoadOutcome, LoadPlan } from '../types.ts';
import type { LatencySummary } from '../../result/types.ts';
import { encodeHistogram, newHistogram } from '../histogram.ts';
import { measuredDurationS, targetRps } from '../builtin/schedule.ts';
import { emptyErrors } from '../builtin/interval-report.ts';
import { judge } from '../builtin/validity.ts';
import { MEASURE_TAG } from './script.ts';

type Stats = Record<string, number>;

/** What a k6 summary cannot provide; reports must show these as unavailable for k6 runs. */
export const K6_SUMMARY_MISSING = [
  'histogram (only the summary percentiles are known; runs cannot be merged exactly)',
  'throughput timeline',
  'errorsByKind breakdown (failures are counted under "other")',
  'late sends (k6 reports dropped iterations only)',
  'newConnections / maxConcurrentConnections',
  'clientIp and header tallies',
  'driver CPU',
];

function statsOf(doc: { metrics?: Record<string, unknown> }, name: string): Stats | null {
  const m = doc.metrics?.[`${name}{${MEASURE_TAG}}`] ?? doc.metrics?.[name];
  if (!m || typeof m !== 'object') return null;
  const values = (m as { values?: unknown }).values;
  return (values && typeof values === 'object' ? values : m) as Stats;
}

function num(stats: Stats | null, key: string): number {
  const v = stats?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Whether the summary's figures are the measured window only (tagged submetrics) or include warm-up. */
function hasMeasuredSubmetrics(doc: { metrics?: Record<string, unknown> }): boolean {
  return doc.metrics?.[`http_req_duration{${MEASURE_TAG}}`] !== undefined;
}

export function readK6Summary(
  json: unknown,
  plan: LoadPlan,
  opts: { driver?: string; interrupted?: boolean } = {},
): LoadOutcome & { missing: string[] } {
  const driver = opts.driver ?? 'k6';
  const interrupted = opts.interrupted ?? false;
  const doc = (typeof json === 'string' ? JSON.parse(json) : json) as { metrics?: Record<string, unknown>; state?: { testRunDurationMs?: number } };
  const duration = statsOf(doc, 'http_req_duration');
  if (!duration) throw new Error('not a k6 summary: metrics.http_req_duration is missing');
  const needed: Array<[keyof LatencySummary, string]> = [['p50', 'med'], ['p90', 'p(90)'], ['p99', 'p(99)'], ['max', 'max'], ['mean', 'avg']];
  const absent = needed.filter(([, k]) => typeof duration[k] !== 'number').map(([, k]) => k);
  if (absent.length > 0) {
    throw new Error(`k6 summary lacks http_req_duration ${absent.join(', ')}: run k6 with summaryTrendStats including ${absent.join(', ')} (scripts from writeK6Script do)`);
  }
  const latencyMs: LatencySummary = {
    p50: duration.med,
    p90: duration['p(90)'],
    p99: duration['p(99)'],
    max: duration.max,
    mean: duration.avg,
    min: duration.min,
    ...(typeof duration['p(99.9)'] === 'number' ? { p999: duration['p(99.9)'] } : {}),
  };
  const reqs = statsOf(doc, 'http_reqs');
  const failed = statsOf(doc, 'http_req_failed');
  const dropped = statsOf(doc, 'dropped_iterations');
  const requests = num(reqs, 'count');
  // http_req_failed is a Rate of "request failed": its `passes` are the failed requests (k6 issue #2386).
  const errors = num(failed, 'passes');
  const unsent = num(dropped, 'count');
  const measuredOnly = hasMeasuredSubmetrics(doc);
  const durationS = measuredOnly ? measuredDurationS(plan.executor) : (doc.state?.testRunDurationMs ?? 0) / 1000;
  const target = targetRps(plan.executor);
  // k6's http_reqs includes failed requests; the failures are judged separately through the error ratio.
  const achievedRps = durationS > 0 ? requests / durationS : 0;
  const closedModel = plan.executor.kind === 'constant-vus';
  const validity = judge({ closedModel, targetRps: target, achievedRps, scheduled: requests + unsent, errors, late: 0, unsent, maxSendLagMs: 0, interrupted });
  validity.notes.push('k6 summary: percentiles as computed by k6; no histogram, so they cannot be merged with other runs exactly');
  if (!measuredOnly) {
    validity.valid = false;
    validity.reasons.push('the k6 summary has no phase:measure submetrics, so warm-up is included in every figure');
  }
  return {
    driver,
    executor: plan.executor.kind,
    closedModel,
    targetRps: target,
    achievedRps,
    durationS,
    requests,
    errors,
    errorsByKind: { ...emptyErrors(), other: errors },
    latencyMs,
    histogram: encodeHistogram(newHistogram()),
    throughput: [],
    bytesSent: num(statsOf(doc, 'data_sent'), 'count'),
    bytesReceived: num(statsOf(doc, 'data_received'), 'count'),
    newConnections: 0,
    maxConcurrentConnections: 0,
    clientIp: { checked: 0, retained: 0, observedOther: [] },
    tallies: {},
    validity,
    interrupted,
    missing: K6_SUMMARY_MISSING,
  };
}

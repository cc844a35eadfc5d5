// The regression gate: compares a current run with a baseline, metric by metric. A noisy metric is flagged
// only when its change exceeds the user's threshold AND a statistical test says the change is not run-to-run
// noise. Client IP retention loss, new spoofability and an invalid run always fail. Pure: inputs are two
// result.json documents, output is a verdict table.
import type { RunResult } from '../result/types.ts';
import { decodeHistogram } from '../load/histogram.ts';
import { mannWhitney, medianRatioInterval, percentileChangeInterval, proportionIncreaseP, quantileTable, type ChangeInterval } from './stats.ts';

export interface Thresholds {
  /** Allowed relative increase of p99 latency, percent (null = not gated). */
  p99Pct: number | null;
  p50Pct: number | null;
  /** Allowed relative decrease of achieved throughput, percent. */
  throughputPct: number | null;
  /** Allowed relative increase of the modeled monthly cost, percent. */
  costPct: number | null;
  /** Allowed increase of the error ratio, percentage points. */
  errorsPp: number | null;
  /** Significance level of the one-sided tests. */
  alpha: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { p99Pct: 10, p50Pct: 10, throughputPct: 5, costPct: 1, errorsPp: 1, alpha: 0.05 };

export type CheckStatus = 'pass' | 'regression' | 'improved' | 'warn' | 'skipped' | 'fail';

export interface Check {
  metric: string;
  unit: string;
  baseline: number | string | null;
  current: number | string | null;
  /** Relative change (ratio) for continuous metrics. */
  change: number | null;
  interval: ChangeInterval | null;
  threshold: string;
  /** Test used and its one-sided p-value in the "worse" direction (null when the metric is exact). */
  test: string;
  p: number | null;
  status: CheckStatus;
  detail: string;
  fidelity: string;
}

export interface RegressVerdict {
  verdict: 'pass' | 'regression' | 'invalid';
  baseline: { scenario: string; startedAt: string; provider: string; gitRevision: string | null };
  current: { scenario: string; startedAt: string; provider: string; gitRevision: string | null };
  thresholds: Thresholds;
  checks: Check[];
  notes: string[];
}

const FAILING: CheckStatus[] = ['regression', 'fail'];

export function regress(base: RunResult, cur: RunResult, th: Thresholds = DEFAULT_THRESHOLDS): RegressVerdict {
  const checks: Check[] = [];
  const notes: string[] = [];
  checks.push(validityCheck('current run valid', cur), validityCheck('baseline run valid', base));
  if (base.scenario !== cur.scenario) notes.push(`scenarios differ: baseline ${base.scenario}, current ${cur.scenario}`);
  if (base.load.targetRps !== cur.load.targetRps) notes.push(`target rates differ: baseline ${base.load.targetRps} req/s, current ${cur.load.targetRps} req/s: latency is not compared like for like`);
  if (base.provider !== cur.provider) notes.push(`providers differ: baseline ${base.provider}, current ${cur.provider}`);
  if (base.latencyMs.fidelity !== cur.latencyMs.fidelity) notes.push(`latency fidelity differs: baseline ${base.latencyMs.fidelity}, current ${cur.latencyMs.fidelity}`);

  checks.push(latencyCheck('p99 latency', 0.99, base, cur, th.p99Pct, th.alpha, true));
  checks.push(latencyCheck('p50 latency', 0.5, base, cur, th.p50Pct, th.alpha, hasIntervalP50(base) && hasIntervalP50(cur)));
  checks.push(throughputCheck(base, cur, th.throughputPct, th.alpha));
  checks.push(errorCheck(base, cur, th.errorsPp, th.alpha));
  checks.push(clientIpCheck(base, cur));
  checks.push(spoofCheck(base, cur));
  checks.push(costCheck(base, cur, th.costPct));

  const invalid = checks.some((c) => c.status === 'fail');
  const regression = checks.some((c) => FAILING.includes(c.status));
  return {
    verdict: invalid ? 'invalid' : regression ? 'regression' : 'pass',
    baseline: who(base),
    current: who(cur),
    thresholds: th,
    checks,
    notes,
  };
}

function who(r: RunResult) {
  return { scenario: r.scenario, startedAt: r.meta.startedAt, provider: r.provider, gitRevision: r.meta.gitRevision };
}

function validityCheck(metric: string, r: RunResult): Check {
  return {
    metric,
    unit: '',
    baseline: null,
    current: r.validity.valid ? 'valid' : 'invalid',
    change: null,
    interval: null,
    threshold: 'must be valid',
    test: 'validity verdict',
    p: null,
    status: r.validity.valid ? 'pass' : 'fail',
    detail: r.validity.valid ? `achieved ${(r.validity.achievedRatio * 100).toFixed(1)}% of the target rate` : r.validity.reasons.join('; ') || 'invalid',
    fidelity: r.load.fidelity,
  };
}

/** Results written before per-interval p50s were recorded can only use the histogram bootstrap for p50. */
function hasIntervalP50(r: RunResult): boolean {
  return r.throughput.some((p) => p.p50Ms !== undefined);
}

function pctText(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

function latencyCheck(metric: string, q: number, base: RunResult, cur: RunResult, limitPct: number | null, alpha: number, usePerInterval: boolean): Check {
  const key = q === 0.99 ? 'p99' : 'p50';
  const b = base.latencyMs[key];
  const c = cur.latencyMs[key];
  const row: Check = { metric, unit: 'ms', baseline: b, current: c, change: b > 0 ? c / b - 1 : null, interval: null, threshold: limitPct === null ? 'not gated' : `+${limitPct}%`, test: '', p: null, status: 'pass', detail: '', fidelity: cur.latencyMs.fidelity };
  if (limitPct === null) return { ...row, status: 'skipped', detail: 'not gated' };
  if (!(b > 0) || cur.load.requests === 0) return { ...row, status: 'skipped', detail: 'no latency data in one of the runs' };
  const evidence: string[] = [];
  let significant = false;
  let testName = '';
  if (base.latencyMs.histogram && cur.latencyMs.histogram) {
    const iv = percentileChangeInterval(quantileTable(decodeHistogram(base.latencyMs.histogram)), quantileTable(decodeHistogram(cur.latencyMs.histogram)), q);
    row.interval = iv;
    row.change = iv.change;
    significant = iv.lo > 0;
    testName = 'histogram bootstrap';
    evidence.push(`95% CI of the change ${pctText(iv.lo)} .. ${pctText(iv.hi)}`);
  }
  // Per-interval percentiles carry the run's own fluctuation over time: a rank test over them demands that
  // the shift stands out from that noise, not only from request-level sampling error.
  const at = (p: RunResult['throughput'][number]) => (key === 'p99' ? p.p99Ms : p.p50Ms);
  const bs = base.throughput.filter((p) => p.rps > 0 && at(p) !== undefined).map((p) => at(p)!);
  const cs = cur.throughput.filter((p) => p.rps > 0 && at(p) !== undefined).map((p) => at(p)!);
  if (usePerInterval && bs.length >= 3 && cs.length >= 3) {
    const mw = mannWhitney(bs, cs);
    row.p = mw.pGreater;
    const mwSig = mw.pGreater < alpha;
    significant = testName ? significant && mwSig : mwSig;
    testName = testName ? `${testName} + Mann-Whitney U over ${bs.length}/${cs.length} interval ${key}s` : `Mann-Whitney U over ${bs.length}/${cs.length} interval ${key}s`;
    evidence.push(`one-sided p = ${mw.pGreater.toPrecision(2)}${mw.exact ? ' (exact)' : ''}`);
    if (!row.interval) row.interval = medianRatioInterval(bs, cs);
  }
  if (!testName) return { ...row, status: 'skipped', test: 'none', detail: 'no histogram and fewer than 3 intervals: cannot separate a change from noise' };
  // A tail percentile moves a lot between runs on a busy machine; the request-level bootstrap alone cannot
  // see that, so without per-interval samples a p99 change can warn but never fail the gate.
  const noRunNoise = usePerInterval && row.p === null;
  if (noRunNoise) evidence.push('fewer than 3 intervals per run: run-to-run noise not assessed, run at least 3 s');
  row.test = testName;
  const change = row.change ?? 0;
  const over = change * 100 > limitPct;
  row.status = over && significant && !noRunNoise ? 'regression' : over ? 'warn' : change < 0 && row.interval && row.interval.hi < 0 ? 'improved' : 'pass';
  row.detail = `${pctText(change)} (${evidence.join(', ')})${over && !significant ? ': above the threshold but not distinguishable from noise' : ''}`;
  return row;
}

function throughputCheck(base: RunResult, cur: RunResult, limitPct: number | null, alpha: number): Check {
  const b = base.load.achievedRps;
  const c = cur.load.achievedRps;
  const row: Check = { metric: 'achieved throughput', unit: 'req/s', baseline: b, current: c, change: b > 0 ? c / b - 1 : null, interval: null, threshold: limitPct === null ? 'not gated' : `-${limitPct}%`, test: '', p: null, status: 'pass', detail: '', fidelity: cur.load.fidelity };
  if (limitPct === null) return { ...row, status: 'skipped', detail: 'not gated' };
  if (!(b > 0)) return { ...row, status: 'skipped', detail: 'baseline achieved no throughput' };
  const bs = base.throughput.map((p) => p.rps);
  const cs = cur.throughput.map((p) => p.rps);
  const drop = -(row.change ?? 0);
  const over = drop * 100 > limitPct;
  let significant = false;
  if (bs.length >= 3 && cs.length >= 3) {
    const mw = mannWhitney(bs, cs);
    row.p = mw.pLess;
    row.test = `Mann-Whitney U over ${bs.length}/${cs.length} interval rates`;
    row.interval = medianRatioInterval(bs, cs);
    significant = mw.pLess < alpha;
  } else {
    // Too few intervals for a test: a drop past the threshold is trusted as is (the rate is a count over the run).
    row.test = 'threshold only (fewer than 3 intervals)';
    significant = true;
  }
  row.status = over && significant ? 'regression' : over ? 'warn' : 'pass';
  row.detail = `${pctText(row.change ?? 0)}${row.p !== null ? ` (one-sided p = ${row.p.toPrecision(2)})` : ''}${over && !significant ? ': above the threshold but not distinguishable from noise' : ''}`;
  return row;
}

function errorCheck(base: RunResult, cur: RunResult, limitPp: number | null, alpha: number): Check {
  const rb = base.load.requests ? base.load.errors / base.load.requests : 0;
  const rc = cur.load.requests ? cur.load.errors / cur.load.requests : 0;
  const row: Check = { metric: 'error ratio', unit: '%', baseline: +(rb * 100).toFixed(3), current: +(rc * 100).toFixed(3), change: null, interval: null, threshold: limitPp === null ? 'not gated' : `+${limitPp} pp`, test: 'two-proportion z-test', p: null, status: 'pass', detail: '', fidelity: cur.load.fidelity };
  if (limitPp === null) return { ...row, status: 'skipped', detail: 'not gated' };
  row.p = proportionIncreaseP(base.load.errors, base.load.requests, cur.load.errors, cur.load.requests);
  const over = (rc - rb) * 100 > limitPp;
  row.status = over && row.p < alpha ? 'regression' : over ? 'warn' : 'pass';
  row.detail = `${base.load.errors}/${base.load.requests} -> ${cur.load.errors}/${cur.load.requests} failed`;
  return row;
}

function clientIpCheck(base: RunResult, cur: RunResult): Check {
  const b = base.clientIp;
  const c = cur.clientIp;
  const row: Check = { metric: 'client IP retained', unit: '%', baseline: +(b.retentionRatio * 100).toFixed(2), current: +(c.retentionRatio * 100).toFixed(2), change: null, interval: null, threshold: 'no loss', test: 'exact (counts)', p: null, status: 'pass', detail: `${b.retained}/${b.checked} -> ${c.retained}/${c.checked}`, fidelity: c.fidelity };
  if (b.checked === 0 || c.checked === 0) return { ...row, status: 'skipped', detail: 'client IP not checked in one of the runs' };
  // Any loss is a regression: a client IP that is sometimes wrong breaks allow-lists and audit logs.
  if (c.retentionRatio < b.retentionRatio) return { ...row, status: 'regression', detail: `${row.detail}: the application no longer sees the true client address for ${c.checked - c.retained} requests${c.observedOther?.length ? ` (saw ${c.observedOther[0].ip})` : ''}` };
  return row;
}

function spoofCheck(base: RunResult, cur: RunResult): Check {
  const was = new Set((base.spoofing ?? []).filter((s) => s.spoofable).map((s) => s.probe));
  const now = (cur.spoofing ?? []).filter((s) => s.spoofable);
  const added = now.filter((s) => !was.has(s.probe));
  const row: Check = { metric: 'spoofable probes', unit: 'count', baseline: was.size, current: now.length, change: null, interval: null, threshold: 'no new spoofable probe', test: 'exact', p: null, status: 'pass', detail: '', fidelity: cur.clientIp.fidelity };
  if (!cur.spoofing) return { ...row, status: 'skipped', detail: 'no spoofing probes in the current run' };
  if (added.length) return { ...row, status: 'regression', detail: added.map((s) => `${s.probe}: forged ${s.forged} accepted${s.fix ? ` (fix: ${s.fix})` : ''}`).join('; ') };
  return { ...row, detail: now.length ? `still spoofable as in the baseline: ${now.map((s) => s.probe).join('; ')}` : 'none spoofable' };
}

function costCheck(base: RunResult, cur: RunResult, limitPct: number | null): Check {
  const b = base.cost?.monthlyUsd;
  const c = cur.cost?.monthlyUsd;
  const row: Check = { metric: 'monthly cost', unit: 'USD', baseline: b ?? null, current: c ?? null, change: b && c !== undefined ? c / b - 1 : null, interval: null, threshold: limitPct === null ? 'not gated' : `+${limitPct}%`, test: 'exact (modeled, no noise)', p: null, status: 'pass', detail: '', fidelity: cur.cost?.fidelity ?? 'modeled' };
  if (limitPct === null) return { ...row, status: 'skipped', detail: 'not gated' };
  if (b === undefined || c === undefined) return { ...row, status: 'skipped', detail: 'no cost in one of the runs' };
  if (base.cost!.profile !== cur.cost!.profile) return { ...row, status: 'warn', detail: `profiles differ (${base.cost!.profile} vs ${cur.cost!.profile}): not compared` };
  const change = row.change ?? 0;
  row.status = change * 100 > limitPct ? 'regression' : change < 0 ? 'improved' : 'pass';
  row.detail = `${pctText(change)}`;
  return row;
}

/** Exit code of the gate: 0 pass, 1 regression or invalid run. */
export function exitCodeOf(v: RegressVerdict): number {
  return v.verdict === 'pass' ? 0 : 1;
}

// Writes the k6 script for a plan: the same executor, warm-up, request shape and timeout as the built-in
// driver, as an ES module k6 runs unchanged on this machine and under the k6-operator. Every figure the lab
// reads comes from k6's raw samples (`--out csv`, see samples.ts), so the script only has to make those
// samples say what the lab needs: which phase (the k6 `scenario` tag: warmup / measure), the status and
// error code of each request, and two metrics of the lab's own (client IP check, header tallies).
import type { Executor, LoadPlan } from '../types.ts';

export interface K6ScriptMeta {
  /** Scenario name, written into the script's header comment. */
  scenario: string;
  /** Optional latency gate: the measured p99 must stay under this (k6 exits 99 otherwise). */
  p99ThresholdMs?: number;
  /** Runners that will share the script (k6 --execution-segment, or the TestRun's parallelism); default 1. */
  runners?: number;
}

/** k6 scenario names; k6 tags every sample with its scenario, which is how warm-up samples are told apart. */
export const WARMUP_SCENARIO = 'warmup';
export const MEASURE_SCENARIO = 'measure';
/** The submetric selector of the measured window, as thresholds and the summary name it. */
export const MEASURE_TAG = `scenario:${MEASURE_SCENARIO}`;
/** The only system tags k6 writes on each sample: fewer columns, smaller streams (a cluster sends them through pod logs). */
export const SYSTEM_TAGS = ['scenario', 'status', 'error_code'];
/** Stats k6 puts in its own summary for every trend; p(99) and p(99.9) are not in k6's default set. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'count'];
/** The lab's own metrics: a Rate (1 = the application saw the VU's own source address) and a Counter per header value. */
export const CLIENT_IP_METRIC = 'lab_client_ip_retained';
export const TALLY_METRIC = 'lab_tally';
/** First characters of the line handleSummary writes on stdout after the last sample (k6 stops its outputs first). */
export const SUMMARY_SENTINEL = '#exposure-lab-summary ';
/** Environment variable carrying the runner's --local-ips list, so the script knows each VU's source address. */
export const LOCAL_IPS_ENV = 'LAB_LOCAL_IPS';

/**
 * VUs play the role of the built-in driver's connections: one request in flight each, at most maxConnections.
 * Enough are pre-allocated for 250 ms of arrivals (Little's law for responses up to 250 ms), because k6 drops the
 * iterations that come due while it initializes an extra VU mid-test; above that k6 adds VUs up to maxVUs.
 * Both are rounded up to a multiple of the runner count: k6 re-segments an arrival-rate scenario's iterations
 * in proportion to each segment's share of maxVUs (ExecutionTuple.GetNewExecutionTupleFromValue), so maxVUs
 * 64 over 3 runners gives them 22:21:21 of the iterations, not a third each.
 */
export function vusFor(peakRate: number, maxConnections: number, runners = 1): { preAllocatedVUs: number; maxVUs: number } {
  const up = (x: number) => Math.ceil(x / runners) * runners;
  const maxVUs = up(Math.max(1, maxConnections));
  return { preAllocatedVUs: Math.min(maxVUs, up(Math.max(8, Math.ceil(peakRate * 0.25)))), maxVUs };
}

function scenarioFor(ex: Executor, plan: LoadPlan, startTime: string | null, runners: number): Record<string, unknown> {
  const timing = startTime ? { startTime } : {};
  // Requests in flight when a phase ends are allowed to complete, as the built-in driver lets them.
  const gracefulStop = `${Math.ceil(plan.timeoutMs / 1000) + 1}s`;
  if (ex.kind === 'constant-vus') return { executor: 'constant-vus', vus: ex.vus, duration: `${ex.durationS}s`, gracefulStop, ...timing };
  const peak = ex.kind === 'constant-arrival-rate' ? ex.rate : Math.max(ex.startRate, ...ex.stages.map((s) => s.target));
  const vus = vusFor(peak, plan.maxConnections, runners);
  if (ex.kind === 'constant-arrival-rate') {
    return { executor: 'constant-arrival-rate', rate: ex.rate, timeUnit: '1s', duration: `${ex.durationS}s`, ...vus, gracefulStop, ...timing };
  }
  return {
    executor: 'ramping-arrival-rate',
    startRate: ex.startRate,
    timeUnit: '1s',
    stages: ex.stages.map((s) => ({ duration: `${s.durationS}s`, target: s.target })),
    ...vus,
    gracefulStop,
    ...timing,
  };
}

function warmupExecutor(ex: Executor, warmupS: number): Executor {
  if (ex.kind === 'constant-vus') return { kind: 'constant-vus', vus: ex.vus, durationS: warmupS };
  const rate = ex.kind === 'constant-arrival-rate' ? ex.rate : ex.startRate;
  return { kind: 'constant-arrival-rate', rate: Math.max(1, rate), durationS: warmupS };
}

/** Go's canonical header key (net/textproto), the form k6 uses for the keys of res.headers. */
export function canonicalHeader(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((p) => (p ? p[0].toUpperCase() + p.slice(1) : p))
    .join('-');
}

export function writeK6Script(plan: LoadPlan, meta: K6ScriptMeta): string {
  const t = plan.target;
  const scheme = t.tls ? 'https' : 'http';
  // With a TLS server name, the URL names it (k6 sends it as SNI) and `hosts` pins it to the target address.
  const servername = t.tls?.servername;
  const url = `${scheme}://${servername ?? t.host}:${t.port}${t.path}`;
  const headers: Record<string, string> = { ...(plan.headers ?? {}) };
  if (t.hostHeader) headers.Host = t.hostHeader;
  const scenarios: Record<string, unknown> = {};
  if (plan.warmupS > 0) scenarios[WARMUP_SCENARIO] = scenarioFor(warmupExecutor(plan.executor, plan.warmupS), plan, null, meta.runners ?? 1);
  scenarios[MEASURE_SCENARIO] = scenarioFor(plan.executor, plan, plan.warmupS > 0 ? `${plan.warmupS}s` : null, meta.runners ?? 1);
  // A submetric only appears in k6's summary when a threshold names it; the always-true ones exist for that.
  // The summary is k6's own account of the measured window, which the lab checks its sample count against.
  const thresholds: Record<string, string[]> = {
    [`http_req_duration{${MEASURE_TAG}}`]: meta.p99ThresholdMs ? [`p(99)<${meta.p99ThresholdMs}`] : ['max>=0'],
    [`http_reqs{${MEASURE_TAG}}`]: ['count>=0'],
    [`dropped_iterations{${MEASURE_TAG}}`]: ['count>=0'],
  };
  const options = {
    scenarios,
    thresholds,
    systemTags: SYSTEM_TAGS,
    summaryTrendStats: SUMMARY_TREND_STATS,
    discardResponseBodies: true,
    // new-connection mode: one TCP (and TLS) connection per request, like the built-in driver.
    noConnectionReuse: plan.connectionMode === 'new-connection',
    noVUConnectionReuse: plan.connectionMode === 'new-connection',
    insecureSkipTLSVerify: true,
    ...(servername ? { hosts: { [servername]: t.host } } : {}),
  };
  const body = plan.requestBodyBytes > 0 ? `'x'.repeat(${plan.requestBodyBytes})` : 'null';
  const ipHeader = plan.observe?.clientIpHeader;
  const tally = (plan.observe?.tallyHeaders ?? []).map((h) => [h, canonicalHeader(h)]);
  return `// Generated by exposure-lab (harness/load/k6/script.ts) for scenario ${JSON.stringify(meta.scenario)}. Do not edit.
// Run by the lab with --out csv (every sample) and --local-ips (each runner's own source addresses);
// k6 binds one address per VU, so the plan's requestsPerSource rotation is not reproduced.
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter, Rate } from 'k6/metrics';

export const options = ${JSON.stringify(options, null, 2)};

const URL = ${JSON.stringify(url)};
const METHOD = ${JSON.stringify(plan.method)};
const PARAMS = { headers: ${JSON.stringify(headers)}, timeout: '${plan.timeoutMs}ms' };
const BODY = ${body};

// k6 binds VU n of this instance (1-based) to address (n - 1) mod size of the --local-ips pool
// (internal/js/runner.go); the lab passes the same list in ${LOCAL_IPS_ENV}, so each VU knows its source address.
const SOURCES = (__ENV.${LOCAL_IPS_ENV} || '').split(',').filter((s) => s.length > 0);
const IP_HEADER = ${JSON.stringify(ipHeader ? canonicalHeader(ipHeader) : null)};
const TALLY = ${JSON.stringify(tally)};
const clientIp = new Rate(${JSON.stringify(CLIENT_IP_METRIC)});
const tally = new Counter(${JSON.stringify(TALLY_METRIC)});

export default function () {
  const res = http.request(METHOD, URL, BODY, PARAMS);
  if (res.status === 0) return; // no response: counted from the sample's error_code
  if (IP_HEADER !== null && SOURCES.length > 0) {
    const own = SOURCES[(exec.vu.idInInstance - 1) % SOURCES.length];
    const seen = res.headers[IP_HEADER];
    if (seen === own) clientIp.add(1);
    else clientIp.add(0, { seen: seen === undefined ? '(header missing)' : String(seen) });
  }
  for (const [name, key] of TALLY) {
    const v = res.headers[key];
    tally.add(1, { header: name, value: v === undefined ? '(header missing)' : String(v) });
  }
}

// k6 stops its outputs (the CSV stream) before it handles the summary, so this line comes after the last
// sample: the lab checks that it received every sample k6 counted.
export function handleSummary(data) {
  return { stdout: ${JSON.stringify(SUMMARY_SENTINEL)} + JSON.stringify({ state: data.state, metrics: data.metrics }) + '\\n' };
}
`;
}

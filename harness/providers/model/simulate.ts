// One modeled run of a scenario under a load plan: the engine's figures shaped as a LoadOutcome (the same
// contract the load drivers fill), plus the per-hop description and the notes result.json records.
import type { Scenario } from '../../scenario/model.ts';
import type { LoadOutcome, LoadShape } from '../../load/types.ts';
import type { HopRealization } from '../../result/types.ts';
import { encodeHistogram, summarize } from '../../load/histogram.ts';
import { predictClientIp } from '../../analysis/predict.ts';
import { compilePath, type ModelPath, type ModelPathOptions } from './path.ts';
import { runSchedule, type RunStats } from './run.ts';
import { applyShape, segmentsFromPlan, type DailyShape } from './schedule.ts';
import { deriveSeed } from '../../lib/random.ts';
import type { Calibration } from './calibrate.ts';
import { calibrationFor } from './calibrate.ts';
import { recordLatency } from '../../catalog/latency.ts';

export interface ModelOptions extends ModelPathOptions {
  seed: number;
  /** Most requests simulated one by one (above: stratified sampling). */
  budget?: number;
  arrivals?: 'poisson' | 'uniform';
  /** Share of requests that open a new client connection; default from the plan's connection mode. */
  newConnectionShare?: number;
  shape?: DailyShape;
  calibration?: Calibration;
}

export const DEFAULT_BUDGET = 2_000_000;
/** Request head the built-in driver sends (GET / HTTP/1.1, Host, Connection): an estimate for byte counts. */
const REQUEST_HEAD_BYTES = 80;
const RESPONSE_HEAD_BYTES = 120;

export interface ModelRun {
  outcome: LoadOutcome;
  hops: HopRealization[];
  notes: string[];
  path: ModelPath;
  stats: RunStats;
}

export function newConnectionShare(plan: LoadShape, o: ModelOptions): number {
  if (o.newConnectionShare !== undefined) return o.newConnectionShare;
  // Keep-alive: connections are pooled per source and reused; only their first request is new.
  return plan.connectionMode === 'new-connection' ? 1 : 0;
}

export function simulateScenario(scenario: Scenario, plan: LoadShape, o: ModelOptions): ModelRun {
  const path = compilePath(scenario, o);
  const cal = o.calibration ? calibrationFor(o.calibration, scenario.name) : null;
  let segments = segmentsFromPlan(plan);
  if (o.shape) segments = applyShape(segments, o.shape);
  const pNew = newConnectionShare(plan, o);
  const stats = runSchedule(
    {
      path,
      pNew,
      clientTimeoutMs: plan.timeoutMs,
      arrivals: o.arrivals ?? 'poisson',
      floorQuantiles: cal?.floorQuantiles ?? null,
      pathOverride: cal?.path ?? null,
      capacityOverride: cal?.capacity,
    },
    { segments, budget: o.budget ?? DEFAULT_BUDGET, intervalS: plan.intervalS, seed: deriveSeed(o.seed, scenario.name) },
  );
  const errors = stats.requests - stats.ok;
  const statuses = Object.entries(stats.byStatus);
  const s4 = statuses.filter(([k]) => +k >= 400 && +k < 500).reduce((a, [, v]) => a + v, 0);
  const s5 = statuses.filter(([k]) => +k >= 500).reduce((a, [, v]) => a + v, 0);
  const targetRps = segments.filter((s) => s.recorded).reduce((a, s) => Math.max(a, s.rateRps), 0);
  const meanRate = stats.durationS > 0 ? stats.represented / stats.durationS : 0;
  const pred = predictClientIp(scenario);
  const svc = scenario.hops[scenario.hops.length - 1].settings;
  const notes = modelNotes(path, stats, pNew, o, cal?.notes ?? []);
  const outcome: LoadOutcome = {
    driver: 'model',
    executor: plan.executor.kind,
    closedModel: false,
    targetRps,
    achievedRps: stats.durationS > 0 ? stats.responses / stats.durationS : 0,
    durationS: stats.durationS,
    requests: stats.requests,
    errors,
    errorsByKind: { connect: 0, timeout: stats.clientTimeouts, reset: 0, status4xx: s4, status5xx: s5, other: 0, byStatus: stats.byStatus },
    latencyMs: summarize(stats.hist),
    histogram: encodeHistogram(stats.hist),
    throughput: stats.timeline,
    bytesSent: stats.requests * (REQUEST_HEAD_BYTES + plan.requestBodyBytes),
    bytesReceived: stats.responses * (RESPONSE_HEAD_BYTES + (svc.responseBytes ?? 0)),
    newConnections: stats.newConnections,
    // Little's law: concurrency = rate x mean time in the system.
    maxConcurrentConnections: Math.round(meanRate * (stats.hist.mean / 1e6)),
    clientIp: {
      checked: stats.ok,
      retained: pred.retained ? stats.ok : 0,
      observedOther: pred.retained || !stats.ok ? [] : [{ ip: pred.seen ?? '(none)', count: stats.ok }],
    },
    tallies: {},
    validity: {
      valid: true,
      reasons: [],
      achievedRatio: meanRate > 0 ? stats.responses / stats.durationS / meanRate : 0,
      lateRequests: 0,
      unsentRequests: 0,
      errorRatio: stats.requests ? errors / stats.requests : 0,
      notes: ['modeled run: valid as a model (no traffic was sent; every figure is computed)', ...notes.slice(0, 3)],
    },
    interrupted: false,
    missing: ['driverCpuPercent (no driver ran)', 'tallies (weighted routing is not simulated per request)'],
  };
  const hops: HopRealization[] = [scenario.hops[0], ...scenario.hops.slice(1)].map((h, i) => {
    const m = i === 0 ? null : path.hops[i - 1];
    return {
      name: h.name,
      component: h.component,
      realizedBy: 'model',
      fidelity: 'modeled',
      injectedLatency: { medianMs: h.latency.medianMs, p99Ms: h.latency.p99Ms, source: h.latency.basis, confidence: h.latency.confidence },
      latencyModel: recordLatency(h.latency, 'modeled'),
      notes: m
        ? [
            `cross-AZ: ${m.crossAzWhy}`,
            ...(m.queue ? [`queue: ${m.queue.why}${o.calibration && cal?.capacity?.[m.name] ? ` (calibrated: ${cal.capacity[m.name]} req/s per replica)` : ''}`] : []),
            ...(m.limiter ? [`limiter: ${m.limiter.why}`] : []),
            ...(m.timeout ? [`timeout: ${m.timeout.why}`] : []),
            ...(m.newConnection && m.seesClientConnection ? [`new connection: +${m.newConnection.medianMs}/${m.newConnection.p99Ms} ms (median/p99)`] : []),
          ]
        : [`request RTT ${path.requestRttMs} ms; handshake ${path.handshake.why}; new-connection share ${pNew}`],
    };
  });
  return { outcome, hops, notes, path, stats };
}

function modelNotes(path: ModelPath, st: RunStats, pNew: number, o: ModelOptions, cal: string[]): string[] {
  const n: string[] = [];
  n.push(
    st.exact
      ? `exact: every one of ${st.simulated} requests simulated (seed ${o.seed})`
      : `sampled: ${st.simulated} requests simulated in ${st.strata} strata represent ${st.represented} (weight ${st.weight.toFixed(1)}); counts scaled, percentiles from the sample; queue backlog and tokens carried by a fluid model (seed ${o.seed})`,
  );
  n.push(`arrivals ${o.arrivals ?? 'poisson'}; new-connection share ${pNew}; capacity bound ${Number.isFinite(path.capacityRps) ? `${path.capacityRps} req/s (${path.capacityBy})` : 'none'}`);
  if (st.finalBacklog.some((b) => b > 0)) n.push(`past saturation: queue backlog at the end ${st.finalBacklog.map((b) => Math.round(b)).join(', ')} request(s)`);
  if (o.shape) n.push(`daily shape applied from hour ${o.shape.startHour}`);
  n.push(...path.notes, ...cal);
  return n;
}

// Calibration of the model from measured runs (result.json of local, kind or EKS runs):
//  - floors: the latency a path has with no modeled latency at all (the lab's own overhead: driver,
//    loopback, hop processes, echo), from a `direct` run or a run with injectLatency off. The model adds a
//    sample of it to every request when it reproduces such a lab.
//  - path fits: a lognormal for the whole path of a real (kind/EKS) run, from the histogram, chosen between
//    log-moments and a p50/p99 fit by its Kolmogorov-Smirnov distance. Replaces the catalog's hop estimates.
//  - capacity: per-replica capacity where a run shows saturation (achieved below target, timeouts).
// Pure: callers pass parsed results and a scenario resolver.
import type { RunResult } from '../../result/types.ts';
import type { Scenario } from '../../scenario/model.ts';
import { decodeHistogram, type Histogram } from '../../load/histogram.ts';
import { normalCdf, quantileTable } from '../../analysis/stats.ts';
import { compilePath, lognormal, type Lognormal } from './path.ts';
import type { CalibrationRecord, CapacityFit, FloorFit, Goodness, PathFit } from '../../result/calibration.ts';

const Z99 = 2.3263478740408408;
/** Quantile table resolution for floors; the top entry is p99.99 so one outlier cannot smear the tail. */
const FLOOR_POINTS = 1000;

export interface Calibration {
  sources: string[];
  floors: FloorFit[];
  paths: PathFit[];
  capacity: CapacityFit[];
  notes: string[];
}

export interface CalibrationInput {
  file: string;
  result: RunResult;
}


export function calibrate(inputs: CalibrationInput[], resolve: (name: string) => Scenario): Calibration {
  const cal: Calibration = { sources: inputs.map((i) => i.file), floors: [], paths: [], capacity: [], notes: [] };
  for (const { file, result: r } of inputs) {
    const hist = r.latencyMs.histogram ? decodeHistogram(r.latencyMs.histogram) : null;
    if (!hist || hist.totalCount === 0) {
      cal.notes.push(`${file}: no latency histogram, nothing fitted`);
      continue;
    }
    if (!r.validity.valid) cal.notes.push(`${file}: the run was flagged invalid (${r.validity.reasons.join('; ')}); fitted anyway, read with care`);
    const injected = r.meta.settings?.injectLatency !== false;
    const local = r.provider === 'local';
    const noModeledLatency = r.hops.every((h) => !h.injectedLatency || (h.injectedLatency.medianMs === 0 && h.injectedLatency.p99Ms === 0));
    if (local && (!injected || r.scenario === 'direct' || noModeledLatency)) {
      cal.floors.push({
        scenario: r.scenario,
        source: file,
        provider: r.provider,
        rateRps: r.load.targetRps,
        p50Ms: hist.getValueAtPercentile(50) / 1000,
        p99Ms: hist.getValueAtPercentile(99) / 1000,
        quantilesMs: floorQuantiles(hist),
        why: r.scenario === 'direct' ? "the lab's floor (driver, loopback, echo)" : "this path's own overhead in the lab (no modeled latency injected)",
      });
    } else if (!local && r.provider !== 'model') {
      cal.paths.push(fitPath(r.scenario, file, r.provider, r.load.targetRps, hist));
    } else if (local) {
      cal.notes.push(`${file}: a local run with modeled latency injected: used for capacity only (its latency is the model's own plus the lab floor)`);
    }
    const cap = capacityFrom(r, file, resolve);
    if (cap) cal.capacity.push(cap);
  }
  return cal;
}

/** The parts of a calibration that apply to one scenario. */
export function calibrationFor(cal: Calibration, scenario: string): {
  floorQuantiles: Float64Array | null;
  path: Lognormal | null;
  capacity: Record<string, number>;
  notes: string[];
} {
  const notes: string[] = [];
  const own = cal.floors.filter((f) => f.scenario === scenario).at(-1);
  const direct = cal.floors.filter((f) => f.scenario === 'direct').at(-1);
  const floor = own ?? direct ?? null;
  if (floor) {
    notes.push(
      `calibrated floor from ${floor.source} (${floor.scenario}, ${floor.provider}, ${floor.rateRps} req/s): p50 ${floor.p50Ms} ms, p99 ${floor.p99Ms} ms added to every request` +
        (own ? '' : `; no overhead run of ${scenario}: the per-hop overhead of the lab is not included`),
    );
  }
  const p = cal.paths.filter((x) => x.scenario === scenario).at(-1);
  if (p) notes.push(`calibrated path from ${p.source} (${p.provider}): lognormal median ${round(p.medianMs)} ms, p99 ${round(p.p99Ms)} ms by ${p.method}; KS ${round(p.goodness.ks)}, p50/p90/p99 error ${pctStr(p.goodness.relErr.p50)}/${pctStr(p.goodness.relErr.p90)}/${pctStr(p.goodness.relErr.p99)}`);
  const capacity: Record<string, number> = {};
  for (const c of cal.capacity.filter((x) => x.scenario === scenario)) {
    capacity[c.hop] = c.perReplicaRps;
    notes.push(`calibrated capacity of ${c.hop}: ${Math.round(c.perReplicaRps)} req/s per replica (${c.why}, ${c.source})`);
  }
  return {
    floorQuantiles: floor ? Float64Array.from(floor.quantilesMs) : null,
    path: p ? lognormal({ medianMs: p.medianMs, p99Ms: p.p99Ms }) : null,
    capacity,
    notes,
  };
}

export function calibrationRecord(cal: Calibration): CalibrationRecord {
  return {
    fidelity: 'modeled',
    sources: cal.sources,
    floors: cal.floors.map(({ quantilesMs: _q, ...f }) => f),
    paths: cal.paths,
    capacity: cal.capacity,
    notes: cal.notes,
  };
}

/** Quantiles at 0, 0.1%, ..., 99.9% and p99.99 (ms), for sampling by inverse CDF: the shared quantile
 *  table, its ends set to the smallest recorded value and p99.99 (one outlier cannot smear the tail). */
export function floorQuantiles(h: Histogram, points = FLOOR_POINTS): number[] {
  const q = Array.from(quantileTable(h, points).values);
  q[0] = h.minNonZeroValue / 1000;
  q[points] = h.getValueAtPercentile(99.99) / 1000;
  return q;
}

/** Lognormal fit of a whole path, by log-moments and by p50/p99; the smaller KS distance wins. */
export function fitPath(scenario: string, source: string, provider: string, rateRps: number, h: Histogram): PathFit {
  const q = Array.from(quantileTable(h, 2000).values).slice(1, -1).filter((v) => v > 0);
  const logs = q.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, logs.length - 1));
  const p50 = h.getValueAtPercentile(50) / 1000;
  const p99 = h.getValueAtPercentile(99) / 1000;
  const moments = { mu: mean, sigma: sd };
  const pp = { mu: Math.log(p50), sigma: p99 > p50 ? Math.log(p99 / p50) / Z99 : 0 };
  const gm = goodness(h, moments.mu, moments.sigma);
  const gp = goodness(h, pp.mu, pp.sigma);
  const useMoments = gm.ks <= gp.ks;
  const best = useMoments ? moments : pp;
  return {
    scenario,
    source,
    provider,
    rateRps,
    method: useMoments ? 'log-moments' : 'p50-p99',
    medianMs: Math.exp(best.mu),
    p99Ms: Math.exp(best.mu + best.sigma * Z99),
    sigma: best.sigma,
    goodness: useMoments ? gm : gp,
    rejected: { method: useMoments ? 'p50-p99' : 'log-moments', ks: useMoments ? gp.ks : gm.ks },
  };
}

/** KS distance over the histogram's percentiles and relative errors at p50/p90/p99 of a lognormal(mu, sigma). */
export function goodness(h: Histogram, mu: number, sigma: number): Goodness {
  let ks = 0;
  for (let i = 1; i < 1000; i++) {
    const p = i / 1000;
    const x = h.getValueAtPercentile(100 * p) / 1000;
    // The histogram's value at p holds at least a share p of the samples (bucket upper edge).
    const f = sigma > 0 ? normalCdf((Math.log(x) - mu) / sigma) : x >= Math.exp(mu) ? 1 : 0;
    ks = Math.max(ks, Math.abs(f - p));
  }
  const at = (p: number, z: number) => {
    const measured = h.getValueAtPercentile(p) / 1000;
    const fitted = Math.exp(mu + sigma * z);
    return measured > 0 ? (fitted - measured) / measured : 0;
  };
  return { ks, relErr: { p50: at(50, 0), p90: at(90, 1.2815515655446004), p99: at(99, Z99) }, samples: h.totalCount };
}


/**
 * A run saturated when it answered clearly less than it was offered (achieved < 97% of target) or timed
 * out, without the driver being the bottleneck. The capacity-limited hop with the lowest modeled capacity
 * is taken as the bottleneck and its per-replica capacity set so that replicas x capacity = achieved rate.
 */
export function capacityFrom(r: RunResult, file: string, resolve: (name: string) => Scenario): CapacityFit | null {
  const achieved = r.load.achievedRps;
  const target = r.load.targetRps;
  const timeouts = r.load.errorsByKind.timeout + (r.load.errorsByKind.byStatus['504'] ?? 0);
  const saturated = target > 0 && (achieved < 0.97 * target || timeouts > 0.01 * Math.max(1, r.load.requests));
  if (!saturated) return null;
  if ((r.validity.driverCpuPercent ?? 0) >= 90) return null; // the driver, not the path, was the limit
  let scenario: Scenario;
  try {
    scenario = resolve(r.scenario);
  } catch {
    return null;
  }
  const path = compilePath(scenario);
  let best: { name: string; servers: number; total: number } | null = null;
  for (const h of path.hops) {
    if (h.queue && (!best || h.queue.servers * h.queue.perServerRps < best.total)) best = { name: h.name, servers: h.queue.servers, total: h.queue.servers * h.queue.perServerRps };
  }
  if (!best) return null;
  return {
    scenario: r.scenario,
    hop: best.name,
    perReplicaRps: achieved / best.servers,
    source: file,
    why: `saturated at ${Math.round(achieved)} of ${target} req/s offered (${r.provider}); ${best.name} is the lowest-capacity hop`,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const pctStr = (x: number) => `${(x * 100).toFixed(1)}%`;

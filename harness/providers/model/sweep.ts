// Latency, errors and cost against request rate for several scenarios: pure data for the sweep report.
// Every figure is modeled. Cost comes from the cost engine (sweepCost); this module adds no pricing.
import type { Scenario } from '../../scenario/model.ts';
import type { LoadShape } from '../../load/types.ts';
import type { Profile } from '../../cost/types.ts';
import { simulateScenario, type ModelOptions } from './simulate.ts';
import { peakHour, normalizeShape } from './schedule.ts';
import { deriveSeed } from '../../lib/random.ts';
import type { Calibration } from './calibrate.ts';
import type { Crossing, ScenarioSweep, SweepData, SweepPoint } from '../../result/sweep.ts';

export interface SweepOptions {
  rps: number[];
  /** Simulated duration of each point, seconds (default one hour). */
  durationS: number;
  /** Requests simulated one by one per point (above: stratified sampling). */
  budgetPerPoint: number;
  seed: number;
  profile?: Profile;
  calibration?: Calibration;
  /** The client's own timeout (a transport error, no latency recorded). */
  clientTimeoutMs: number;
}

const ERROR_KNEE = 0.01;
const P99_KNEE = 2;

export function sweepScenarios(
  scenarios: Scenario[],
  o: SweepOptions,
  cost?: (s: Scenario, rps: number) => number | null,
  onPoint?: (scenario: string, rps: number) => void,
): SweepData {
  const shape = o.profile?.hourlyShape;
  const peakFactor = shape ? Math.max(...normalizeShape(shape)) : 1;
  const out: ScenarioSweep[] = [];
  for (const s of scenarios) {
    const points: SweepPoint[] = [];
    let capacity: number | null = null;
    let capacityBy = '';
    let notes: string[] = [];
    for (const rps of o.rps) {
      const plan = planAt(rps, o);
      const mo: ModelOptions = {
        seed: deriveSeed(o.seed, `${s.name}@${rps}`),
        budget: o.budgetPerPoint,
        calibration: o.calibration,
        newConnectionShare: o.profile && o.profile.requestsPerSecond > 0 ? Math.min(1, o.profile.newConnectionsPerSecond / o.profile.requestsPerSecond) : 0,
        shape: shape ? { hourly: shape, startHour: peakHour(shape) } : undefined,
      };
      const run = simulateScenario(s, plan, mo);
      const st = run.stats;
      capacity = Number.isFinite(run.path.capacityRps) ? run.path.capacityRps : null;
      capacityBy = run.path.capacityBy;
      notes = run.notes.slice(1);
      const responded = st.fast.total > 0;
      points.push({
        rps,
        simulatedRps: rps * peakFactor,
        p50Ms: responded ? st.fast.percentileMs(50) : null,
        p99Ms: responded ? st.fast.percentileMs(99) : null,
        errorRate: st.requests ? (st.requests - st.ok) / st.requests : 0,
        byStatus: st.byStatus,
        clientTimeouts: st.clientTimeouts,
        monthlyUsd: cost ? cost(s, rps) : null,
        sampled: !st.exact,
        simulatedRequests: st.simulated,
      });
      onPoint?.(s.name, rps);
    }
    out.push({ scenario: s.name, capacityRps: capacity, capacityBy, points, saturation: saturationOf(points), notes });
  }
  return {
    fidelity: 'modeled',
    rps: o.rps,
    durationS: o.durationS,
    peakFactor,
    scenarios: out,
    // Cost crossovers come from the cost engine (bisected on exact money); the caller adds them.
    crossovers: crossings(out, 'p99'),
    notes: [
      `each point: ${o.durationS} simulated s at the rate${shape ? ` x ${peakFactor.toFixed(2)} (the profile's peak hour; x axis = daily mean rate, as the cost engine prices it)` : ''}; Poisson arrivals; client timeout ${o.clientTimeoutMs / 1000} s`,
      `at most ${o.budgetPerPoint} requests simulated one by one per point; above that, stratified sampling (counts scaled, percentiles from the sample)`,
      'p50/p99 over answered requests (429 and 504 included, client timeouts not: they have no latency)',
    ],
  };
}

function planAt(rps: number, o: SweepOptions): LoadShape {
  return {
    executor: { kind: 'constant-arrival-rate', rate: rps, durationS: o.durationS },
    warmupS: 0,
    requestsPerSource: 1,
    connectionMode: 'keep-alive',
    method: 'GET',
    requestBodyBytes: 0,
    timeoutMs: o.clientTimeoutMs,
    workers: 0,
    maxConnections: 0,
    intervalS: Math.max(1, o.durationS / 60),
  };
}

export function saturationOf(points: SweepPoint[]): ScenarioSweep['saturation'] {
  const base = points.find((p) => p.p99Ms !== null)?.p99Ms ?? null;
  for (const p of points) {
    if (p.errorRate > ERROR_KNEE) return { rps: p.rps, why: `error rate ${(p.errorRate * 100).toFixed(1)}% > ${ERROR_KNEE * 100}%` };
    // Doubling counts only past 1 ms of growth: sub-millisecond paths double on noise alone.
    if (base !== null && p.p99Ms !== null && p.p99Ms > Math.max(P99_KNEE * base, base + 1)) return { rps: p.rps, why: `p99 ${p.p99Ms.toFixed(1)} ms > ${P99_KNEE}x the lowest rate's ${base.toFixed(1)} ms` };
  }
  return null;
}

/** Rates where two scenarios swap order on a metric, interpolated in log(rps) between neighbouring points. */
export function crossings(sweeps: ScenarioSweep[], metric: Crossing['metric']): Crossing[] {
  const val = (p: SweepPoint) => (metric === 'p99' ? (p.errorRate >= 1 ? Infinity : p.p99Ms) : p.monthlyUsd);
  const out: Crossing[] = [];
  for (let a = 0; a < sweeps.length; a++) {
    for (let b = a + 1; b < sweeps.length; b++) {
      const A = sweeps[a].points;
      const B = sweeps[b].points;
      for (let i = 1; i < Math.min(A.length, B.length); i++) {
        const a0 = val(A[i - 1]);
        const a1 = val(A[i]);
        const b0 = val(B[i - 1]);
        const b1 = val(B[i]);
        if (a0 == null || a1 == null || b0 == null || b1 == null) continue;
        const d0 = a0 - b0;
        const d1 = a1 - b1;
        if (!Number.isFinite(d0) || !Number.isFinite(d1) || d0 === 0 || Math.sign(d0) === Math.sign(d1)) continue;
        const x0 = Math.log(A[i - 1].rps);
        const x1 = Math.log(A[i].rps);
        const rps = Math.exp(x0 + ((x1 - x0) * d0) / (d0 - d1));
        out.push({
          metric,
          lowerBelow: d0 < 0 ? sweeps[a].scenario : sweeps[b].scenario,
          lowerAbove: d0 < 0 ? sweeps[b].scenario : sweeps[a].scenario,
          rps,
        });
      }
    }
  }
  return out.sort((x, y) => x.rps - y.rps);
}

/** "from..to" -> log-spaced rates (rounded to 3 significant digits so tables read well). */
export function rpsRange(from: number, to: number, points: number): number[] {
  if (points < 2 || from === to) return [from];
  const a = Math.log(from);
  const b = Math.log(to);
  return Array.from({ length: points }, (_, i) => Number(Math.exp(a + ((b - a) * i) / (points - 1)).toPrecision(3)));
}

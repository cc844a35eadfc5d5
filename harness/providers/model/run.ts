// Runs the request simulator over a rate schedule. Small runs are simulated request by request. Runs larger than the
// budget (an hour at 50k req/s is 180M requests) are stratified: the run is cut into strata, a window in the
// middle of each is simulated exactly, with a number of requests proportional to the stratum's traffic,
// and a fluid model (backlog per queue, tokens per bucket) carries the state between windows, so growing
// queues past saturation and drained buckets are where they would be. Counts are then scaled by N/n, and
// the report says the figures are sampled.
import { RequestSimulator, type SimulatorConfig, type Sink } from './request-simulator.ts';
import type { Histogram } from '../../load/histogram.ts';
import { CoarseHist, FastHist } from './fast-hist.ts';

export interface RateSegment {
  durS: number;
  rateRps: number;
  /** Warm-up segments shape the state but are not tallied. */
  recorded: boolean;
}

export interface RunSpec {
  segments: RateSegment[];
  /** Most recorded requests simulated one by one; above it the run is stratified. */
  budget: number;
  intervalS: number;
  seed: number;
  /** Cap on timeline points (and per-interval histograms). */
  maxIntervals?: number;
}

export interface RunStats {
  exact: boolean;
  /** Requests simulated one by one in recorded time (all of them when exact). */
  simulated: number;
  /** Requests the schedule represents (expected count when sampled). */
  represented: number;
  /** Each simulated request stands for this many. */
  weight: number;
  strata: number;
  durationS: number;
  hist: Histogram;
  /** The same counts as hist, cheap to query (sweeps read percentiles from it). */
  fast: FastHist;
  requests: number;
  responses: number;
  ok: number;
  byStatus: Record<string, number>;
  clientTimeouts: number;
  newConnections: number;
  timeline: Array<{ t: number; rps: number; p50Ms: number; p99Ms: number; errors: number }>;
  /** Fluid backlog at the end of the run, per queue (requests): past saturation it only grows. */
  finalBacklog: number[];
}

const DEFAULT_MAX_INTERVALS = 240;
/** Strata per run when sampled; each holds budget/STRATA requests (more for busier strata). */
const TARGET_STRATA = 24;
/** Warm-up before each sampled window, as a share of the window (queues relax from the fluid state). */
const WINDOW_WARMUP = 0.25;

export function runSchedule(cfg: SimulatorConfig, spec: RunSpec): RunStats {
  const simulator = new RequestSimulator(cfg, spec.seed);
  const recorded = spec.segments.filter((s) => s.recorded);
  const recordedS = recorded.reduce((a, s) => a + s.durS, 0);
  const represented = recorded.reduce((a, s) => a + s.durS * s.rateRps, 0);
  const total = spec.segments.reduce((a, s) => a + s.durS * s.rateRps, 0);
  const exact = total <= spec.budget;
  const maxIntervals = spec.maxIntervals ?? DEFAULT_MAX_INTERVALS;
  const recordStartMs = 1000 * spec.segments.slice(0, spec.segments.findIndex((s) => s.recorded)).reduce((a, s) => a + s.durS, 0);

  // Strata: recorded segments cut into pieces of at most recordedS / TARGET_STRATA.
  const strataMaxS = Math.max(spec.intervalS, recordedS / TARGET_STRATA);
  let intervalS = Math.max(spec.intervalS, recordedS / maxIntervals);
  if (!exact) intervalS = Math.max(intervalS, strataMaxS);
  const intervalCount = Math.max(1, Math.ceil(recordedS / intervalS - 1e-9));
  const sink: Sink = {
    hist: new FastHist(),
    intervalHists: Array.from({ length: intervalCount }, () => new CoarseHist()),
    intervalMs: intervalS * 1000,
    intervalCount,
    intervalDone: new Float64Array(intervalCount),
    intervalErrors: new Float64Array(intervalCount),
    requests: 0,
    ok: 0,
    byStatus: new Map(),
    clientTimeouts: 0,
    newConnections: 0,
    responses: 0,
  };

  const fluid = new Fluid(simulator);
  let strata = 0;
  let t = 0; // ms
  if (exact) {
    for (const seg of spec.segments) {
      const end = t + seg.durS * 1000;
      simulator.run(t, end, seg.rateRps, recordStartMs, sink, recordStartMs);
      fluid.advance(seg.rateRps, seg.durS);
      t = end;
    }
  } else {
    for (const seg of spec.segments) {
      const segEnd = t + seg.durS * 1000;
      if (!seg.recorded || seg.rateRps <= 0) {
        fluid.advance(seg.rateRps, seg.durS);
        t = segEnd;
        continue;
      }
      const pieces = Math.max(1, Math.ceil(seg.durS / strataMaxS - 1e-9));
      const pieceS = seg.durS / pieces;
      for (let k = 0; k < pieces; k++) {
        const a = t + k * pieceS * 1000;
        const n = (spec.budget * seg.rateRps * pieceS) / represented;
        const windowS = Math.min(pieceS, n / seg.rateRps);
        const warmS = Math.min(windowS * WINDOW_WARMUP, pieceS / 2 - windowS / 2);
        const mid = a + (pieceS * 1000) / 2;
        const wStart = mid - (windowS * 1000) / 2;
        const warmStart = wStart - warmS * 1000;
        fluid.advance(seg.rateRps, (warmStart - a) / 1000);
        simulator.setState(warmStart, fluid.backlog, fluid.tokens);
        simulator.run(warmStart, wStart + windowS * 1000, seg.rateRps, wStart, sink, recordStartMs);
        fluid.advance(seg.rateRps, (a + pieceS * 1000 - warmStart) / 1000);
        strata++;
      }
      t = segEnd;
    }
  }

  const simulated = sink.requests;
  const weight = exact || simulated === 0 ? 1 : represented / simulated;
  const byStatus: Record<string, number> = {};
  for (const [k, v] of sink.byStatus) byStatus[String(k)] = Math.round(v * weight);
  const timeline = [];
  for (let i = 0; i < intervalCount; i++) {
    const len = Math.min(intervalS, recordedS - i * intervalS);
    const h = sink.intervalHists[i];
    timeline.push({
      t: Math.round((i * intervalS + len) * 1000) / 1000,
      rps: len > 0 ? (sink.intervalDone[i] * weight) / len : 0,
      p50Ms: Math.round(h.percentileMs(50) * 1000) / 1000,
      p99Ms: Math.round(h.percentileMs(99) * 1000) / 1000,
      errors: Math.round(sink.intervalErrors[i] * weight),
    });
  }
  return {
    exact,
    simulated,
    represented: exact ? simulated : Math.round(represented),
    weight,
    strata,
    durationS: recordedS,
    hist: sink.hist.toHdr(),
    fast: sink.hist,
    requests: exact ? sink.requests : Math.round(represented),
    responses: Math.round(sink.responses * weight),
    ok: Math.round(sink.ok * weight),
    byStatus,
    clientTimeouts: Math.round(sink.clientTimeouts * weight),
    newConnections: Math.round(sink.newConnections * weight),
    timeline,
    finalBacklog: [...fluid.backlog],
  };
}

/** Mean-rate (fluid) state of every bucket and queue, advanced stage by stage along the path. */
class Fluid {
  readonly backlog: Float64Array;
  readonly tokens: Float64Array;
  constructor(private readonly simulator: RequestSimulator) {
    this.backlog = new Float64Array(simulator.queues.length);
    this.tokens = Float64Array.from(simulator.limBurst);
  }

  advance(rateRps: number, dtS: number): void {
    if (!(dtS > 0)) return;
    let pass = rateRps;
    for (const st of this.simulator.stations) {
      if (st.kind === 'limiter') {
        const tk = this.tokens[st.idx];
        const r = st.rateRps;
        if (pass <= r) {
          this.tokens[st.idx] = Math.min(st.burst, tk + (r - pass) * dtS);
        } else {
          const drain = tk / (pass - r);
          if (drain >= dtS) this.tokens[st.idx] = tk - (pass - r) * dtS;
          else {
            this.tokens[st.idx] = 0;
            pass = (pass * drain + r * (dtS - drain)) / dtS;
          }
        }
      } else {
        const q = this.backlog[st.idx];
        const next = Math.max(0, q + (pass - st.rateRps) * dtS);
        const out = (q + pass * dtS - next) / dtS;
        this.backlog[st.idx] = next;
        pass = out;
      }
    }
  }
}

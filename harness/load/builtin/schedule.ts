// Intended send times of an open-model run. The arrival process is deterministic (evenly spaced at the
// instantaneous rate) so the offered load is exactly the plan, and worker w of W takes requests w, w+W, ...
// which keeps the global sequence evenly spaced however many workers share it.
import type { Executor } from '../types.ts';

interface Segment {
  /** Start time in ms from run start (warm-up included). */
  t0: number;
  durMs: number;
  /** Rates in requests per ms at the start and end of the segment (linear in between, as k6 ramps). */
  r0: number;
  r1: number;
  /** Requests scheduled before this segment. */
  n0: number;
  /** Requests scheduled within this segment (fractional; the schedule is continuous). */
  n: number;
}

export class ArrivalSchedule {
  readonly totalRequests: number;
  readonly endMs: number;
  private readonly segments: Segment[];
  private cursor = 0;

  /** Segments are consumed in order; `timeOf` must be called with non-decreasing indexes. */
  constructor(stages: Array<{ durationS: number; fromRps: number; toRps: number }>) {
    const segments: Segment[] = [];
    let t = 0;
    let n = 0;
    for (const s of stages) {
      const durMs = s.durationS * 1000;
      const r0 = s.fromRps / 1000;
      const r1 = s.toRps / 1000;
      const count = ((r0 + r1) / 2) * durMs;
      segments.push({ t0: t, durMs, r0, r1, n0: n, n: count });
      t += durMs;
      n += count;
    }
    this.segments = segments;
    this.endMs = t;
    // Request i is due when the cumulative count reaches i, so the first is due at t=0.
    this.totalRequests = Math.ceil(n - 1e-9);
  }

  /** Intended time (ms from run start) of request i, or null when the schedule has no request i. */
  timeOf(i: number): number | null {
    if (i >= this.totalRequests) return null;
    while (this.cursor < this.segments.length) {
      const s = this.segments[this.cursor];
      const x = i - s.n0;
      if (x < s.n - 1e-9) return s.t0 + solveElapsed(s, x);
      this.cursor++;
    }
    return null;
  }
}

/** Time into a segment at which x requests have been scheduled: r0*t + (r1-r0)/(2*dur)*t^2 = x. */
function solveElapsed(s: Segment, x: number): number {
  const a = (s.r1 - s.r0) / (2 * s.durMs);
  if (Math.abs(a) < 1e-15) return x / s.r0;
  return (-s.r0 + Math.sqrt(s.r0 * s.r0 + 4 * a * x)) / (2 * a);
}

/** Warm-up runs at the executor's initial rate, then the executor's own stages. */
export function arrivalStages(executor: Executor, warmupS: number): Array<{ durationS: number; fromRps: number; toRps: number }> {
  if (executor.kind === 'constant-arrival-rate') {
    const stages = [{ durationS: executor.durationS, fromRps: executor.rate, toRps: executor.rate }];
    return warmupS > 0 ? [{ durationS: warmupS, fromRps: executor.rate, toRps: executor.rate }, ...stages] : stages;
  }
  if (executor.kind === 'ramping-arrival-rate') {
    const stages: Array<{ durationS: number; fromRps: number; toRps: number }> = [];
    if (warmupS > 0) stages.push({ durationS: warmupS, fromRps: executor.startRate, toRps: executor.startRate });
    let from = executor.startRate;
    for (const st of executor.stages) {
      stages.push({ durationS: st.durationS, fromRps: from, toRps: st.target });
      from = st.target;
    }
    return stages;
  }
  throw new Error(`executor ${executor.kind} is a closed model and has no arrival schedule`);
}

/** Length of the measured part of the run (warm-up excluded), in seconds. */
export function measuredDurationS(executor: Executor): number {
  if (executor.kind === 'ramping-arrival-rate') return executor.stages.reduce((s, st) => s + st.durationS, 0);
  return executor.durationS;
}

/** Mean offered rate over the measured window (0 for a closed model, which has no target). */
export function targetRps(executor: Executor): number {
  if (executor.kind === 'constant-arrival-rate') return executor.rate;
  if (executor.kind === 'constant-vus') return 0;
  let from = executor.startRate;
  let n = 0;
  for (const st of executor.stages) {
    n += ((from + st.target) / 2) * st.durationS;
    from = st.target;
  }
  const d = measuredDurationS(executor);
  return d > 0 ? n / d : 0;
}

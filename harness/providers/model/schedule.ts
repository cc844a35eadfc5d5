// Rate schedules for the model: a load plan's executor (plus warm-up) as piecewise-constant segments,
// optionally shaped by a daily profile (24 hourly weights; the plan's rate is then the daily mean).
import { UserError } from '../../lib/errors.ts';
import type { LoadShape } from '../../load/types.ts';
import type { RateSegment } from './run.ts';

/** Ramps are cut into pieces of at most this many seconds, each at its mean rate. */
const RAMP_PIECE_S = 1;
const MAX_RAMP_PIECES = 600;

export function segmentsFromPlan(plan: LoadShape): RateSegment[] {
  const e = plan.executor;
  const out: RateSegment[] = [];
  if (e.kind === 'constant-vus') {
    throw new UserError(
      'the model provider simulates open-model (arrival-rate) executors only',
      'a closed model hides queueing; use a constant or ramping arrival rate with --provider model',
    );
  }
  const first = e.kind === 'constant-arrival-rate' ? e.rate : e.startRate;
  if (plan.warmupS > 0) out.push({ durS: plan.warmupS, rateRps: first, recorded: false });
  if (e.kind === 'constant-arrival-rate') {
    out.push({ durS: e.durationS, rateRps: e.rate, recorded: true });
    return out;
  }
  let from = e.startRate;
  for (const st of e.stages) {
    const pieces = Math.min(MAX_RAMP_PIECES, Math.max(1, Math.ceil(st.durationS / RAMP_PIECE_S)));
    const d = st.durationS / pieces;
    for (let k = 0; k < pieces; k++) {
      const mid = from + ((st.target - from) * (k + 0.5)) / pieces;
      out.push({ durS: d, rateRps: mid, recorded: true });
    }
    from = st.target;
  }
  return out;
}

export interface DailyShape {
  /** 24 relative weights, hour 0 = 00:00-01:00. Normalized to mean 1. */
  hourly: number[];
  /** Hour of day at which the simulated run starts. */
  startHour: number;
}

export function normalizeShape(hourly: number[]): number[] {
  if (hourly.length !== 24 || hourly.some((w) => !(w >= 0))) throw new UserError('a daily shape needs 24 non-negative hourly weights', 'fix hourlyShape in the profile');
  const mean = hourly.reduce((a, b) => a + b, 0) / 24;
  if (!(mean > 0)) throw new UserError('a daily shape must have some traffic', 'fix hourlyShape in the profile');
  return hourly.map((w) => w / mean);
}

/** The busiest hour of a shape (sweeps simulate it: the hour that decides saturation). */
export function peakHour(hourly: number[]): number {
  let best = 0;
  for (let h = 1; h < 24; h++) if (hourly[h] > hourly[best]) best = h;
  return best;
}

/** Multiplies each segment by the weight of the hour it falls in, cutting segments at hour boundaries. */
export function applyShape(segments: RateSegment[], shape: DailyShape): RateSegment[] {
  const w = normalizeShape(shape.hourly);
  const out: RateSegment[] = [];
  let t = shape.startHour * 3600;
  for (const s of segments) {
    let left = s.durS;
    while (left > 1e-9) {
      const hour = Math.floor(t / 3600 + 1e-9) % 24;
      const toBoundary = 3600 - (t % 3600);
      const d = Math.min(left, toBoundary > 1e-9 ? toBoundary : 3600);
      out.push({ durS: d, rateRps: s.rateRps * w[hour], recorded: s.recorded });
      t += d;
      left -= d;
    }
  }
  return out;
}

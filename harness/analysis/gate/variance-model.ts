// A variance model of run-level latency on one machine, fitted from real runs, and a seeded simulator of
// runs drawn from it. The gate's defaults are chosen by simulating thousands of A/A and A/B comparisons
// from this model (bench/gate-simulation.ts); the unit tests use it with synthetic parameters.
//
// Per run, on the log scale:  ln p = ln level + drift(session) + u(run) + e(run)
//   e: request-level sampling inside the run, standard error k / sqrt(requests) (from the histogram);
//   u: between-run noise (machine state, scheduling): normal with SD `between`, correlated between p50
//      and p99 and between consecutive runs of a session (lag-1), and with probability `outliers.probability`
//      drawn from a wider normal instead (a run that hit a busy moment of the machine);
//   drift: between sessions (days, reboots, other load), normal with SD `drift`.
import { median, medianAbsoluteDeviation, sampleCorrelation, sampleStandardDeviation } from 'simple-statistics';
import { standardNormal } from '../../lib/random.ts';
import type { RunSample } from './sample.ts';
import { arInflation } from './gate.ts';

export interface VarianceModel {
  /** How and when the parameters were measured (dates, commit, machine, command, caveats). */
  measured: Record<string, unknown>;
  /** Typical p50 and p99 (ms) of the measured scenario at the measured rate. */
  p50Ms: number;
  p99Ms: number;
  /** Within-run standard error of ln p50 / ln p99 for one request: SE = k / sqrt(requests). */
  withinK: { lnP50: number; lnP99: number };
  /** Between-run SD of ln p50 / ln p99 (core), their correlation, and the lag-1 correlation within a session. */
  between: { lnP50: number; lnP99: number; correlation: number; lag1: number };
  outliers: { probability: number; lnP50: number; lnP99: number };
  /** Between-session SD of ln p50 / ln p99. */
  drift: { lnP50: number; lnP99: number; sessions: number };
  /** Failed requests per request, and the SD of achieved / target rate per run. */
  errorRatePerRequest: number;
  throughputRatioSd: number;
}

const MAD_TO_SD = 1.4826;
const OUTLIER_Z = 3;

function robustSd(xs: number[]): number {
  return xs.length >= 3 ? MAD_TO_SD * medianAbsoluteDeviation(xs) : NaN;
}

/**
 * Fits the model from runs grouped by session (all at one rate and duration). Robust: the core spread is
 * from the median absolute deviation, runs beyond 3 core SDs are the outliers.
 */
export function fitVarianceModel(runs: RunSample[], sessions: string[], measured: Record<string, unknown>): VarianceModel {
  if (runs.length !== sessions.length) throw new Error('fitVarianceModel: one session id per run');
  const use = runs.map((r, i) => ({ r, s: sessions[i] })).filter(({ r }) => r.p50Ms > 0 && r.p99Ms > 0 && r.requests > 0);
  if (use.length < 5) throw new Error(`fitVarianceModel: need at least 5 runs with latency, got ${use.length}`);
  const bySession = new Map<string, typeof use>();
  for (const x of use) bySession.set(x.s, [...(bySession.get(x.s) ?? []), x]);
  // Residuals against each session's median: what varies between runs of one session.
  const res50: number[] = [];
  const res99: number[] = [];
  const lag: Array<[number, number]> = [];
  const med50: number[] = [];
  const med99: number[] = [];
  const sizes: number[] = [];
  for (const group of bySession.values()) {
    const l50 = group.map(({ r }) => Math.log(r.p50Ms));
    const l99 = group.map(({ r }) => Math.log(r.p99Ms));
    const m50 = median(l50);
    const m99 = median(l99);
    med50.push(m50);
    med99.push(m99);
    sizes.push(group.length);
    const r50 = l50.map((x) => x - m50);
    const r99 = l99.map((x) => x - m99);
    res50.push(...r50);
    res99.push(...r99);
    for (let i = 1; i < r50.length; i++) lag.push([r50[i - 1], r50[i]]);
  }
  const within = (key: 'lnP50' | 'lnP99') => {
    const ks = use.filter(({ r }) => r.withinSe).map(({ r }) => r.withinSe![key] * Math.sqrt(r.requests));
    return ks.length ? median(ks) : 0;
  };
  const k50 = within('lnP50');
  const k99 = within('lnP99');
  const nTyp = median(use.map(({ r }) => r.requests));
  const total50 = robustSd(res50);
  const total99 = robustSd(res99);
  const core50 = Math.sqrt(Math.max(0, total50 ** 2 - k50 ** 2 / nTyp));
  const core99 = Math.sqrt(Math.max(0, total99 ** 2 - k99 ** 2 / nTyp));
  const out = res50.map((x, i) => Math.abs(x) > OUTLIER_Z * total50 || Math.abs(res99[i]) > OUTLIER_Z * total99);
  const nOut = out.filter(Boolean).length;
  const rms = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / Math.max(1, xs.length));
  const inl50 = res50.filter((_, i) => !out[i]);
  const inl99 = res99.filter((_, i) => !out[i]);
  const correlation = inl50.length >= 3 ? clamp(sampleCorrelation(inl50, inl99), -0.95, 0.95) : 0;
  const lag1 = lag.length >= 3 ? clamp(sampleCorrelation(lag.map((p) => p[0]), lag.map((p) => p[1])), 0, 0.9) : 0;
  // Session drift from the spread of session medians, minus what within-session noise gives a median of
  // a session's size (a median's variance is about pi/2 times a mean's, and consecutive runs are
  // correlated: the AR(1) inflation of the simulator, so that fitting and simulating agree).
  const driftOf = (meds: number[], total: number) => {
    if (meds.length < 2) return 0;
    const k = median(sizes);
    return Math.sqrt(Math.max(0, sampleStandardDeviation(meds) ** 2 - ((Math.PI / 2) * total * total * arInflation(lag1, k)) / k));
  };
  const req = use.reduce((s, { r }) => s + r.requests, 0);
  const ratios = use.map(({ r }) => (r.targetRps > 0 ? r.achievedRps / r.targetRps : 1));
  return {
    measured,
    p50Ms: Math.exp(median(use.map(({ r }) => Math.log(r.p50Ms)))),
    p99Ms: Math.exp(median(use.map(({ r }) => Math.log(r.p99Ms)))),
    withinK: { lnP50: k50, lnP99: k99 },
    between: { lnP50: core50, lnP99: core99, correlation, lag1 },
    outliers: {
      probability: nOut / use.length,
      lnP50: nOut ? Math.max(core50, rms(res50.filter((_, i) => out[i]))) : 0,
      lnP99: nOut ? Math.max(core99, rms(res99.filter((_, i) => out[i]))) : 0,
    },
    drift: { lnP50: driftOf(med50, total50), lnP99: driftOf(med99, total99), sessions: bySession.size },
    errorRatePerRequest: req > 0 ? use.reduce((s, { r }) => s + r.errors, 0) / req : 0,
    throughputRatioSd: ratios.length >= 2 ? sampleStandardDeviation(ratios) : 0,
  };
}

function clamp(x: number, lo: number, hi: number): number {
  return Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : 0;
}

/** A change applied to simulated runs: +ms on every percentile (a hop's added delay) and/or a p99 factor. */
export interface SimEffect {
  addMs?: number;
  p99Factor?: number;
  p50Factor?: number;
}

export interface SimRunSettings {
  rate: number;
  durationS: number;
}

function poisson(rand: () => number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * standardNormal(rand)));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

/**
 * Draws one session of runs: `labels[i]` says which side run i belongs to (runs are in time order, so an
 * interleaved session is ['A','B','A','B',...]), `effects` gives each side's change.
 */
export function simulateSession(model: VarianceModel, rand: () => number, run: SimRunSettings, labels: string[], effects: Record<string, SimEffect> = {}, driftScale = 1): RunSample[] {
  const n = Math.max(1, Math.round(run.rate * run.durationS));
  const d50 = driftScale * model.drift.lnP50 * standardNormal(rand);
  const d99 = driftScale * model.drift.lnP99 * standardNormal(rand);
  const rho = model.between.correlation;
  const a = model.between.lag1;
  let core1 = standardNormal(rand);
  let core2 = standardNormal(rand);
  const out: RunSample[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (i > 0) {
      // AR(1) in run order: consecutive runs share part of the machine's state.
      core1 = a * core1 + Math.sqrt(1 - a * a) * standardNormal(rand);
      core2 = a * core2 + Math.sqrt(1 - a * a) * standardNormal(rand);
    }
    let u50: number;
    let u99: number;
    if (rand() < model.outliers.probability) {
      const z1 = standardNormal(rand);
      const z2 = standardNormal(rand);
      u50 = model.outliers.lnP50 * z1;
      u99 = model.outliers.lnP99 * (rho * z1 + Math.sqrt(1 - rho * rho) * z2);
    } else {
      u50 = model.between.lnP50 * core1;
      u99 = model.between.lnP99 * (rho * core1 + Math.sqrt(1 - rho * rho) * core2);
    }
    const e50 = (model.withinK.lnP50 / Math.sqrt(n)) * standardNormal(rand);
    const e99 = (model.withinK.lnP99 / Math.sqrt(n)) * standardNormal(rand);
    const fx = effects[labels[i]] ?? {};
    const p50 = model.p50Ms * Math.exp(d50 + u50 + e50) * (fx.p50Factor ?? 1) + (fx.addMs ?? 0);
    const p99 = model.p99Ms * Math.exp(d99 + u99 + e99) * (fx.p99Factor ?? 1) + (fx.addMs ?? 0);
    const achieved = run.rate * (1 + model.throughputRatioSd * standardNormal(rand));
    out.push({
      startedAt: `sim-${i}`,
      requests: n,
      durationS: run.durationS,
      targetRps: run.rate,
      achievedRps: Math.min(achieved, run.rate * 1.01),
      errors: poisson(rand, model.errorRatePerRequest * n),
      p50Ms: p50,
      p99Ms: Math.max(p99, p50),
      withinSe: { lnP50: model.withinK.lnP50 / Math.sqrt(n), lnP99: model.withinK.lnP99 / Math.sqrt(n) },
      valid: true,
      reasons: [],
      environmentInvalid: false,
      clientIp: { checked: n, retained: n },
      spoofable: [],
    });
  }
  return out;
}

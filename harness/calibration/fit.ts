// Fitting one hop's added latency (a lognormal) from what a run measured. Two cases:
//  - direct: the data holds that hop alone, per request (a segment timing of one hop): the lognormal fit of
//    the model's calibration (log-moments or p50/p99, the smaller Kolmogorov-Smirnov distance wins);
//  - deconvolution: the data holds the hop plus parts already known (a direct control run, hops fitted
//    before): total = reference + X with X independent. X is fitted so that reference + X reproduces the
//    measured total best (smallest KS distance), by Monte Carlo with common random numbers (seeded) and a
//    shrinking grid search over (median, sigma), started from the moments (E[X] = E[T] - E[R],
//    Var[X] = Var[T] - Var[R]). The goodness (KS, errors at p50/p90/p99) and whether X is identifiable at
//    all (the fit must beat "X adds nothing" clearly) come with it.
// Pure: histograms in, fits out; the randomness is a seeded generator.
import type { Histogram } from '../load/histogram.ts';
import { quantileTable } from '../analysis/stats.ts';
import { Rng } from '../providers/model/rng.ts';
import { fitPath } from '../providers/model/calibrate.ts';
import type { Goodness } from '../result/calibration.ts';

const Z99 = 2.3263478740408408;
const Z90 = 1.2815515655446004;

/** Fills `out` with draws (ms) of some added latency. */
export type Sampler = (rng: Rng, out: Float64Array) => void;

/** Draws from a measured histogram: inverse CDF over its quantile table (0.05% steps), interpolated. */
export function histogramSampler(h: Histogram): Sampler {
  const q = quantileTable(h, 2000).values;
  q[0] = h.minNonZeroValue / 1000;
  const k = q.length - 1;
  return (rng, out) => {
    for (let i = 0; i < out.length; i++) {
      const x = rng.uniform() * k;
      const j = Math.floor(x);
      out[i] = j >= k ? q[k] : q[j] + (q[j + 1] - q[j]) * (x - j);
    }
  };
}

export function lognormalSampler(medianMs: number, p99Ms: number): Sampler {
  const mu = Math.log(medianMs);
  const sigma = p99Ms > medianMs ? Math.log(p99Ms / medianMs) / Z99 : 0;
  return (rng, out) => {
    for (let i = 0; i < out.length; i++) out[i] = rng.lognormal(mu, sigma);
  };
}

/** The sum of independent parts. */
export function sumSampler(parts: Sampler[]): Sampler {
  return (rng, out) => {
    out.fill(0);
    const tmp = new Float64Array(out.length);
    for (const p of parts) {
      p(rng, tmp);
      for (let i = 0; i < out.length; i++) out[i] += tmp[i];
    }
  };
}

export interface HopFit {
  medianMs: number;
  p99Ms: number;
  sigma: number;
  method: 'direct' | 'deconvolution';
  goodness: Goodness;
  /** False when the fit barely beats "this hop adds nothing": the data cannot tell the hop apart. */
  identifiable: boolean;
  note?: string;
}

/** The hop alone, per request. */
export function fitDirect(h: Histogram): HopFit {
  const f = fitPath('', '', '', 0, h);
  return { medianMs: f.medianMs, p99Ms: f.p99Ms, sigma: f.sigma, method: 'direct', goodness: f.goodness, identifiable: true, note: `${f.method} fit (the other method's KS ${round(f.rejected.ks)})` };
}

export interface DeconvolutionOptions {
  seed: number;
  /** Monte Carlo draws per evaluation. */
  samples?: number;
}

/**
 * X such that reference + X reproduces `total` best, or the reason it cannot be fitted (the total is not
 * above the reference, or the data is too thin).
 */
export function fitDeconvolved(total: Histogram, reference: Sampler, o: DeconvolutionOptions): HopFit | { unseparable: string } {
  if (total.totalCount < 200) return { unseparable: `only ${total.totalCount} requests measured (at least 200 needed)` };
  const n = o.samples ?? 20_000;
  const rng = new Rng(o.seed);
  const r = new Float64Array(n);
  reference(rng, r);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = rng.normal();
  // The measured total as a CDF at 999 quantile points.
  const grid = quantileTable(total, 1000).values.slice(1, -1);
  const probs = Float64Array.from(grid, (_, i) => (i + 1) / 1000);
  const s = new Float64Array(n);
  const ksOf = (mu: number, sigma: number): number => {
    const m = Math.exp(mu);
    for (let i = 0; i < n; i++) s[i] = r[i] + (sigma > 0 ? Math.exp(mu + sigma * z[i]) : m);
    s.sort();
    let ks = 0;
    for (let i = 0; i < grid.length; i++) ks = Math.max(ks, Math.abs(upperRank(s, grid[i]) / n - probs[i]));
    return ks;
  };

  const mT = total.mean / 1000;
  const vT = (total.stdDeviation / 1000) ** 2;
  const mR = mean(r);
  const vR = variance(r, mR);
  const m = mT - mR;
  if (!(m > 0)) return { unseparable: `the measured total's mean (${round(mT)} ms) is not above the reference's (${round(mR)} ms): nothing left for the hop to add` };
  const v = vT - vR;
  const sigma0 = v > 0 ? Math.sqrt(Math.log(1 + v / (m * m))) : 0.3;
  const mu0 = Math.log(m) - (sigma0 * sigma0) / 2;

  // Shrinking grid search on (mu, ln sigma): 5 x 5 points, six rounds, each round around the best so far.
  let best = { mu: mu0, ls: Math.log(Math.max(0.02, Math.min(sigma0, 2.5))), ks: Infinity };
  best.ks = ksOf(best.mu, Math.exp(best.ls));
  let spanMu = 1.5;
  let spanLs = 1.5;
  for (let round = 0; round < 6; round++) {
    const c = { ...best };
    for (let i = -2; i <= 2; i++) {
      for (let j = -2; j <= 2; j++) {
        const mu = c.mu + (i / 2) * spanMu;
        const ls = Math.min(Math.log(3), Math.max(Math.log(0.01), c.ls + (j / 2) * spanLs));
        const ks = ksOf(mu, Math.exp(ls));
        if (ks < best.ks) best = { mu, ls, ks };
      }
    }
    spanMu /= 2.5;
    spanLs /= 2.5;
  }
  const sigma = Math.exp(best.ls);
  const nothing = ksOf(-Infinity, 0);
  // Goodness of reference + X against the measured total, at the final parameters.
  ksOf(best.mu, sigma);
  const at = (p: number) => {
    const measured = total.getValueAtPercentile(p) / 1000;
    const fitted = s[Math.min(n - 1, Math.floor((p / 100) * n))];
    return measured > 0 ? (fitted - measured) / measured : 0;
  };
  const goodness: Goodness = { ks: best.ks, relErr: { p50: at(50), p90: at(90), p99: at(99) }, samples: total.totalCount };
  const identifiable = nothing - best.ks > 0.02;
  return {
    medianMs: Math.exp(best.mu),
    p99Ms: Math.exp(best.mu + sigma * Z99),
    sigma,
    method: 'deconvolution',
    goodness,
    identifiable,
    note: `reference + fitted hop reproduces the measured total with KS ${round(best.ks)} (reference alone: KS ${round(nothing)})${identifiable ? '' : '; the hop adds too little next to the spread of the rest to be told apart'}`,
  };
}

/** Number of values <= x in sorted s. */
function upperRank(s: Float64Array, x: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function mean(a: Float64Array): number {
  let t = 0;
  for (const x of a) t += x;
  return t / a.length;
}

function variance(a: Float64Array, m: number): number {
  let t = 0;
  for (const x of a) t += (x - m) ** 2;
  return t / Math.max(1, a.length - 1);
}

/** p90 of a lognormal given by median and sigma (for reports). */
export function p90Of(f: { medianMs: number; sigma: number }): number {
  return f.medianMs * Math.exp(f.sigma * Z90);
}

const round = (x: number) => Math.round(x * 1000) / 1000;

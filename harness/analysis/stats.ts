// Statistics for comparisons and the regression gate. Pure and seeded: the same inputs always give the same
// intervals, so a CI verdict can be reproduced from the two result.json files alone.
import { mean, median, sampleStandardDeviation } from 'simple-statistics';
import type { Histogram } from '../load/histogram.ts';
import { seededRandom, standardNormal } from '../lib/random.ts';

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 via erf; error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

export interface RankTest {
  test: 'mann-whitney-u';
  n1: number;
  n2: number;
  u: number;
  /** P(seeing a shift this large or larger) if b is not stochastically greater than a. */
  pGreater: number;
  /** Same for b smaller than a. */
  pLess: number;
  exact: boolean;
}

/**
 * Mann-Whitney U test of b against a. Exact null distribution (by counting) when there are no ties and the
 * samples are small, which is the usual case for per-interval samples of short runs; otherwise the normal
 * approximation with tie and continuity corrections.
 */
/** z with normalCdf(z) = p, for 0 < p < 1: bisection on the CDF, within ~2e-5 in z up to p = 0.9999 (where
 *  simple-statistics' probit is off by ~7e-3 at 0.995). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  let lo = -12;
  let hi = 12;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function mannWhitney(a: number[], b: number[]): RankTest {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { test: 'mann-whitney-u', n1, n2, u: NaN, pGreater: 1, pLess: 1, exact: false };
  // U counts pairs (x in a, y in b) with y > x; ties count 1/2.
  let u = 0;
  for (const x of a) for (const y of b) u += y > x ? 1 : y === x ? 0.5 : 0;
  const all = [...a, ...b];
  const hasTies = new Set(all).size < all.length;
  if (!hasTies && n1 * n2 <= 2500) {
    const dist = exactUDistribution(n1, n2);
    const total = dist.reduce((s, c) => s + c, 0);
    let ge = 0;
    let le = 0;
    for (let k = 0; k < dist.length; k++) {
      if (k >= u) ge += dist[k];
      if (k <= u) le += dist[k];
    }
    return { test: 'mann-whitney-u', n1, n2, u, pGreater: ge / total, pLess: le / total, exact: true };
  }
  const mu = (n1 * n2) / 2;
  const n = n1 + n2;
  const counts = new Map<number, number>();
  for (const v of all) counts.set(v, (counts.get(v) ?? 0) + 1);
  let tieSum = 0;
  for (const t of counts.values()) tieSum += t * t * t - t;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieSum / (n * (n - 1)));
  if (variance <= 0) return { test: 'mann-whitney-u', n1, n2, u, pGreater: 1, pLess: 1, exact: false };
  const sd = Math.sqrt(variance);
  return {
    test: 'mann-whitney-u',
    n1,
    n2,
    u,
    pGreater: 1 - normalCdf((u - mu - 0.5) / sd),
    pLess: normalCdf((u - mu + 0.5) / sd),
    exact: false,
  };
}

/** Number of arrangements giving each U value (0..n1*n2) for samples of sizes n1, n2 without ties. */
function exactUDistribution(n1: number, n2: number): number[] {
  // f(i, j)[u]: arrangements of i a's and j b's with U = u; recursion on the largest element.
  const memo = new Map<string, number[]>();
  const f = (i: number, j: number): number[] => {
    if (i === 0 || j === 0) return [1];
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const out = new Array(i * j + 1).fill(0);
    // Largest is a b: it beats all i a's (adds i to U).
    f(i, j - 1).forEach((c, k) => (out[k + i] += c));
    // Largest is an a: adds nothing.
    f(i - 1, j).forEach((c, k) => (out[k] += c));
    memo.set(key, out);
    return out;
  };
  return f(n1, n2);
}

/** Two-sided quantile of Student's t for a 95% interval (table to df 30, then normal-like). */
export function t95(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  if (df < 1) return NaN;
  if (df <= 30) return table[df - 1];
  return 1.96 + 2.4 / df; // within 0.3% of the exact quantile above df 30
}

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
  n: number;
  method: string;
}

/** 95% t-interval of the mean of repeated measurements (e.g. p99 of N repeat runs). */
export function meanInterval(xs: number[]): Interval {
  const n = xs.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n, method: 'none' };
  const m = mean(xs);
  if (n < 2) return { mean: m, lo: m, hi: m, n, method: 'single run: no interval' };
  const half = (t95(n - 1) * sampleStandardDeviation(xs)) / Math.sqrt(n);
  return { mean: m, lo: m - half, hi: m + half, n, method: 't-interval 95%' };
}

/** Percentile values a histogram can answer quickly: cumulative counts over its recorded buckets. */
export interface QuantileTable {
  n: number;
  values: Float64Array; // ms, ascending
  cum: Float64Array; // cumulative counts
}

/** Values at percentiles 0, 100/points, ..., 100 (ms), with their cumulative counts. */
export function quantileTable(h: Histogram, points = 2000): QuantileTable {
  // A fixed grid (2,001 points by default) keeps this O(grid) and exact to the histogram's 0.1% resolution
  // at the grid points; bootstrap ranks interpolate between neighbouring points.
  const grid = points + 1;
  const values = new Float64Array(grid);
  const cum = new Float64Array(grid);
  for (let i = 0; i < grid; i++) {
    const p = (i / (grid - 1)) * 100;
    values[i] = h.getValueAtPercentile(p) / 1000;
    cum[i] = (p / 100) * h.totalCount;
  }
  return { n: h.totalCount, values, cum };
}

function valueAtRank(t: QuantileTable, rank: number): number {
  const pos = Math.min(Math.max(rank / t.n, 0), 1) * (t.values.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < t.values.length ? t.values[i] * (1 - f) + t.values[i + 1] * f : t.values[i];
}

export interface ChangeInterval {
  /** Relative change current/baseline - 1 of the point estimates. */
  change: number;
  lo: number;
  hi: number;
  method: string;
}

/**
 * Bootstrap interval of the relative change of a percentile between two runs, from their histograms. A
 * bootstrap resample's q-quantile sits at a rank that is Binomial(n, q): drawing that rank (normal
 * approximation) is equivalent to resampling all n requests, and costs O(1) per replicate.
 */
export function percentileChangeInterval(base: QuantileTable, cur: QuantileTable, q: number, replicates = 2000, seed = 1): ChangeInterval {
  const point = (t: QuantileTable) => valueAtRank(t, q * t.n);
  const b0 = point(base);
  const c0 = point(cur);
  const change = b0 > 0 ? c0 / b0 - 1 : NaN;
  if (base.n < 2 || cur.n < 2 || !(b0 > 0)) return { change, lo: NaN, hi: NaN, method: 'no interval: too few requests' };
  const rand = seededRandom(seed);
  const draws: number[] = [];
  for (let r = 0; r < replicates; r++) {
    const rb = base.n * q + standardNormal(rand) * Math.sqrt(base.n * q * (1 - q));
    const rc = cur.n * q + standardNormal(rand) * Math.sqrt(cur.n * q * (1 - q));
    const vb = valueAtRank(base, rb);
    if (vb > 0) draws.push(valueAtRank(cur, rc) / vb - 1);
  }
  draws.sort((x, y) => x - y);
  return { change, lo: quantileSorted(draws, 0.025), hi: quantileSorted(draws, 0.975), method: `histogram bootstrap (${replicates} rank resamples)` };
}

/** Bootstrap interval of median(b)/median(a) - 1 resampling per-interval samples. */
export function medianRatioInterval(a: number[], b: number[], replicates = 2000, seed = 1): ChangeInterval {
  const ma = median(a);
  const change = ma > 0 ? median(b) / ma - 1 : NaN;
  if (a.length < 2 || b.length < 2 || !(ma > 0)) return { change, lo: NaN, hi: NaN, method: 'no interval: fewer than 2 intervals' };
  const rand = seededRandom(seed);
  const draws: number[] = [];
  const resample = (xs: number[]) => xs.map(() => xs[Math.floor(rand() * xs.length)]);
  for (let r = 0; r < replicates; r++) {
    const da = median(resample(a));
    if (da > 0) draws.push(median(resample(b)) / da - 1);
  }
  draws.sort((x, y) => x - y);
  return { change, lo: quantileSorted(draws, 0.025), hi: quantileSorted(draws, 0.975), method: `bootstrap of per-interval medians (${replicates} resamples)` };
}

function quantileSorted(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const pos = q * (xs.length - 1);
  const i = Math.floor(pos);
  return i + 1 < xs.length ? xs[i] + (xs[i + 1] - xs[i]) * (pos - i) : xs[i];
}

/** One-sided two-proportion z-test: p-value that proportion 2 is larger than proportion 1 by chance. */
export function proportionIncreaseP(k1: number, n1: number, k2: number, n2: number): number {
  if (n1 === 0 || n2 === 0) return 1;
  const p = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se === 0) return k2 / n2 > k1 / n1 ? 0 : 1;
  return 1 - normalCdf((k2 / n2 - k1 / n1) / se);
}

// Exact rank tests and their shift estimates for the handful of runs a regression gate compares.
//
// With 5-20 runs per side the exact null distributions are cheap to count, so no normal approximation is
// needed: ties are handled by counting over mid-ranks (the exact conditional permutation distribution).
// Every function is pure and deterministic.

/** One-sided p-values of a rank test and the counts behind them. */
export interface RankTestResult {
  test: 'wilcoxon-rank-sum' | 'wilcoxon-signed-rank';
  /** Rank statistic: rank sum of the second sample (rank-sum) or sum of positive ranks (signed-rank). */
  statistic: number;
  /** P(statistic >= observed) under the null: evidence that the second sample / the differences are larger. */
  pGreater: number;
  /** P(statistic <= observed) under the null. */
  pLess: number;
  /** Smallest pGreater this design can produce at all (with these sample sizes and tie pattern): a test
   *  whose minPGreater exceeds the significance level can never flag a regression. */
  minPGreater: number;
  minPLess: number;
  ties: boolean;
}

/** Mid-ranks (1-based, averaged over ties) of values, doubled so that every rank is an integer. */
function doubledMidRanks(values: number[]): { ranks: number[]; ties: boolean } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  let ties = false;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    if (j > i) ties = true;
    // Doubled mid-rank of positions i..j (1-based ranks i+1..j+1): (i+1 + j+1).
    for (let k = i; k <= j; k++) ranks[order[k][1]] = i + j + 2;
    i = j + 1;
  }
  return { ranks, ties };
}

const rankSumCache = new Map<string, Float64Array>();

/**
 * Number of ways to pick `pick` of the given doubled ranks with each doubled sum (index = sum). Counting is
 * exact in float64 up to 2^53 arrangements (C(50,25) ~ 1.3e14 is fine).
 */
function subsetSumCounts(ranks: number[], pick: number): Float64Array {
  const total = ranks.reduce((s, r) => s + r, 0);
  // dp[j * (total+1) + s]: ways to choose j ranks with doubled sum s.
  const width = total + 1;
  let dp = new Float64Array((pick + 1) * width);
  dp[0] = 1;
  for (const r of ranks) {
    const next = dp.slice();
    for (let j = 0; j < pick; j++) {
      const from = j * width;
      const to = (j + 1) * width + r;
      for (let s = 0; s + r <= total; s++) {
        const c = dp[from + s];
        if (c) next[to + s] += c;
      }
    }
    dp = next;
  }
  return dp.slice(pick * width, (pick + 1) * width);
}

/** Counts of each doubled rank sum of `pick` out of n items without ties; depends on (n, pick) only. */
function untiedRankSumCounts(n: number, pick: number): Float64Array {
  const key = `${n},${pick}`;
  let d = rankSumCache.get(key);
  if (!d) {
    d = subsetSumCounts(
      Array.from({ length: n }, (_, i) => 2 * (i + 1)),
      pick,
    );
    rankSumCache.set(key, d);
  }
  return d;
}

function tails(dist: Float64Array, observed: number): { ge: number; le: number; minGe: number; minLe: number } {
  let total = 0;
  let ge = 0;
  let le = 0;
  let first = -1;
  let last = -1;
  for (let s = 0; s < dist.length; s++) {
    const c = dist[s];
    if (!c) continue;
    total += c;
    if (s >= observed) ge += c;
    if (s <= observed) le += c;
    if (first < 0) first = s;
    last = s;
  }
  return { ge: ge / total, le: le / total, minGe: dist[last] / total, minLe: dist[first] / total };
}

/**
 * Wilcoxon rank-sum (Mann-Whitney) test of `b` against `a`, exact. pGreater small = b tends to be larger.
 * `shift` is subtracted from b first, so pGreater tests "b exceeds a by more than shift".
 */
export function rankSumTest(a: number[], b: number[], shift = 0): RankTestResult {
  if (a.length === 0 || b.length === 0) return { test: 'wilcoxon-rank-sum', statistic: NaN, pGreater: 1, pLess: 1, minPGreater: 1, minPLess: 1, ties: false };
  const all = [...a, ...b.map((x) => x - shift)];
  const { ranks, ties } = doubledMidRanks(all);
  const observed = ranks.slice(a.length).reduce((s, r) => s + r, 0);
  const t = tails(ties ? subsetSumCounts(ranks, b.length) : untiedRankSumCounts(ranks.length, b.length), observed);
  return { test: 'wilcoxon-rank-sum', statistic: observed / 2, pGreater: t.ge, pLess: t.le, minPGreater: t.minGe, minPLess: t.minLe, ties };
}

/**
 * Wilcoxon signed-rank test of paired differences d (e.g. ln(B_i) - ln(A_i) of interleaved runs), exact.
 * pGreater small = the differences tend to be positive. Zero differences carry no sign and are dropped
 * (Wilcoxon's convention). `shift` is subtracted first.
 */
export function signedRankTest(d: number[], shift = 0): RankTestResult {
  const nz = d.map((x) => x - shift).filter((x) => x !== 0);
  if (nz.length === 0) return { test: 'wilcoxon-signed-rank', statistic: 0, pGreater: 1, pLess: 1, minPGreater: 1, minPLess: 1, ties: false };
  const { ranks, ties } = doubledMidRanks(nz.map(Math.abs));
  const observed = nz.reduce((s, x, i) => s + (x > 0 ? ranks[i] : 0), 0);
  // Each sign is + or - with probability 1/2: counts of each doubled positive-rank sum.
  const total = ranks.reduce((s, r) => s + r, 0);
  let dist = new Float64Array(total + 1);
  dist[0] = 1;
  for (const r of ranks) {
    const next = dist.slice();
    for (let s = 0; s + r <= total; s++) if (dist[s]) next[s + r] += dist[s];
    dist = next;
  }
  const t = tails(dist, observed);
  return { test: 'wilcoxon-signed-rank', statistic: observed / 2, pGreater: t.ge, pLess: t.le, minPGreater: t.minGe, minPLess: t.minLe, ties };
}

/** Shift estimate with its exact distribution-free confidence interval. */
export interface ShiftEstimate {
  /** Hodges-Lehmann estimate. */
  estimate: number;
  lo: number;
  hi: number;
  /** Achieved coverage of [lo, hi] (exact for data without ties), e.g. 0.9512. */
  coverage: number;
}

function sortedNumbers(xs: number[]): number[] {
  return [...xs].sort((x, y) => x - y);
}

function medianSorted(xs: number[]): number {
  const n = xs.length;
  return n % 2 ? xs[(n - 1) / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

/** Largest k with P(U <= k - 1) <= gamma, from a distribution of counts over U = 0..max. */
function lowerCritical(countsByU: number[], gamma: number): { k: number; tail: number } {
  const total = countsByU.reduce((s, c) => s + c, 0);
  let cum = 0;
  let k = 0;
  while (k < countsByU.length && (cum + countsByU[k]) / total <= gamma) {
    cum += countsByU[k];
    k++;
  }
  return { k, tail: cum / total };
}

/**
 * Hodges-Lehmann shift of b over a (median of all b_j - a_i) and the exact interval from the order
 * statistics of those differences (the Mann-Whitney inversion), at two-sided confidence `level`.
 */
export function shiftEstimate(a: number[], b: number[], level = 0.95): ShiftEstimate {
  const diffs: number[] = [];
  for (const y of b) for (const x of a) diffs.push(y - x);
  const d = sortedNumbers(diffs);
  if (d.length === 0) return { estimate: NaN, lo: NaN, hi: NaN, coverage: 0 };
  const n1 = a.length;
  const n2 = b.length;
  // Counts of U = rank sum - n2(n2+1)/2 without ties, from the cached rank-sum distribution.
  const dist = untiedRankSumCounts(n1 + n2, n2);
  const base = n2 * (n2 + 1);
  const counts: number[] = [];
  for (let u = 0; u <= n1 * n2; u++) counts.push(dist[base + 2 * u] ?? 0);
  const { k, tail } = lowerCritical(counts, (1 - level) / 2);
  const m = d.length;
  if (k === 0) return { estimate: medianSorted(d), lo: -Infinity, hi: Infinity, coverage: 1 };
  return { estimate: medianSorted(d), lo: d[k - 1], hi: d[m - k], coverage: 1 - 2 * tail };
}

/**
 * Hodges-Lehmann location of paired differences (median of the Walsh averages) and its exact interval
 * from the signed-rank distribution, at two-sided confidence `level`.
 */
export function pairedShiftEstimate(d: number[], level = 0.95): ShiftEstimate {
  const n = d.length;
  if (n === 0) return { estimate: NaN, lo: NaN, hi: NaN, coverage: 0 };
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push((d[i] + d[j]) / 2);
  const w = sortedNumbers(walsh);
  const max = (n * (n + 1)) / 2;
  let dist = new Array<number>(max + 1).fill(0);
  dist[0] = 1;
  for (let r = 1; r <= n; r++) {
    const next = dist.slice();
    for (let s = 0; s + r <= max; s++) if (dist[s]) next[s + r] += dist[s];
    dist = next;
  }
  const { k, tail } = lowerCritical(dist, (1 - level) / 2);
  if (k === 0) return { estimate: medianSorted(w), lo: -Infinity, hi: Infinity, coverage: 1 };
  return { estimate: medianSorted(w), lo: w[k - 1], hi: w[w.length - k], coverage: 1 - 2 * tail };
}

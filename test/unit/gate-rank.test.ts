// Exact rank tests of the regression gate against hand-counted and closed-form values, and against a
// brute-force enumeration written independently here.
import { describe, expect, it } from 'vitest';
import { pairedShiftEstimate, rankSumTest, shiftEstimate, signedRankTest } from '../../harness/analysis/gate/rank.ts';
import { normalQuantile } from '../../harness/analysis/stats.ts';
import { tQuantile } from '../../harness/analysis/gate/gate.ts';

function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Every way to split the pooled values into a group of size |b|: the permutation p-value, by brute force. */
function bruteRankSumP(a: number[], b: number[]): number {
  const all = [...a, ...b];
  const rank = (v: number) => {
    const below = all.filter((x) => x < v).length;
    const equal = all.filter((x) => x === v).length;
    return below + (equal + 1) / 2;
  };
  const ranks = all.map(rank);
  const observed = b.reduce((s, v) => s + rank(v), 0);
  let ge = 0;
  let total = 0;
  const n = all.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) {
      bits++;
      sum += ranks[i];
    }
    if (bits !== b.length) continue;
    total++;
    if (sum >= observed - 1e-9) ge++;
  }
  return ge / total;
}

describe('Wilcoxon rank-sum (exact)', () => {
  it('complete separation of 4 and 4: p = 1/C(8,4) = 1/70', () => {
    const t = rankSumTest([1, 2, 3, 4], [5, 6, 7, 8]);
    expect(t.statistic).toBe(26);
    expect(t.pGreater).toBeCloseTo(1 / 70, 12);
    expect(t.pLess).toBe(1);
    expect(t.minPGreater).toBeCloseTo(1 / 70, 12);
    expect(t.ties).toBe(false);
  });

  it('complete separation of 10 and 10: p = 1/C(20,10) = 1/184756', () => {
    const a = Array.from({ length: 10 }, (_, i) => i);
    const b = a.map((x) => x + 100);
    expect(rankSumTest(a, b).pGreater).toBeCloseTo(1 / choose(20, 10), 15);
  });

  it('hand-counted 2 vs 2: rank sum 6 of {3,4,5,5,6,7} gives P(>=6) = 2/6, P(<=6) = 5/6', () => {
    const t = rankSumTest([1, 3], [2, 4]);
    expect(t.statistic).toBe(6);
    expect(t.pGreater).toBeCloseTo(2 / 6, 12);
    expect(t.pLess).toBeCloseTo(5 / 6, 12);
  });

  it('ties use the exact distribution over mid-ranks: {1,1} vs {1,2} gives P(>=) = 1/2', () => {
    const t = rankSumTest([1, 1], [1, 2]);
    expect(t.ties).toBe(true);
    expect(t.statistic).toBe(6);
    expect(t.pGreater).toBeCloseTo(0.5, 12);
    expect(t.pLess).toBe(1);
  });

  it('agrees with brute-force enumeration on random samples, with and without ties', () => {
    const cases: Array<[number[], number[]]> = [
      [[0.3, 1.7, 2.2, 0.9, 1.1], [1.5, 2.9, 0.1, 3.3, 2.4]],
      [[1, 2, 2, 3, 5, 5], [2, 3, 3, 5, 6]],
      [[0, 0, 0, 0, 1], [0, 0, 1, 1, 2, 0]],
      [[4.1, 3.9, 5.0], [1.0, 7.2, 6.6, 5.5, 4.0, 8.8]],
    ];
    for (const [a, b] of cases) expect(rankSumTest(a, b).pGreater).toBeCloseTo(bruteRankSumP(a, b), 12);
  });

  it('a shift is subtracted from the second sample before ranking', () => {
    const a = [1, 2, 3, 4, 5];
    const b = [3.5, 4.5, 5.5, 6.5, 7.5];
    expect(rankSumTest(a, b, 2)).toEqual(rankSumTest(a, b.map((x) => x - 2)));
    expect(rankSumTest(a, b, 2).pGreater).toBeGreaterThan(rankSumTest(a, b).pGreater);
  });
});

describe('Wilcoxon signed-rank (exact)', () => {
  it('five positive differences: p = 2^-5; one negative smallest: P(W+ >= 14) = 2/32', () => {
    expect(signedRankTest([1, 2, 3, 4, 5]).pGreater).toBeCloseTo(1 / 32, 12);
    expect(signedRankTest([1, 2, 3, 4, 5]).minPGreater).toBeCloseTo(1 / 32, 12);
    const t = signedRankTest([-1, 2, 3, 4, 5]);
    expect(t.statistic).toBe(14);
    expect(t.pGreater).toBeCloseTo(2 / 32, 12);
  });

  it('drops zero differences (Wilcoxon) and counts tied magnitudes exactly', () => {
    expect(signedRankTest([0, 1, 2]).pGreater).toBeCloseTo(1 / 4, 12);
    // |d| = 1,1,2 -> mid-ranks 1.5,1.5,3; W+ = 1.5 + 3 = 4.5; of 8 sign patterns, W+ >= 4.5: {4.5, 4.5, 6} -> 3/8.
    const t = signedRankTest([1, -1, 2]);
    expect(t.ties).toBe(true);
    expect(t.pGreater).toBeCloseTo(3 / 8, 12);
  });
});

describe('Hodges-Lehmann shift and its exact interval', () => {
  it('median of the pairwise differences', () => {
    // differences of {4,5,6} - {1,2,3}: 1,2,2,3,3,3,4,4,5 -> 3
    expect(shiftEstimate([1, 2, 3], [4, 5, 6]).estimate).toBe(3);
  });

  it('4 vs 4: the 95% interval is [min, max] of the 16 differences with coverage 1 - 2/70', () => {
    const e = shiftEstimate([1, 2, 3, 4], [10, 20, 30, 40]);
    expect(e.lo).toBe(6);
    expect(e.hi).toBe(39);
    expect(e.coverage).toBeCloseTo(1 - 2 / 70, 12);
  });

  it('3 vs 3 cannot give a 95% interval: unbounded, coverage 1', () => {
    const e = shiftEstimate([1, 2, 3], [4, 5, 6]);
    expect(e.lo).toBe(-Infinity);
    expect(e.hi).toBe(Infinity);
  });

  it('10 vs 10: the interval uses the 24th smallest and largest difference (critical U = 23, coverage 0.9553)', () => {
    // Tables: n = m = 10, two-sided 5% -> lower critical value of U is 23 (P(U <= 23) = 0.0216).
    const a = Array.from({ length: 10 }, (_, i) => i * 0.37);
    const b = Array.from({ length: 10 }, (_, i) => 10 + i * 0.53);
    const d: number[] = [];
    for (const y of b) for (const x of a) d.push(y - x);
    d.sort((x, y) => x - y);
    const e = shiftEstimate(a, b);
    expect(e.lo).toBe(d[23]);
    expect(e.hi).toBe(d[100 - 24]);
    expect(e.coverage).toBeCloseTo(0.9567, 3);
  });

  it('paired: median of the Walsh averages; 6 pairs give [min, max] at coverage 1 - 2/64', () => {
    expect(pairedShiftEstimate([1, 2, 3]).estimate).toBe(2);
    const e = pairedShiftEstimate([1, 2, 3, 4, 5, 6]);
    expect(e.lo).toBe(1);
    expect(e.hi).toBe(6);
    expect(e.coverage).toBeCloseTo(1 - 2 / 64, 12);
  });
});

describe('normal quantile', () => {
  it('inverts the CDF at the levels the gate uses', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 4);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 4);
    expect(normalQuantile(0.9975)).toBeCloseTo(2.807034, 4);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 6);
  });

  it('Student t quantiles (Cornish-Fisher) match the tables where the gate uses them', () => {
    expect(tQuantile(0.9975, 16)).toBeCloseTo(3.2519, 3);
    expect(tQuantile(0.95, 16)).toBeCloseTo(1.7459, 3);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.2281, 3);
    expect(Math.abs(tQuantile(0.9975, 8) / 3.8325 - 1)).toBeLessThan(0.002);
    expect(tQuantile(0.95, Infinity)).toBeCloseTo(1.6449, 4);
  });
});

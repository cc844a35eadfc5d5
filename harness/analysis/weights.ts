// Weighted routing, measured: the observed split per service version with a 95% Wilson score interval,
// next to the configured weight. Pure.

export interface WeightShare {
  version: string;
  count: number;
  share: number;
  ci95: [number, number];
  expected?: number;
}

const Z95 = 1.959963984540054;

/** Wilson score interval for k successes in n trials (stays inside [0, 1], sane for small n and p near 0/1). */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  if (n <= 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/**
 * tallies: responses per version (the load driver's tally of x-lab-version); routes: the configured weights
 * (lattice settings.routes). Versions seen but not configured are listed with expected 0.
 */
export function weightSplit(tallies: Record<string, number>, routes?: Array<{ backend: string; weight: number }>): WeightShare[] {
  const total = Object.values(tallies).reduce((a, b) => a + b, 0);
  const wTotal = routes?.reduce((a, r) => a + r.weight, 0) ?? 0;
  const names = [...new Set([...(routes ?? []).map((r) => r.backend), ...Object.keys(tallies)])];
  return names.map((version) => {
    const count = tallies[version] ?? 0;
    const w = routes?.find((r) => r.backend === version)?.weight;
    return {
      version,
      count,
      share: total ? count / total : 0,
      ci95: wilson(count, total),
      ...(routes ? { expected: wTotal ? (w ?? 0) / wTotal : 0 } : {}),
    };
  });
}

/** Whether every configured weight lies inside its measured interval. */
export function splitMatches(shares: WeightShare[]): boolean {
  return shares.every((s) => s.expected === undefined || (s.expected >= s.ci95[0] && s.expected <= s.ci95[1]));
}

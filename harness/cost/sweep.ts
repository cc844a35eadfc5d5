// Cost against request rate, and the rates where one topology becomes cheaper than another.
import { monthlyTotalOf } from './engine.ts';
import { loadPriceSnapshot } from './prices.ts';
import type { CostScenario, PriceSnapshot, Profile } from './types.ts';

export interface SweepPoint {
  rps: number;
  /** Monthly USD per scenario name. */
  costs: Record<string, number>;
  /** Scenarios whose throttle refuses part of the traffic at this rate: their cost is of what gets through. */
  throttled: string[];
}

export interface Crossover {
  /** Cheaper below `rps`. */
  cheaperBelow: string;
  /** Cheaper above `rps`. */
  cheaperAbove: string;
  rps: number;
  monthlyUsd: number;
  /** Of the two, those throttled at this rate: cheaper above only because they refuse traffic (429). */
  throttled: string[];
}

/** The profile at another request rate: connection figures keep their ratio to the request rate. */
export function atRate(p: Profile, rps: number): Profile {
  const k = p.requestsPerSecond > 0 ? rps / p.requestsPerSecond : 0;
  return {
    ...p,
    requestsPerSecond: rps,
    newConnectionsPerSecond: p.requestsPerSecond > 0 ? p.newConnectionsPerSecond * k : p.newConnectionsPerSecond,
    activeConnections: p.requestsPerSecond > 0 ? p.activeConnections * k : p.activeConnections,
  };
}

export function logSpaced(from: number, to: number, points: number): number[] {
  if (points < 2) return [from];
  const a = Math.log(from);
  const b = Math.log(to);
  return Array.from({ length: points }, (_, i) => Math.exp(a + ((b - a) * i) / (points - 1)));
}

export function sweepCost(scenarios: CostScenario[], profile: Profile, rps: number[], prices?: PriceSnapshot): { points: SweepPoint[]; crossovers: Crossover[] } {
  const snap = prices ?? loadPriceSnapshot(profile.region);
  const costOf = (s: CostScenario, r: number) => monthlyTotalOf(s, atRate(profile, r), snap);
  const cost = (s: CostScenario, r: number) => costOf(s, r).total;
  const grid = scenarios.map((s) => rps.map((r) => costOf(s, r)));
  const exact: bigint[][] = grid.map((row) => row.map((c) => c.total));
  const points = rps.map((r, j) => ({
    rps: r,
    costs: Object.fromEntries(scenarios.map((s, i) => [s.name, Number(exact[i][j]) / 1e18])),
    throttled: scenarios.filter((_, i) => grid[i][j].throttled).map((s) => s.name),
  }));
  const crossovers: Crossover[] = [];
  for (let a = 0; a < scenarios.length; a++) {
    for (let b = a + 1; b < scenarios.length; b++) {
      for (let j = 1; j < rps.length; j++) {
        const d0 = exact[a][j - 1] - exact[b][j - 1];
        const d1 = exact[a][j] - exact[b][j];
        if (d0 === 0n || (d0 < 0n) === (d1 < 0n) || d1 === 0n && j < rps.length - 1) continue;
        // Bisect on the real cost function between the two grid points (costs are step-free enough).
        let lo = rps[j - 1];
        let hi = rps[j];
        for (let it = 0; it < 40 && hi - lo > lo * 1e-6; it++) {
          const mid = (lo + hi) / 2;
          const dm = cost(scenarios[a], mid) - cost(scenarios[b], mid);
          if ((dm < 0n) === (d0 < 0n) && dm !== 0n) lo = mid;
          else hi = mid;
        }
        const x = (lo + hi) / 2;
        const at = [scenarios[a], scenarios[b]].map((s) => ({ s, c: costOf(s, x) }));
        crossovers.push({
          cheaperBelow: d0 < 0n ? scenarios[a].name : scenarios[b].name,
          cheaperAbove: d0 < 0n ? scenarios[b].name : scenarios[a].name,
          rps: x,
          monthlyUsd: Number(at[0].c.total) / 1e18,
          throttled: at.filter((t) => t.c.throttled).map((t) => t.s.name),
        });
      }
    }
  }
  crossovers.sort((x, y) => x.rps - y.rps);
  return { points, crossovers };
}

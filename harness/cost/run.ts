// A bench run prices itself: what it measured per request (bytes, new connections, concurrency per unit of
// rate) is scaled to the profile's request rate, and the result is priced like any profile.
import type { RunResult } from '../result/types.ts';
import { priceScenario } from './engine.ts';
import type { CostScenario, PriceSnapshot, Profile } from './types.ts';

export interface MeasuredTraffic {
  requests: number;
  durationS: number;
  bytesSent: number;
  bytesReceived: number;
  newConnections: number;
  maxConcurrentConnections: number;
}

/** The profile with its per-request shape replaced by what the run measured, at the profile's request rate. */
export function usageFromMeasuredRun(measured: MeasuredTraffic, profile: Profile): Profile {
  const { requests, durationS } = measured;
  if (!(requests > 0) || !(durationS > 0)) throw new Error(`a run with ${requests} requests in ${durationS} s cannot price itself`);
  const measuredRps = requests / durationS;
  const scale = profile.requestsPerSecond / measuredRps;
  return {
    ...profile,
    name: `${profile.name}-measured`,
    source: `${profile.source}, per-request traffic measured by a run (${requests} requests in ${durationS} s)`,
    requestBytes: Math.round(measured.bytesSent / requests),
    responseBytes: Math.round(measured.bytesReceived / requests),
    // New connections per request and concurrency per request/s carry over to the profile's rate.
    newConnectionsPerSecond: (measured.newConnections / requests) * profile.requestsPerSecond,
    activeConnections: measured.maxConcurrentConnections * scale,
  };
}

/** The `cost` block of result.json for a run. */
export function costForRun(scenario: CostScenario, measured: MeasuredTraffic, profile: Profile, prices?: PriceSnapshot): NonNullable<RunResult['cost']> {
  const derived = usageFromMeasuredRun(measured, profile);
  const r = priceScenario(scenario, derived, prices);
  return {
    profile: profile.name, region: r.region, monthlyUsd: r.monthlyUsd, lines: r.lines, fidelity: 'modeled',
    ...(r.warnings.length ? { warnings: r.warnings } : {}),
    basis: `bytes, new connections and concurrency per request measured by this run, scaled to ${profile.requestsPerSecond} req/s (${profile.name}); ` +
      `prices from the ${r.region} snapshot of ${r.snapshotDate}; ${r.hoursPerMonth} h month`,
  };
}

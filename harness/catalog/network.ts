// Network round trips that are not a component of their own but that components add (facts/latency.md).
import type { LatencyModel } from './types.ts';

export const SAME_AZ_RTT: LatencyModel = {
  dist: 'lognormal',
  medianMs: 0.1,
  p99Ms: 0.35,
  confidence: 'medium',
  basis: 'facts/latency.md: same-AZ RTT, qperf/ping measurements 50-400 us',
};

export const CROSS_AZ_RTT: LatencyModel = {
  dist: 'lognormal',
  medianMs: 0.6,
  p99Ms: 2.0,
  confidence: 'medium',
  basis: 'facts/latency.md: cross-AZ RTT 0.25-1.5 ms across regions and AZ pairs; rare spikes to ~10 ms',
};

/** sigma of the lognormal through (median, p99): ln(p99/median) / z(0.99). */
export function lognormalSigma(m: { medianMs: number; p99Ms: number }): number {
  if (m.p99Ms <= m.medianMs) return 0;
  return Math.log(m.p99Ms / m.medianMs) / 2.3263478740408408;
}

// Network round trips that are not a component of their own but that components add. Provenance per
// parameter as for every catalog model (catalog/latency.ts, docs/latency-models.md).
import type { LatencyModel } from './types.ts';
import { assumption, lognormalModel, sourced, SOURCES } from './latency.ts';

export const SAME_AZ_RTT: LatencyModel = lognormalModel({
  medianMs: 0.1,
  p99Ms: 0.35,
  median: assumption('no TCP measurement found; the ICMP figures found are higher (best of 50 pings within one AZ ID: ~0.25 ms) and ICMP on small instances reads above TCP between Nitro instances; 0.1 ms kept', [SOURCES.azPingsXkyle, SOURCES.azPingsLiesis]),
  p99: assumption('no published percentile; 0.35 ms', [SOURCES.azPingsLiesis]),
});

export const CROSS_AZ_RTT: LatencyModel = lognormalModel({
  medianMs: 0.6,
  p99Ms: 2.0,
  median: sourced('low-medium', 'between the measured floors and averages: best-of-50 pings per AZ pair range 0.25-3.37 ms over all regions, a 5-minute series in eu-west-1 averaged 0.82 ms, pairs of one region differ 0.5 vs 1.5 ms; 0.6 ms for a typical pair', SOURCES.azPingsXkyle, SOURCES.azPingsLiesis, SOURCES.azPairsFlashgrid),
  p99: assumption('no published percentile; single samples reached 12.3 ms in the eu-west-1 series, 2.0 ms put for p99', [SOURCES.azPingsLiesis]),
});

/** sigma of the lognormal through (median, p99): ln(p99/median) / z(0.99). */
export function lognormalSigma(m: { medianMs: number; p99Ms: number }): number {
  if (m.p99Ms <= m.medianMs) return 0;
  return Math.log(m.p99Ms / m.medianMs) / 2.3263478740408408;
}

// Latency histograms shared by every driver and by reports: one HdrHistogram configuration (microseconds,
// 3 significant digits) so that histograms from workers, runners and runs can be merged exactly (bucket by
// bucket) and any percentile recomputed later from result.json.
import * as hdr from 'hdr-histogram-js';
import type { EncodedHistogram, LatencySummary } from '../result/types.ts';

export type Histogram = hdr.Histogram;

/** 1 us resolution; 3 significant digits keeps every percentile within 0.1% of the recorded value. */
const SIGNIFICANT_DIGITS = 3;
/** One hour in us; autoResize lets a pathological run exceed it rather than throw mid-measurement. */
const HIGHEST_TRACKABLE_US = 3_600_000_000;

export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

/** Record a latency given in milliseconds (fractional allowed); sub-microsecond values count as 1 us. */
export function recordMs(hist: Histogram, ms: number): void {
  hist.recordValue(Math.max(1, Math.round(ms * 1000)));
}

export function encodeHistogram(hist: Histogram): EncodedHistogram {
  return { encoding: 'hdr-base64', unit: 'us', data: hdr.encodeIntoCompressedBase64(hist) };
}

export function decodeHistogram(enc: EncodedHistogram): Histogram {
  if (enc.encoding !== 'hdr-base64' || enc.unit !== 'us') {
    throw new Error(`unsupported histogram encoding ${enc.encoding}/${enc.unit}: expected hdr-base64 in us`);
  }
  const decoded = hdr.decodeFromCompressedBase64(enc.data, 32, false);
  // Re-home into the canonical configuration so later merges never depend on the sender's settings.
  const hist = newHistogram();
  hist.add(decoded);
  return hist;
}

/** Adds every histogram into a fresh one: counts add per bucket, so percentiles of the result are exact. */
export function mergeHistograms(hists: Iterable<Histogram>): Histogram {
  const merged = newHistogram();
  for (const h of hists) merged.add(h);
  return merged;
}

export function mergeEncoded(encs: Iterable<EncodedHistogram>): EncodedHistogram {
  const decoded = [...encs].map(decodeHistogram);
  return encodeHistogram(mergeHistograms(decoded));
}

const usToMs = (us: number): number => Math.round(us) / 1000;

/** Percentiles in milliseconds. An empty histogram yields zeros (callers report request counts alongside). */
export function summarize(hist: Histogram): LatencySummary {
  if (hist.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, min: 0, stdev: 0 };
  return {
    p50: usToMs(hist.getValueAtPercentile(50)),
    p90: usToMs(hist.getValueAtPercentile(90)),
    p99: usToMs(hist.getValueAtPercentile(99)),
    p999: usToMs(hist.getValueAtPercentile(99.9)),
    // Bucket-level max (not the exact recorded one, which encoding drops) so a summary is the same
    // whether computed live, after decoding, or after merging.
    max: usToMs(hist.getValueAtPercentile(100)),
    mean: Math.round(hist.mean) / 1000,
    min: usToMs(hist.minNonZeroValue),
    stdev: Math.round(hist.stdDeviation) / 1000,
  };
}

import { describe, expect, it } from 'vitest';
import { decodeHistogram, encodeHistogram, mergeEncoded, newHistogram, recordMs, summarize } from '../../harness/load/histogram.ts';

function histOf(valuesMs: number[]) {
  const h = newHistogram();
  for (const v of valuesMs) recordMs(h, v);
  return h;
}

describe('load histogram helpers', () => {
  it('round-trips through the base64 encoding without changing any percentile', () => {
    const values = Array.from({ length: 5000 }, (_, i) => 0.05 + ((i * 7919) % 5000) / 100);
    const h = histOf(values);
    const back = decodeHistogram(encodeHistogram(h));
    expect(back.totalCount).toBe(5000);
    expect(summarize(back)).toEqual(summarize(h));
  });

  it('merges encoded histograms into exactly the histogram of the union', () => {
    const a = Array.from({ length: 3000 }, (_, i) => 1 + (i % 100) / 10);
    const b = Array.from({ length: 1000 }, (_, i) => 50 + (i % 50));
    const merged = decodeHistogram(mergeEncoded([encodeHistogram(histOf(a)), encodeHistogram(histOf(b))]));
    expect(summarize(merged)).toEqual(summarize(histOf([...a, ...b])));
  });

  it('summarizes in milliseconds within the 3-significant-digit resolution', () => {
    const s = summarize(histOf(Array.from({ length: 1000 }, (_, i) => (i + 1) / 10)));
    expect(s.p50).toBeCloseTo(50, 0);
    expect(Math.abs(s.p99 - 99) / 99).toBeLessThan(0.001);
    expect(s.min).toBe(0.1);
  });

  it('rejects an encoding it does not know', () => {
    expect(() => decodeHistogram({ encoding: 'other' as 'hdr-base64', unit: 'us', data: '' })).toThrow(/unsupported/);
  });
});

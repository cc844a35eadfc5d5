// Latency tallies for the hot loop. Recording into hdr-histogram-js costs more than simulating a hop, so the
// loop counts into flat arrays with the same bucket layout HdrHistogram uses at 3 significant digits
// (2048 unit buckets, then 1024 sub-buckets per power of two), and the counts are moved into a real
// HdrHistogram once at the end: the same buckets, so the same percentiles as recording each value.
import { newHistogram, type Histogram } from '../../load/histogram.ts';

const SUB = 1024;
const LINEAR = 2 * SUB;
/** Up to 2^42 us (~51 days): far past any timeout. */
const MAX_EXP = 42;
const SIZE = LINEAR + (MAX_EXP - 10) * SUB;

function indexOfUs(v: number): number {
  if (v < LINEAR) return v;
  if (v < 2147483648) {
    const e31 = 31 - Math.clz32(v);
    const sh = e31 - 10;
    return LINEAR + (sh - 1) * SUB + ((v >>> sh) - SUB);
  }
  // floor(log2 v) past 32 bits: values here stay below 2^42.
  const e = v < 4294967296 ? 31 - Math.clz32(v) : 32 + (31 - Math.clz32(Math.floor(v / 4294967296)));
  if (e >= MAX_EXP) return SIZE - 1;
  const shift = e - 10;
  const sub = Math.floor(v / 2 ** shift); // in [1024, 2047]
  return LINEAR + (shift - 1) * SUB + (sub - SUB);
}

function lowestOf(idx: number): number {
  if (idx < LINEAR) return idx;
  const k = idx - LINEAR;
  const shift = Math.floor(k / SUB) + 1;
  const sub = (k % SUB) + SUB;
  return sub * 2 ** shift;
}

export class FastHist {
  readonly counts = new Float64Array(SIZE);
  total = 0;

  recordMs(ms: number): void {
    const us = ms * 1000 + 0.5;
    const v = us < 1 ? 1 : us < LINEAR ? us | 0 : Math.floor(us);
    this.counts[v < LINEAR ? v : indexOfUs(v)]++;
    this.total++;
  }

  /** The counts as an HdrHistogram (the lab's canonical configuration). */
  toHdr(): Histogram {
    const h = newHistogram();
    const c = this.counts;
    for (let i = 1; i < SIZE; i++) if (c[i] > 0) h.recordValueWithCount(lowestOf(i), c[i]);
    return h;
  }

  /** Percentile in ms straight from the counts (highest value of the bucket, as HdrHistogram reports). */
  percentileMs(p: number): number {
    if (this.total === 0) return 0;
    const want = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 1; i < SIZE; i++) {
      seen += this.counts[i];
      if (seen >= want) return (i + 1 < SIZE ? lowestOf(i + 1) - 1 : lowestOf(i)) / 1000;
    }
    return 0;
  }

  clear(): void {
    this.counts.fill(0);
    this.total = 0;
  }
}

/** Coarse per-interval tallies: 32 log buckets per power of two (~2% resolution), for timeline p99s. */
export class CoarseHist {
  private static readonly PER_OCTAVE = 32;
  private static readonly SIZE = 45 * 32;
  readonly counts = new Float64Array(CoarseHist.SIZE);
  total = 0;

  recordMs(ms: number): void {
    const us = ms * 1000;
    const x = us <= 1 ? 0 : Math.floor(Math.log2(us) * CoarseHist.PER_OCTAVE);
    this.counts[x < CoarseHist.SIZE ? x : CoarseHist.SIZE - 1]++;
    this.total++;
  }

  percentileMs(p: number): number {
    if (this.total === 0) return 0;
    const want = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < CoarseHist.SIZE; i++) {
      seen += this.counts[i];
      if (seen >= want) return 2 ** ((i + 1) / CoarseHist.PER_OCTAVE) / 1000;
    }
    return 0;
  }
}

export { newHistogram };

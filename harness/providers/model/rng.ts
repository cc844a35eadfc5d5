// Seeded randomness for the model: one small, fast generator (sfc32) with the samplers the simulation needs.
// A class with numeric fields keeps the hot loop free of allocation and closures.

const TWO_32 = 4294967296;

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Box-Muller yields normals in pairs; the second is kept for the next call. */
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    // Discard the first outputs so nearby seeds give unrelated streams.
    for (let i = 0; i < 15; i++) this.u32();
  }

  /** sfc32 (Chris Doty-Humphrey's small fast counter generator), 32 bits per call. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in (0, 1): never exactly 0, so logs stay finite. */
  uniform(): number {
    return (this.u32() + 0.5) / TWO_32;
  }

  /** Standard normal (Marsaglia's polar method: no trigonometry; both values used). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(this.uniform()) * mean;
  }

  /** Lognormal exp(mu + sigma z); sigma 0 gives exp(mu) exactly. */
  lognormal(mu: number, sigma: number): number {
    return sigma === 0 ? Math.exp(mu) : Math.exp(mu + sigma * this.normal());
  }

  /** Poisson count (for sampled strata); normal approximation above 50 keeps it O(1). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const l = Math.exp(-mean);
    let k = 0;
    let p = this.uniform();
    while (p > l && k < 1000) {
      k++;
      p *= this.uniform();
    }
    return k;
  }
}

// Seeded randomness for the emulation: every latency sample and weighted choice is reproducible from the run seed.
import { lognormalSigma } from '../catalog/network.ts';

/** mulberry32: small, fast, good enough for sampling delays (not for anything security related). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derive independent streams per hop from one run seed. */
export function deriveSeed(seed: number, salt: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < salt.length; i++) h = Math.imul(h ^ salt.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Lognormal sampler through (median, p99), as the catalog models every hop (facts/latency.md). */
export function lognormalSampler(m: { medianMs: number; p99Ms: number }, rnd: () => number): () => number {
  if (m.medianMs <= 0) return () => 0;
  const mu = Math.log(m.medianMs);
  const sigma = lognormalSigma(m);
  if (sigma === 0) return () => m.medianMs;
  return () => {
    // Box-Muller; 1 - u keeps the log argument away from 0.
    const u1 = 1 - rnd();
    const u2 = rnd();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.exp(mu + sigma * z);
  };
}

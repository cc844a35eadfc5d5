// Seeded randomness for the emulation: every latency sample and weighted choice is reproducible from the run seed.
import { lognormalSigma } from '../catalog/network.ts';
import { standardNormal } from '../lib/random.ts';

export { seededRandom } from '../lib/random.ts';

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
  return () => Math.exp(mu + sigma * standardNormal(rnd));
}

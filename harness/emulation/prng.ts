// Seeded randomness for the emulation: every latency sample and weighted choice is reproducible from the run seed.
import { lognormalSigma } from '../catalog/network.ts';
import { standardNormal } from '../lib/random.ts';

/** Lognormal sampler through (median, p99), as the catalog models every hop (facts/latency.md). */
export function lognormalSampler(m: { medianMs: number; p99Ms: number }, rnd: () => number): () => number {
  if (m.medianMs <= 0) return () => 0;
  const mu = Math.log(m.medianMs);
  const sigma = lognormalSigma(m);
  if (sigma === 0) return () => m.medianMs;
  return () => Math.exp(mu + sigma * standardNormal(rnd));
}

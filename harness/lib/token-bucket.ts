// A fluid token bucket: the one reading of a rate limit that the model provider (429s over time) and the
// cost engine (throttled requests are billed by nobody) share, so the two cannot disagree.

export interface RateLimiter {
  /** Steady rate of the token bucket, req/s (per-AZ limits already multiplied by the AZ count). */
  rateRps: number;
  /** Bucket size, requests. */
  burst: number;
  /** What a refused request gets. */
  status: number;
  /** True when no burst is documented: one second of the rate is assumed. */
  burstAssumed: boolean;
  why: string;
}

/**
 * Fluid token bucket over piecewise-constant rates: requests per second let through in each period, for a
 * cycle that repeats (a day of hourly rates). Within a period at rate r above the bucket rate R, the bucket
 * drains at r - R until empty, then passes R; below R it refills at R - r up to the burst. The cycle is run
 * twice from a full bucket and the second pass is returned: the state a month of identical days settles in.
 * A single period is a constant rate for ever: min(r, R).
 */
export function tokenBucketPassed(ratesRps: number[], periodS: number, lim: Pick<RateLimiter, 'rateRps' | 'burst'>): number[] {
  const R = lim.rateRps;
  if (ratesRps.length <= 1) return ratesRps.map((r) => Math.min(r, R));
  let tokens = lim.burst;
  let out: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    out = [];
    for (const r of ratesRps) {
      if (r <= R) {
        tokens = Math.min(lim.burst, tokens + (R - r) * periodS);
        out.push(r);
        continue;
      }
      const drainS = tokens / (r - R);
      if (drainS >= periodS) {
        tokens -= (r - R) * periodS;
        out.push(r);
      } else {
        tokens = 0;
        out.push((r * drainS + R * (periodS - drainS)) / periodS);
      }
    }
  }
  return out;
}

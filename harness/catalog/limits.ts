// Rate limits as the catalog documents them (a `req/s` limit with an HTTP status, and its burst), read the
// same way by the model provider (a token bucket answering 429) and by the cost engine (throttled requests
// are not billed, nor seen by anything behind the hop). One reading, so the two cannot disagree.
import type { Limit } from './types.ts';

export interface RateLimiter {
  /** Steady rate of the token bucket, req/s (per-AZ limits already multiplied by the AZ count). */
  rateRps: number;
  /** Bucket size, requests. */
  burst: number;
  /** What a refused request gets. */
  status: number;
  /** True when the catalog documents no burst: one second of the rate is assumed. */
  burstAssumed: boolean;
  why: string;
}

/** The token bucket a hop's documented limits describe, or null when it has no rate limit with a status. */
export function rateLimiterOf(limits: Limit[], azs: number): RateLimiter | null {
  const rate = limits.find((l) => l.unit === 'req/s' && l.status);
  if (!rate) return null;
  const perAz = /per AZ/i.test(rate.name);
  const rateRps = perAz ? rate.value * azs : rate.value;
  const burstLimit = limits.find((l) => l.unit === 'requests' && l.status === rate.status);
  // Without a documented burst, one second of the rate (an assumption, said where it is used).
  const burst = burstLimit ? burstLimit.value : rateRps;
  return {
    rateRps,
    burst,
    status: rate.status!,
    burstAssumed: !burstLimit,
    why: `${rate.name}: ${rate.value} req/s${perAz ? ` x ${azs} AZs` : ''}, burst ${burst}${burstLimit ? '' : ' (1 s of the rate: no documented burst)'} -> ${rate.status}`,
  };
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

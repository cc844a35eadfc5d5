// Rate limits as the catalog documents them (a `req/s` limit with an HTTP status, and its burst), turned into
// the token bucket the model provider and the cost engine both run (lib/token-bucket.ts).
import type { Limit } from './types.ts';
import type { RateLimiter } from '../lib/token-bucket.ts';

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

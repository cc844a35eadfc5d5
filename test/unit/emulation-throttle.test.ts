import { describe, it, expect } from 'vitest';
import { TokenBucket, RateRule, scaledThrottle, DEFAULT_THROTTLE_SCALE } from '../../harness/emulation/throttle.ts';

describe('API Gateway token bucket and WAF rate rule (pure, caller-supplied clock)', () => {
  it('serves the burst at once, then refuses until tokens refill at the rate', () => {
    const b = new TokenBucket(10, 5, 0);
    const first = Array.from({ length: 7 }, () => b.take(0));
    expect(first).toEqual([true, true, true, true, true, false, false]);
    expect(b.take(99)).toBe(false); // 0.99 tokens
    expect(b.take(200)).toBe(true); // 1.01 more
    expect(Array.from({ length: 10 }, () => b.take(10_000)).filter(Boolean)).toHaveLength(5); // capped at burst
  });

  it('scales the account defaults by a documented factor', () => {
    expect(scaledThrottle({ rateRps: 10_000, burst: 5_000 }, DEFAULT_THROTTLE_SCALE)).toEqual({ rateRps: 10_000 / DEFAULT_THROTTLE_SCALE, burst: 5_000 / DEFAULT_THROTTLE_SCALE });
    expect(scaledThrottle({ rateRps: 5, burst: 3 }, 10).burst).toBe(1);
  });

  it('rate-based rule blocks a source above its limit within 5 minutes, per source', () => {
    const r = new RateRule(10);
    const a = Array.from({ length: 12 }, (_, i) => r.over('127.1.0.1', i));
    expect(a.filter(Boolean)).toHaveLength(2);
    expect(r.over('127.1.0.2', 12)).toBe(false);
    expect(r.over('127.1.0.1', 400_000)).toBe(false); // window passed
  });
});

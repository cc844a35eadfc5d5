// Token bucket (API Gateway account throttling): `rate` tokens per second refill a bucket of `burst`.
// Pure: the caller passes the clock, so the behaviour is testable without timing.

/** Divides AWS's account defaults (10,000 rps, burst 5,000) so 429s are reachable on one small machine. */
export const DEFAULT_THROTTLE_SCALE = 10;

export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    readonly ratePerS: number,
    readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.last = nowMs;
  }

  /** Takes one token if available. */
  take(nowMs: number): boolean {
    const elapsed = Math.max(0, nowMs - this.last) / 1000;
    this.last = nowMs;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.ratePerS);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

export function scaledThrottle(t: { rateRps: number; burst: number }, scale: number): { rateRps: number; burst: number } {
  const s = scale > 0 ? scale : 1;
  return { rateRps: t.rateRps / s, burst: Math.max(1, Math.floor(t.burst / s)) };
}

/** WAF rate-based rule: requests per source over a sliding 5-minute window (counted per second bucket). */
export class RateRule {
  private counts = new Map<string, number[]>();
  constructor(readonly limitPer5Min: number) {}

  /** Records one request; true when this source is over the limit (AWS blocks with 403). */
  over(source: string, nowMs: number): boolean {
    const list = (this.counts.get(source) ?? []).filter((t) => nowMs - t < 300_000);
    list.push(nowMs);
    this.counts.set(source, list);
    return list.length > this.limitPer5Min;
  }
}

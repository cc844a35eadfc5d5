// Normal quantiles for minimum detectable effects and drift allowances. The CDF is the lab's one normal
// CDF (report/stats.ts; issue 18 moves it next to this folder); the quantile inverts it by bisection, which
// is within ~2e-5 in z up to p = 0.9999, where simple-statistics' probit is off by ~7e-3 at 0.995.
import { normalCdf } from '../../report/stats.ts';

export { normalCdf };

/** z with normalCdf(z) = p, for 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  let lo = -12;
  let hi = 12;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// The month: how many hours are billed, and the hour-of-day slices at which per-hour dimensions (LCU, NLCU,
// Lattice's free allowance, gateway replicas) are evaluated. AWS bills these per hour, so a daily shape
// must be fed hour by hour: the max over dimensions of an average hour is not the average of hourly maxima.
//
// Two kinds of hours: hourly FEES (a load balancer, a NAT gateway, an endpoint existing for an hour) bill a
// partial hour as a full one, so they use `billableHours` (rounded up); USAGE (requests, GB, capacity units
// at a rate) is counted over the exact `usageHours`: 100.5 hours of traffic is 100.5 hours of requests.
import type { MonthModel, Profile } from './types.ts';

export const DEFAULT_HOURS_PER_MONTH = 730;
/** AWS's average month (its examples use it): the length a partial month is a part of, unless told. */
export const AVERAGE_MONTH_HOURS = 730;
/** A calendar month is 28 to 31 days. */
export const MIN_MONTH_HOURS = 672;
export const MAX_MONTH_HOURS = 744;

/**
 * The length of the calendar month the profile's hours fall in (monthly fees are prorated against it): the
 * profile's `monthLengthHours`, else `hoursPerMonth` itself when that is a whole month (28 days or more),
 * else AWS's 730-hour average month.
 */
export function monthLength(p: Pick<Profile, 'hoursPerMonth' | 'monthLengthHours'>): number {
  if (p.monthLengthHours !== undefined) return p.monthLengthHours;
  return p.hoursPerMonth >= MIN_MONTH_HOURS ? p.hoursPerMonth : AVERAGE_MONTH_HOURS;
}

export function monthModel(p: Pick<Profile, 'hoursPerMonth' | 'hourlyShape' | 'monthLengthHours'>): MonthModel {
  const usageHours = p.hoursPerMonth;
  // Partial hours bill as full hours for hourly fees (ELB, NAT, Lattice, EKS, endpoints, addresses).
  const billableHours = Math.ceil(p.hoursPerMonth);
  const monthLengthHours = monthLength(p);
  if (!p.hourlyShape) return { billableHours, usageHours, monthLengthHours, slices: [{ hours: usageHours, factor: 1 }] };
  const mean = p.hourlyShape.reduce((a, b) => a + b, 0) / p.hourlyShape.length;
  return {
    billableHours, usageHours, monthLengthHours,
    slices: p.hourlyShape.map((w) => ({ hours: usageHours / p.hourlyShape!.length, factor: mean > 0 ? w / mean : 0 })),
  };
}

/** Sum over the month of f(factor) per hour: e.g. LCU-hours = perHour(m, (k) => lcu(rate * k)). */
export function perHour(m: MonthModel, f: (factor: number) => number): number {
  let s = 0;
  for (const sl of m.slices) s += sl.hours * f(sl.factor);
  return s;
}

/** Peak factor of the month (1 without a shape). */
export function peakFactor(m: MonthModel): number {
  let p = 0;
  for (const sl of m.slices) p = Math.max(p, sl.factor);
  return p;
}

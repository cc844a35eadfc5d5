// The month: how many hours are billed, and the hour-of-day slices at which per-hour dimensions (LCU, NLCU,
// Lattice's free allowance, gateway replicas) are evaluated. AWS bills these per hour, so a daily shape
// must be fed hour by hour: the max over dimensions of an average hour is not the average of hourly maxima.
import type { MonthModel, Profile } from './types.ts';

export const DEFAULT_HOURS_PER_MONTH = 730;

export function monthModel(p: Pick<Profile, 'hoursPerMonth' | 'hourlyShape'>): MonthModel {
  // Partial hours bill as full hours (ELB, NAT, Lattice, EKS).
  const billableHours = Math.ceil(p.hoursPerMonth);
  if (!p.hourlyShape) return { billableHours, slices: [{ hours: billableHours, factor: 1 }] };
  const mean = p.hourlyShape.reduce((a, b) => a + b, 0) / p.hourlyShape.length;
  return {
    billableHours,
    slices: p.hourlyShape.map((w) => ({ hours: billableHours / p.hourlyShape!.length, factor: mean > 0 ? w / mean : 0 })),
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

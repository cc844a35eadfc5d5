// Capacity units (ALB LCU, NLB NLCU): per hour, the LARGEST of the dimensions, never their sum; summed over
// the month hour by hour (facts/aws-pricing.md pitfalls 1 and 3).
import { perHour } from '../../cost/hours.ts';
import { fmtNum } from '../../cost/units.ts';
import type { MonthModel } from '../../cost/types.ts';

export interface Dimension {
  name: string;
  /** Units per capacity unit at factor 1, e.g. new connections/s divided by 25. */
  at: (factor: number) => number;
}

export interface CapacityUse {
  /** Capacity-unit-hours over the month. */
  unitHours: number;
  /** The dimensions at the mean hour, for the bill's note. */
  meanHour: Array<{ name: string; units: number }>;
  dominant: string;
}

export function capacityUnits(month: MonthModel, dims: Dimension[]): CapacityUse {
  const unitHours = perHour(month, (k) => {
    let m = 0;
    for (const d of dims) m = Math.max(m, d.at(k));
    return m;
  });
  const meanHour = dims.map((d) => ({ name: d.name, units: d.at(1) }));
  const dominant = meanHour.reduce((a, b) => (b.units > a.units ? b : a)).name;
  return { unitHours, meanHour, dominant };
}

export function capacityNote(use: CapacityUse, unitName: string, shaped: boolean): string {
  const parts = use.meanHour.map((d) => `${d.name} ${fmtNum(d.units)}`).join(', ');
  return `mean hour: max(${parts}) = ${fmtNum(Math.max(...use.meanHour.map((d) => d.units)))} ${unitName} (${use.dominant})` +
    (shaped ? '; evaluated hour by hour over the 24-hour shape' : '');
}

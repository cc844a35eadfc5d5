// Monthly tiered prices: the quantity is split across the tiers it reaches, one bill line per tier, so the
// reader sees the boundary. Tiers count per month per account (per region, per CloudFront geography).
import { MissingPriceError } from './prices.ts';
import { fmtNum } from './units.ts';
import type { CostLineDraft, Price } from './types.ts';

export interface TierSlice {
  from: number;
  to: number | null;
  quantity: number;
  nano: bigint;
}

/** Splits `quantity` (in the price's unit) over its tiers. Beyond the last bounded tier is a missing price. */
export function splitTiers(price: Price, quantity: number): TierSlice[] {
  if (!price.tiers) throw new Error(`price ${price.key} is not tiered`);
  const out: TierSlice[] = [];
  let from = 0;
  for (const t of price.tiers) {
    if (quantity <= from) break;
    const top = t.upTo === null ? quantity : Math.min(quantity, t.upTo);
    out.push({ from, to: t.upTo, quantity: top - from, nano: t.nano });
    if (t.upTo === null) return out;
    from = t.upTo;
  }
  if (quantity > from) {
    throw new MissingPriceError(price.key, price.region, '', `no tier beyond ${from} ${price.unit}; usage is ${round(quantity)} ${price.unit}`);
  }
  return out;
}

/** Bill lines for a tiered quantity; zero usage gives one zero line at the first tier (the bill says so). */
export function tieredLines(price: Price, quantity: number, item: string, note?: string): CostLineDraft[] {
  if (quantity <= 0) return [{ item, quantity: 0, unit: price.unit, price: flat(price, price.tiers![0].nano), note }];
  const slices = splitTiers(price, quantity);
  return slices.map((s, i) => ({
    item: slices.length > 1 || s.to !== null ? `${item} (${tierLabel(s, price.unit)})` : item,
    quantity: s.quantity,
    unit: price.unit,
    price: flat(price, s.nano),
    note: i === 0 ? note : undefined,
  }));
}

function tierLabel(s: TierSlice, unit: string): string {
  return s.to === null ? `over ${fmt(s.from)} ${unit}` : s.from === 0 ? `first ${fmt(s.to)} ${unit}` : `${fmt(s.from)}-${fmt(s.to)} ${unit}`;
}

/** A tier as a flat price with the same key and source, for one line. */
export function flat(p: Price, nano: bigint): Price {
  return { ...p, nano, tiers: undefined };
}

function fmt(n: number): string {
  return fmtNum(n, 0);
}

function round(n: number): string {
  return fmtNum(n, 3);
}

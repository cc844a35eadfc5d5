// Exact money: prices are decimal strings parsed into integer nano-dollars per unit, quantities are rounded
// once into integer nano-units, and their product is an integer in 1e-18 USD. Sums stay exact bigints;
// the only rounding to cents happens when a figure is displayed.

const NANO = 1_000_000_000n;
/** 1 USD in the unit of Money (1e-18 USD). */
export const ONE_USD = NANO * NANO;

/** An amount of money in 1e-18 USD. */
export type Money = bigint;

/** Parses "0.0225" into nano-USD exactly; more than 9 decimals is an error (nothing is silently rounded). */
export function parseNano(decimal: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,9}))?$/.exec(decimal.trim());
  if (!m) throw new Error(`not a decimal with at most 9 fraction digits: "${decimal}"`);
  const frac = (m[3] ?? '').padEnd(9, '0');
  const v = BigInt(m[2]) * NANO + BigInt(frac);
  return m[1] ? -v : v;
}

/** A quantity (requests, GB, LCU-hours...) as integer nano-units: the one place a float becomes exact. */
export function toNanoUnits(quantity: number): bigint {
  if (!Number.isFinite(quantity)) throw new Error(`quantity is not finite: ${quantity}`);
  return BigInt(Math.round(quantity * 1e9));
}

/** quantity x unit price, exact. */
export function times(quantityNano: bigint, priceNano: bigint): Money {
  return quantityNano * priceNano;
}

export function sum(values: Iterable<Money>): Money {
  let s = 0n;
  for (const v of values) s += v;
  return s;
}

/** For JSON and sorting: a float of the exact amount (display only). */
export function toUsd(m: Money): number {
  const whole = m / ONE_USD;
  const rest = m % ONE_USD;
  return Number(whole) + Number(rest) / 1e18;
}

/** Exact decimal string with 18 fraction digits trimmed, e.g. "22.7322". */
export function toExactString(m: Money): string {
  const neg = m < 0n;
  const a = neg ? -m : m;
  const whole = a / ONE_USD;
  const rest = a % ONE_USD;
  if (rest === 0n) return `${neg ? '-' : ''}${whole}`;
  const digits = rest.toString().padStart(18, '0');
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--; // trailing zeros
  return `${neg ? '-' : ''}${whole}.${digits.slice(0, end)}`;
}

/** Rounds half away from zero to `digits` decimals: the single rounding, at display. */
export function formatUsd(m: Money, digits = 2): string {
  const scale = 10n ** BigInt(18 - digits);
  const neg = m < 0n;
  const a = neg ? -m : m;
  let q = a / scale;
  if ((a % scale) * 2n >= scale) q += 1n;
  const s = q.toString().padStart(digits + 1, '0');
  const whole = s.slice(0, s.length - digits);
  const frac = s.slice(s.length - digits);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg && q !== 0n ? '-' : ''}${grouped}${digits ? '.' + frac : ''}`;
}

/** A nano-USD unit price as a number, for the JSON `unitPriceUsd` field. */
export function nanoToNumber(n: bigint): number {
  return Number(n) / 1e9;
}

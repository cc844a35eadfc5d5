// How a bill is shown in cents so that what the reader adds up is what the bill says. Rounding every line
// on its own does not add up (AWS's ALB example: $16.425 + $6.3072 = $22.7322 shows as 16.43 + 6.31 = 22.74
// under a total of 22.73). Rule, applied top-down with the largest-remainder method:
//   1. the total is the exact sum rounded once to the cent, half up;
//   2. that many cents are shared among the components: each gets its exact subtotal rounded down, and the
//      cents left over go to the largest remainders (ties: first on the bill);
//   3. each component's cents are shared among its lines the same way.
// So shown lines add up to their shown subtotal, subtotals to the shown total, and every shown figure is
// its exact amount rounded down or up (never more than one cent off). Exact amounts stay in JSON.
import { ONE_USD, type Money } from './money.ts';

const CENT = ONE_USD / 100n;

export interface DisplayLine {
  component: string;
  money: Money;
}

export interface DisplayGroup<L extends DisplayLine> {
  component: string;
  exact: Money;
  cents: bigint;
  lines: Array<{ line: L; cents: bigint }>;
}

export interface DisplayBill<L extends DisplayLine> {
  totalExact: Money;
  totalCents: bigint;
  groups: Array<DisplayGroup<L>>;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** Half away from zero, to the cent. */
export function roundCents(m: Money): bigint {
  const a = m < 0n ? -m : m;
  let q = a / CENT;
  if ((a % CENT) * 2n >= CENT) q += 1n;
  return m < 0n ? -q : q;
}

/**
 * Shares `target` cents among `amounts` (exact): each gets its amount rounded down, the rest go one by one to
 * the largest remainders, ties to the earlier index. `target` must lie between the sum of the floors and the
 * sum of the ceilings, which holds when it is the rounded sum or a share computed by this function.
 */
export function apportionCents(amounts: Money[], target: bigint): bigint[] {
  const floors = amounts.map((a) => floorDiv(a, CENT));
  let left = target - floors.reduce((s, f) => s + f, 0n);
  if (left < 0n || left > BigInt(amounts.length)) throw new Error(`cannot share ${target} cents among ${amounts.length} amounts`);
  const order = amounts.map((a, i) => ({ i, rest: a - floors[i] * CENT })).sort((x, y) => (x.rest === y.rest ? x.i - y.i : x.rest > y.rest ? -1 : 1));
  const out = [...floors];
  for (const { i, rest } of order) {
    if (left === 0n) break;
    if (rest === 0n) continue;
    out[i] += 1n;
    left -= 1n;
  }
  if (left !== 0n) throw new Error(`${left} cents left over when sharing ${target} cents`);
  return out;
}

/** Groups lines by component (in order of first appearance) and gives every line, subtotal and the total its shown cents. */
export function displayBill<L extends DisplayLine>(lines: L[]): DisplayBill<L> {
  const byComponent = new Map<string, L[]>();
  for (const l of lines) {
    const g = byComponent.get(l.component);
    if (g) g.push(l);
    else byComponent.set(l.component, [l]);
  }
  const comps = [...byComponent];
  const exacts = comps.map(([, ls]) => ls.reduce((s, l) => s + l.money, 0n));
  const totalExact = exacts.reduce((s, e) => s + e, 0n);
  const totalCents = roundCents(totalExact);
  const compCents = apportionCents(exacts, totalCents);
  const groups = comps.map(([component, ls], gi) => {
    const cents = apportionCents(ls.map((l) => l.money), compCents[gi]);
    return { component, exact: exacts[gi], cents: compCents[gi], lines: ls.map((line, i) => ({ line, cents: cents[i] })) };
  });
  return { totalExact, totalCents, groups };
}

/** 123456n -> "1,234.56" (negative with a leading minus). */
export function formatCents(c: bigint): string {
  const neg = c < 0n;
  const s = (neg ? -c : c).toString().padStart(3, '0');
  const whole = s.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${whole}.${s.slice(-2)}`;
}

/** An exact decimal string ("22.7322", as result.json's monthlyUsdExact) back to Money; a float when only that exists. */
export function moneyOf(exact: string | undefined, float: number): Money {
  const src = exact ?? float.toFixed(9);
  const m = /^(-?)(\d+)(?:\.(\d{1,18}))?$/.exec(src.trim());
  if (!m) throw new Error(`not an exact USD amount: "${src}"`);
  const v = BigInt(m[2]) * ONE_USD + BigInt((m[3] ?? '').padEnd(18, '0'));
  return m[1] ? -v : v;
}

export const DISPLAY_RULE =
  'amounts shown in cents add up: the total is the exact sum rounded once (half up); components and then their lines share those cents by the largest-remainder method, so each shown figure is its exact amount rounded down or up';

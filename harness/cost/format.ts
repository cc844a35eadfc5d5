// Rendering of bills, comparisons and rate sweeps as text tables, markdown or JSON: pure functions.
import { formatUsd, toExactString } from './money.ts';
import { DISPLAY_RULE, displayBill, formatCents } from './display.ts';
import type { PricedScenario } from './engine.ts';
import type { Crossover, SweepPoint } from './sweep.ts';

export type CostFormat = 'table' | 'md' | 'json';

function num(n: number): string {
  if (n === 0) return '0';
  const abs = Math.abs(n);
  const digits = abs >= 1000 ? 0 : abs >= 1 ? 4 : 6;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function price(n: number): string {
  return '$' + n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 9 });
}

function table(head: string[], rows: string[][], md: boolean, rightAlign: boolean[] = []): string {
  if (md) {
    const sep = head.map((_, i) => (rightAlign[i] ? '---:' : '---'));
    return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  }
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (rightAlign[i] ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd();
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

export function costHeader(p: PricedScenario): string {
  const r = p.result;
  return `Monthly cost of ${r.scenario} in ${r.region}: fidelity MODELED (computed from the price snapshot of ${r.snapshotDate}, not measured); month = ${r.hoursPerMonth} h`;
}

/**
 * One scenario's bill: every line grouped by component with a subtotal per component of more than one line,
 * why, and the total. Shown amounts add up (display.ts); JSON keeps every exact amount.
 */
export function renderBill(p: PricedScenario, format: CostFormat): string {
  const r = p.result;
  const shown = displayBill(p.lines);
  if (format === 'json') {
    return JSON.stringify({ scenario: r.scenario, region: r.region, monthlyUsd: r.monthlyUsd, lines: r.lines, monthlyUsdExact: r.monthlyUsdExact,
      subtotals: shown.groups.map((g) => ({ component: g.component, monthlyUsdExact: toExactString(g.exact) })),
      hoursPerMonth: r.hoursPerMonth, snapshotDate: r.snapshotDate, fidelity: r.fidelity, warnings: r.warnings, assumptions: r.assumptions }, null, 2);
  }
  const md = format === 'md';
  const rows: string[][] = [];
  for (const g of shown.groups) {
    for (const { line: l, cents } of g.lines) rows.push([l.component, l.item, num(l.quantity), l.unit, price(l.unitPriceUsd), formatCents(cents)]);
    if (g.lines.length > 1) rows.push([g.component, md ? '**subtotal**' : '= subtotal', '', '', '', md ? `**${formatCents(g.cents)}**` : formatCents(g.cents)]);
  }
  rows.push([md ? '**total**' : 'total', '', '', '', '', md ? `**${formatCents(shown.totalCents)}**` : formatCents(shown.totalCents)]);
  const out = [md ? `### ${costHeader(p)}` : costHeader(p), ''];
  if (r.warnings.length) out.push(md ? '**Warnings**' : 'WARNINGS:', ...r.warnings.map((w) => `- ${w}`), '');
  out.push(table(['component', 'item', 'quantity', 'unit', 'unit price', 'USD/month'], rows, md, [false, false, true, false, true, true]));
  const notes = shown.groups.flatMap((g) => g.lines.map((x) => x.line)).filter((l) => l.note).map((l) => `${l.component} / ${l.item}: ${l.note}`);
  if (notes.length) out.push('', md ? '**Why**' : 'Why:', ...notes.map((n) => `- ${n}`));
  out.push('', md ? '**Assumptions**' : 'Assumptions:', ...r.assumptions.map((a) => `- ${a}`));
  out.push(`- ${DISPLAY_RULE}; exact total ${r.monthlyUsdExact} USD`);
  return out.join('\n');
}

/** One table across scenarios: total, and the largest lines of each. */
export function renderCompare(list: PricedScenario[], format: CostFormat): string {
  if (format === 'json') return JSON.stringify(list.map((p) => ({ scenario: p.result.scenario, region: p.result.region, monthlyUsd: p.result.monthlyUsd, lines: p.result.lines })), null, 2);
  const md = format === 'md';
  const sorted = [...list].sort((a, b) => (a.total < b.total ? -1 : a.total > b.total ? 1 : 0));
  const cheapest = sorted[0]?.total ?? 0n;
  const rows = sorted.map((p) => {
    const byComponent = new Map<string, bigint>();
    for (const l of p.lines) byComponent.set(l.component, (byComponent.get(l.component) ?? 0n) + l.money);
    const top = [...byComponent].sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0)).slice(0, 3).map(([c, m]) => `${c} ${formatUsd(m)}`).join(', ');
    return [p.result.scenario + (p.result.warnings.length ? ' *' : ''), formatUsd(p.total), p.total === cheapest ? '-' : `+${formatUsd(p.total - cheapest)}`, top];
  });
  const r0 = list[0]?.result;
  const head = r0 ? `Monthly cost by topology in ${r0.region}: fidelity MODELED (price snapshot of ${r0.snapshotDate}); month = ${r0.hoursPerMonth} h` : 'no scenarios';
  const out = [md ? `### ${head}` : head, '', table(['scenario', 'USD/month', 'vs cheapest', 'largest components'], rows, md, [false, true, true, false])];
  const warned = sorted.filter((p) => p.result.warnings.length);
  if (warned.length) {
    out.push('', '* prices only what its throttle lets through; the rest is answered 429 (not comparable at face value):');
    for (const p of warned) for (const w of p.result.warnings) out.push(`- ${p.result.scenario}: ${w}`);
  }
  return out.join('\n');
}

/** Cost against request rate at a few rates, then every crossover. */
export function renderSweep(points: SweepPoint[], crossovers: Crossover[], format: CostFormat, shown = 9): string {
  if (format === 'json') return JSON.stringify({ points, crossovers }, null, 2);
  const md = format === 'md';
  const names = Object.keys(points[0]?.costs ?? {});
  const pick = points.length <= shown ? points : Array.from({ length: shown }, (_, i) => points[Math.round((i * (points.length - 1)) / (shown - 1))]);
  const fmtRps = (r: number) => r.toLocaleString('en-US', { maximumFractionDigits: r < 10 ? 2 : 0 });
  const usd = (v: number) => v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const rows = names.map((n) => [n, ...pick.map((p) => usd(p.costs[n]))]);
  const out = [
    (md ? '### ' : '') + `Monthly USD against request rate (${points.length} rates swept, ${pick.length} shown): fidelity MODELED`,
    '',
    table(['scenario \\ req/s', ...pick.map((p) => fmtRps(p.rps))], rows, md, [false, ...pick.map(() => true)]),
    '',
    md ? '**Crossovers**' : 'Crossovers (where the cheaper topology changes):',
  ];
  if (!crossovers.length) out.push('- none in this range');
  for (const c of crossovers) {
    const why = c.throttled.includes(c.cheaperAbove) ? ` (only because ${c.cheaperAbove}'s throttle refuses part of the traffic there: 429s are not billed)` : '';
    out.push(`- at ${fmtRps(c.rps)} req/s (${usd(c.monthlyUsd)} USD/month): ${c.cheaperBelow} is cheaper below, ${c.cheaperAbove} above${why}`);
  }
  const limited = names.map((n) => ({ n, from: points.find((p) => p.throttled.includes(n))?.rps })).filter((x) => x.from !== undefined);
  if (limited.length) {
    out.push('', md ? '**Throttled** (cost of what gets through; the rest is answered 429)' : 'Throttled (cost of what gets through; the rest is answered 429):');
    for (const x of limited) out.push(`- ${x.n}: from ${fmtRps(x.from!)} req/s (daily mean) in this sweep`);
  }
  return out.join('\n');
}

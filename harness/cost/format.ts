// Rendering of bills, comparisons and rate sweeps as text tables, markdown or JSON: pure functions.
import { formatUsd } from './money.ts';
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

/** One scenario's bill: every line, why, and the total (rounded once, from the exact sum). */
export function renderBill(p: PricedScenario, format: CostFormat): string {
  const r = p.result;
  if (format === 'json') {
    return JSON.stringify({ scenario: r.scenario, region: r.region, monthlyUsd: r.monthlyUsd, lines: r.lines, monthlyUsdExact: r.monthlyUsdExact,
      hoursPerMonth: r.hoursPerMonth, snapshotDate: r.snapshotDate, fidelity: r.fidelity, assumptions: r.assumptions }, null, 2);
  }
  const md = format === 'md';
  const rows = p.lines.map((l) => [l.component, l.item, num(l.quantity), l.unit, price(l.unitPriceUsd), formatUsd(l.money)]);
  rows.push(['total', '', '', '', '', formatUsd(p.total)]);
  const out = [md ? `### ${costHeader(p)}` : costHeader(p), '', table(['component', 'item', 'quantity', 'unit', 'unit price', 'USD/month'], rows, md, [false, false, true, false, true, true])];
  const notes = p.lines.filter((l) => l.note).map((l) => `${l.component} / ${l.item}: ${l.note}`);
  if (notes.length) out.push('', md ? '**Why**' : 'Why:', ...notes.map((n) => `- ${n}`));
  out.push('', md ? '**Assumptions**' : 'Assumptions:', ...r.assumptions.map((a) => `- ${a}`));
  out.push(`- line amounts are rounded for display; the total is the exact sum (${r.monthlyUsdExact} USD) rounded once`);
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
    return [p.result.scenario, formatUsd(p.total), p.total === cheapest ? '-' : `+${formatUsd(p.total - cheapest)}`, top];
  });
  const r0 = list[0]?.result;
  const head = r0 ? `Monthly cost by topology in ${r0.region}: fidelity MODELED (price snapshot of ${r0.snapshotDate}); month = ${r0.hoursPerMonth} h` : 'no scenarios';
  return [md ? `### ${head}` : head, '', table(['scenario', 'USD/month', 'vs cheapest', 'largest components'], rows, md, [false, true, true, false])].join('\n');
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
  for (const c of crossovers) out.push(`- at ${fmtRps(c.rps)} req/s (${usd(c.monthlyUsd)} USD/month): ${c.cheaperBelow} is cheaper below, ${c.cheaperAbove} above`);
  return out.join('\n');
}

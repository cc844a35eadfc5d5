// Number formatting shared by the text renderers: fixed, readable precision, fidelity always attached.
import type { CostLine, Fidelity } from '../result/types.ts';
import { displayBill, formatCents, moneyOf } from '../cost/display.ts';

export function ms(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio === 1 || ratio === 0 ? 0 : 1)}%`;
}

export function usd(v: number): string {
  return v >= 100 ? `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}` : `$${v.toFixed(2)}`;
}

export function tag(f: Fidelity): string {
  return `_${f}_`;
}

/**
 * A result's bill lines as table rows grouped by component, a subtotal row after each component of more
 * than one line, and the total row: shown amounts add up (cost/display.ts), rounded from the exact amounts.
 */
export function billRows(lines: CostLine[]): { rows: Array<{ kind: 'line' | 'subtotal' | 'total'; cells: string[] }>; total: string } {
  const shown = displayBill(lines.map((l) => ({ ...l, money: moneyOf(l.monthlyUsdExact, l.monthlyUsd) })));
  const rows: Array<{ kind: 'line' | 'subtotal' | 'total'; cells: string[] }> = [];
  for (const g of shown.groups) {
    for (const { line: l, cents } of g.lines) rows.push({ kind: 'line', cells: [l.component, l.item, fmtQuantity(l.quantity), l.unit, `$${l.unitPriceUsd}`, `$${formatCents(cents)}`] });
    if (g.lines.length > 1) rows.push({ kind: 'subtotal', cells: [g.component, 'subtotal', '', '', '', `$${formatCents(g.cents)}`] });
  }
  const total = `$${formatCents(shown.totalCents)}`;
  rows.push({ kind: 'total', cells: ['total', '', '', '', '', total] });
  return { rows, total };
}

export function fmtQuantity(q: number): string {
  return Number.isInteger(q) ? q.toLocaleString('en-US') : q.toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** The gateway's own time rows (report.md and report.html share them): span, p50, p90, p99, max (ms). */
export function gatewayTimeRows(g: NonNullable<import('../result/types.ts').HopRealization['gatewayTime']>): string[][] {
  const row = (name: string, x: { p50: number; p90: number; p99: number; max: number }) => [name, ms(x.p50), ms(x.p90), ms(x.p99), ms(x.max)];
  return [
    row('own time (request path + response path)', g.ownMs),
    row('request path: downstream request start -> upstream request start', g.requestPathMs),
    row('response path: upstream response end -> downstream response end', g.responsePathMs),
    row('upstream: service and wire, as the gateway saw them', g.upstreamMs),
    row('total: downstream request start -> response end', g.totalMs),
  ];
}

/** A hop's measured added latency in this run (start-up probes, nothing injected), for tables. */
export function hopAddedText(h: { addedMs?: { p50: number; p99: number } | null }, last: boolean): string {
  // A difference of two percentiles of a few hundred probes can come out negative: that is probe noise, not a
  // hop that saves time; say so instead of printing a negative latency as if it were measured.
  const one = (x: number) => (x < 0 ? `~0 (${ms(x)}: probe noise)` : ms(x));
  if (h.addedMs) return `${one(h.addedMs.p50)} / ${one(h.addedMs.p99)} ms`;
  if (h.addedMs === null) return 'not probed (see notes)';
  return last ? '(the floor)' : '';
}

/** How a local run was realized, in one sentence (report.md and report.html). */
export function emulationText(e: { realization: string; reason: string; delays: string; kernelHops?: string[] }): string {
  const where =
    e.realization === 'netns-kernel-nat'
      ? `kernel NAT in the run's own network namespace for ${e.kernelHops?.length ? e.kernelHops.join(', ') : 'no hop'}, processes for the other emulated hops`
      : e.realization === 'netns-processes'
        ? "every emulated hop a process, in the run's own network namespace"
        : 'every emulated hop a process on loopback';
  const delays =
    e.delays === 'driver'
      ? 'modeled delays applied once per request by the load driver'
      : e.delays === 'delay-stage'
        ? 'modeled delays applied by one delay stage in front of the entry (the driver cannot hold requests)'
        : e.delays === 'hops'
          ? 'modeled delays applied inside each hop process'
          : 'no modeled delay applied';
  return `${where}; ${delays} (${e.reason}).`;
}

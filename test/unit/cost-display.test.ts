// Bill tables show amounts that add up: lines to their component's subtotal, subtotals to the total, in
// the cost command, report.md and report.html. AWS's ALB example is the case that used to read
// $16.43 + $6.31 = $22.74 under an exact $22.7322.
import { describe, expect, it } from 'vitest';
import { profile, scenario, usd } from './cost-helpers.ts';
import { apportionCents, displayBill, formatCents, moneyOf, roundCents } from '../../harness/cost/display.ts';
import { loadProfile, priceScenarioExact, renderBill } from '../../harness/cost/index.ts';
import { loadScenarioOrThrow, scenarioNames } from '../../harness/scenario/resolve.ts';
import { billRows } from '../../harness/report/format.ts';
import { toExactString } from '../../harness/cost/money.ts';

// ALB example 1 (1.08 LCU) over 730 hours: $16.425 hours + $6.3072 LCU = $22.7322.
const alb = scenario('    - component: alb\n      settings: { rulesEvaluated: 60 }');
const ex1 = profile({ newConnectionsPerSecond: 1, activeConnections: 120, requestsPerSecond: 5, requestBytes: 0, responseBytes: 60_000 });

describe('largest-remainder display in cents', () => {
  it('the ALB example shows 16.42 + 6.31 = 22.73: each line its exact amount rounded down or up, adding up', () => {
    const shown = displayBill(priceScenarioExact(alb, ex1).lines);
    const g = shown.groups.find((x) => x.component === 'alb')!;
    expect(g.exact).toBe(usd('22.7322'));
    expect(g.cents).toBe(2273n);
    expect(g.lines.map((l) => formatCents(l.cents))).toEqual(['16.42', '6.31']);
  });
  it('the cost table prints those figures and the subtotal under them', () => {
    const out = renderBill(priceScenarioExact(alb, ex1), 'table');
    expect(out).toMatch(/alb +load balancer hours +730 +ALB-hour +\$0\.0225 +16\.42\n/);
    expect(out).toMatch(/alb +LCU-hours +788\.4 +LCU-hour +\$0\.008 +6\.31\n/);
    expect(out).toMatch(/alb +\= subtotal +22\.73\n/);
    expect(out).toMatch(/largest-remainder/);
  });
  it('shares cents by largest remainder, ties to the first, never more than a cent from exact', () => {
    const c = (x: string) => usd(x);
    expect(apportionCents([c('0.333'), c('0.333'), c('0.334')], 100n)).toEqual([33n, 33n, 34n]);
    expect(apportionCents([c('0.005'), c('0.005')], 1n)).toEqual([1n, 0n]);
    expect(apportionCents([c('1.00'), c('2.00')], 300n)).toEqual([100n, 200n]);
    expect(() => apportionCents([c('1.00')], 102n)).toThrow(/cannot share/);
    expect(roundCents(c('22.7322'))).toBe(2273n);
    expect(roundCents(c('0.005'))).toBe(1n);
  });
  it('every shipped scenario under every shipped profile: lines add up to subtotals, subtotals to the once-rounded total', () => {
    for (const prof of ['small', 'medium', 'large']) {
      const p = loadProfile(`profiles/${prof}.yaml`);
      for (const name of scenarioNames()) {
        const bill = priceScenarioExact(loadScenarioOrThrow(name), p);
        const shown = displayBill(bill.lines);
        expect(shown.totalCents).toBe(roundCents(bill.total));
        expect(shown.groups.reduce((a, g) => a + g.cents, 0n)).toBe(shown.totalCents);
        for (const g of shown.groups) {
          expect(g.lines.reduce((a, l) => a + l.cents, 0n)).toBe(g.cents);
          for (const l of g.lines) {
            const diff = l.line.money - l.cents * 10n ** 16n;
            expect(diff > -(10n ** 16n) && diff < 10n ** 16n).toBe(true);
          }
        }
      }
    }
  });
});

describe('report.md and report.html bill tables', () => {
  it('round from result.json\'s exact amounts and add up, with a subtotal row per multi-line component', () => {
    const lines = priceScenarioExact(alb, ex1).result.lines;
    expect(lines[0].monthlyUsdExact).toBe('16.425');
    const { rows, total } = billRows(lines);
    const albRows = rows.filter((r) => r.cells[0] === 'alb');
    expect(albRows.map((r) => [r.kind, r.cells[5]])).toEqual([['line', '$16.42'], ['line', '$6.31'], ['subtotal', '$22.73']]);
    expect(rows[rows.length - 1]).toEqual({ kind: 'total', cells: ['total', '', '', '', '', total] });
  });
  it('older result files without exact amounts still render from the floats', () => {
    expect(moneyOf(undefined, 22.7322)).toBe(usd('22.7322'));
    expect(moneyOf('22.7322', 0)).toBe(usd('22.7322'));
    expect(toExactString(moneyOf('0.000000000000000001', 0))).toBe('0.000000000000000001');
  });
});

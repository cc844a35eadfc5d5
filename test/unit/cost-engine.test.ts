// The engine across every shipped scenario, the JSON shape, a run pricing itself, sweeps and crossovers,
// and the exactness of money.
import { describe, expect, it } from 'vitest';
import { loadScenarioOrThrow, scenarioNames } from '../../harness/scenario/resolve.ts';
import { loadProfile, loadPriceSnapshot, priceScenario, priceScenarioExact, usageFromMeasuredRun, costForRun, sweepCost, logSpaced, renderBill, renderCompare, renderSweep } from '../../harness/cost/index.ts';
import { formatUsd, parseNano, toExactString } from '../../harness/cost/money.ts';
import { profile, scenario, usd } from './cost-helpers.ts';
import { parseSnapshotFile, snapshotFiles } from '../../harness/cost/prices.ts';
import { CATALOG } from '../../harness/catalog/index.ts';

describe('every scenario and region', () => {
  const medium = loadProfile('profiles/medium.yaml');
  for (const region of ['us-east-1', 'eu-west-1']) {
    it(`prices all ${scenarioNames().length} scenarios in ${region}; lines add up exactly to the total`, () => {
      const prices = loadPriceSnapshot(region);
      for (const name of scenarioNames()) {
        const r = priceScenarioExact(loadScenarioOrThrow(name), { ...medium, region }, prices);
        expect(r.lines.reduce((a, l) => a + l.money, 0n)).toBe(r.total);
        expect(r.total > 0n).toBe(true);
        expect(r.result.region).toBe(region);
      }
    });
  }

  it('clb-per-service scales with the number of Services; public-nlb does not', () => {
    const clb = loadScenarioOrThrow('clb-per-service');
    const lb = priceScenarioExact(clb, medium).lines.find((l) => l.unit === 'CLB-hour')!;
    expect(lb.quantity).toBe(5 * 730);
    const nlb = priceScenarioExact(loadScenarioOrThrow('public-nlb'), medium).lines.find((l) => l.unit === 'NLB-hour')!;
    expect(nlb.quantity).toBe(730);
  });

  it('JSON is { scenario, region, monthlyUsd, lines: [{ component, item, quantity, unit, unitPriceUsd, monthlyUsd }] }', () => {
    const r = JSON.parse(renderBill(priceScenarioExact(loadScenarioOrThrow('public-nlb'), medium), 'json'));
    expect(Object.keys(r).slice(0, 4)).toEqual(['scenario', 'region', 'monthlyUsd', 'lines']);
    for (const l of r.lines) expect(Object.keys(l).slice(0, 6)).toEqual(['component', 'item', 'quantity', 'unit', 'unitPriceUsd', 'monthlyUsd']);
    expect(r.fidelity).toBe('modeled');
  });

  it('text outputs say MODELED and the month length', () => {
    const p = priceScenarioExact(loadScenarioOrThrow('public-nlb'), medium);
    expect(renderBill(p, 'table')).toMatch(/fidelity MODELED .* month = 730 h/);
    expect(renderBill(p, 'md')).toMatch(/^### Monthly cost of public-nlb/);
    expect(renderCompare([p, priceScenarioExact(loadScenarioOrThrow('direct'), medium)], 'table')).toMatch(/\ndirect +[0-9,.]+ +- /);
  });
});

describe('a bench run prices itself', () => {
  const base = profile({ requestsPerSecond: 1000 });
  const measured = { requests: 60_000, durationS: 60, bytesSent: 60_000 * 300, bytesReceived: 60_000 * 2048, newConnections: 600, maxConcurrentConnections: 50 };
  it('per-request bytes and connection ratios scale to the profile rate', () => {
    const p = usageFromMeasuredRun(measured, { ...base, requestsPerSecond: 5000 });
    expect(p).toMatchObject({ requestBytes: 300, responseBytes: 2048, newConnectionsPerSecond: 50, activeConnections: 250, requestsPerSecond: 5000 });
  });
  it('gives the result.json cost block, modeled, with lines', () => {
    const c = costForRun(scenario('    - component: nlb\n    - component: kube-proxy'), measured, base);
    expect(c.fidelity).toBe('modeled');
    expect(c.lines.length).toBeGreaterThan(2);
    expect(c.basis).toMatch(/measured by this run, scaled to 1000 req\/s/);
  });
  it('refuses a run with no requests', () => {
    expect(() => usageFromMeasuredRun({ ...measured, requests: 0 }, base)).toThrow(/cannot price itself/);
  });
});

describe('sweep and crossovers', () => {
  it('finds where a per-request topology stops being cheaper than a fixed-fee one', () => {
    // Lattice: $18.25 service-hours + $0.025/GB; NLB: $16.425 + NLCU + gateway EC2 share ($70.08) + cross-AZ.
    const small = loadProfile('profiles/small.yaml');
    const s = [loadScenarioOrThrow('lattice-gateway-api'), loadScenarioOrThrow('nodeport')];
    const { points, crossovers } = sweepCost(s, small, logSpaced(1, 10_000, 200));
    expect(points).toHaveLength(200);
    expect(crossovers).toHaveLength(1);
    const c = crossovers[0];
    expect(c.cheaperBelow).toBe('nodeport');
    expect(c.cheaperAbove).toBe('lattice-gateway-api');
    // at the crossover both bills agree to within a cent
    const at = (name: string) => priceScenario(s.find((x) => x.name === name)!, { ...small, requestsPerSecond: c.rps, newConnectionsPerSecond: small.newConnectionsPerSecond * c.rps / small.requestsPerSecond, activeConnections: small.activeConnections * c.rps / small.requestsPerSecond }).monthlyUsd;
    expect(Math.abs(at('nodeport') - at('lattice-gateway-api'))).toBeLessThan(0.01);
    expect(renderSweep(points, crossovers, 'table')).toMatch(/nodeport is cheaper below, lattice-gateway-api above/);
  });
});

describe('money', () => {
  it('is exact where floats drift: 0.1 + 0.2 dollars, a million times 0.000001', () => {
    expect(usd('0.1') + usd('0.2')).toBe(usd('0.3'));
    let m = 0n;
    for (let i = 0; i < 1_000_000; i++) m += parseNano('0.000001') * 1_000_000_000n;
    expect(toExactString(m)).toBe('1');
  });
  it('rounds once, half away from zero, at display', () => {
    expect(formatUsd(usd('22.7322'))).toBe('22.73');
    expect(formatUsd(usd('0.005'))).toBe('0.01');
    expect(formatUsd(usd('1234567.004'))).toBe('1,234,567.00');
  });
  it('refuses prices with more than 9 decimals rather than round them', () => {
    expect(() => parseNano('0.0000000001')).toThrow(/at most 9/);
  });
});

describe('price snapshots', () => {
  const files = snapshotFiles();
  it('the newest dated snapshot is the default; every older one still loads', () => {
    for (const region of ['us-east-1', 'eu-west-1']) {
      const list = files.get(region)!;
      expect(list.length).toBeGreaterThanOrEqual(2);
      expect(loadPriceSnapshot(region).snapshotDate).toBe(list[0].date);
      expect(list[0].date >= '2026-11-30').toBe(true);
      for (const f of list) expect(parseSnapshotFile(f.file).region).toBe(region);
    }
  });
  it('has every price each catalog cost model lists, in both regions, every price with a source', () => {
    const geographies = ['us', 'europe', 'south-america', 'japan', 'australia', 'asia-pacific', 'india', 'middle-east', 'africa'];
    for (const region of ['us-east-1', 'eu-west-1']) {
      const snap = loadPriceSnapshot(region);
      for (const e of Object.values(CATALOG)) {
        for (const key of e.cost?.priceKeys ?? []) {
          for (const k of key.includes('<geography>') ? geographies.map((g) => key.replace('<geography>', g)) : [key]) {
            expect(snap.prices[k], `${region} ${e.kind} ${k}`).toBeDefined();
          }
        }
      }
      for (const p of Object.values(snap.prices)) expect(p.source.length).toBeGreaterThan(10);
    }
  });
  it('eu-west-1 figures that could not be verified stay flagged uncertain', () => {
    const eu = loadPriceSnapshot('eu-west-1').prices;
    for (const k of ['apigw-rest.requests', 'apigw-http.requests', 'lattice.service-hour', 'lattice.gb', 'lattice.requests', 'ec2.c6i.xlarge.hour', 'privatelink.interface-endpoint-az-hour']) {
      expect(eu[k].uncertain, k).toBe(true);
    }
    expect(eu['vpc.public-ipv4-address-hour']).toMatchObject({ nano: 5_000_000n, uncertain: false });
  });
});

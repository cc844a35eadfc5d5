// The cost engine: walks a scenario's hops with the profile's traffic, asks each component's cost model and
// the engine's own items for bill lines, and multiplies quantities by unit prices exactly.
import type { CostLine } from '../result/types.ts';
import { monthModel } from './hours.ts';
import { toNanoUnits, times, sum, toUsd, toExactString, nanoToNumber } from './money.ts';
import { getPrice, loadPriceSnapshot } from './prices.ts';
import type { CostLineDraft, CostResult, CostScenario, HopTraffic, PriceSnapshot, PricedLine, Profile } from './types.ts';
import type { ItemContext, WalkedHop, CostItem } from './items/context.ts';
import { eksControlPlane } from './items/eks.ts';
import { natGateway } from './items/nat.ts';
import { dataTransferOut } from './items/data-out.ts';
import { crossAz } from './items/cross-az.ts';
import { route53 } from './items/route53.ts';
import { gatewayCapacity } from './items/gateway-capacity.ts';

export const ENGINE_ITEMS: CostItem[] = [gatewayCapacity, dataTransferOut, crossAz, route53, eksControlPlane, natGateway];

/** Follows the traffic through the chain: what arrives at each hop, and how many instances of it exist. */
export function walkScenario(scenario: CostScenario, profile: Profile): WalkedHop[] {
  let cur: HopTraffic = {
    requestsPerSecond: profile.requestsPerSecond,
    newConnectionsPerSecond: profile.newConnectionsPerSecond,
    activeConnections: profile.activeConnections,
    requestBytes: profile.requestBytes,
    responseBytes: profile.responseBytes,
    https: profile.https,
    pooled: false,
  };
  const out: WalkedHop[] = [];
  const hops = scenario.hops;
  for (let i = 1; i < hops.length; i++) {
    const hop = hops[i];
    // A WAF is evaluated inside the resource before it: it sees that resource's requests (cache hits included).
    const input = hop.entry.partOfPrevious === 'evaluated-inside' && out.length ? out[out.length - 1].input : cur;
    // A load balancer (or Lattice service) with no gateway behind it exists once per Kubernetes Service.
    const perService = hop.entry.onePerService && !hops.slice(i + 1).some((h) => h.entry.gateway);
    out.push({ hop, input, instances: perService ? scenario.cluster.services : 1 });
    // A cache answers part of the requests itself.
    if (hop.entry.passedShare) cur = { ...cur, requestsPerSecond: cur.requestsPerSecond * hop.entry.passedShare(hop.settings) };
    if (hop.entry.terminates(hop.settings)) {
      // An L7 hop terminates client connections and pools keep-alive connections toward the next hop.
      const newPerS = cur.requestsPerSecond / profile.upstreamRequestsPerConnection;
      cur = { ...cur, newConnectionsPerSecond: newPerS, activeConnections: newPerS * profile.upstreamConnectionLifetimeS, pooled: true };
    }
  }
  return out;
}

function perInstance(t: HopTraffic, n: number): HopTraffic {
  return n === 1 ? t : { ...t, requestsPerSecond: t.requestsPerSecond / n, newConnectionsPerSecond: t.newConnectionsPerSecond / n, activeConnections: t.activeConnections / n };
}

function priceLine(component: string, d: CostLineDraft): PricedLine {
  if (d.price.nano === undefined) throw new Error(`price ${d.price.key} is tiered; use tieredLines`);
  const money = times(toNanoUnits(d.quantity), d.price.nano);
  const notes = [d.note, d.price.uncertain ? `uncertain price${d.price.note ? `: ${d.price.note}` : ''}` : undefined].filter(Boolean);
  return {
    component, item: d.item, quantity: Math.round(d.quantity * 1e9) / 1e9, unit: d.unit, unitPriceUsd: nanoToNumber(d.price.nano), monthlyUsd: toUsd(money),
    ...(notes.length ? { note: notes.join('; ') } : {}), money, uncertain: d.price.uncertain, source: d.price.source,
  };
}

export interface PricedScenario {
  result: CostResult;
  lines: PricedLine[];
  total: bigint;
}

/** The full bill with exact amounts (priceScenario is the JSON-friendly view of it). */
export function priceScenarioExact(scenario: CostScenario, profile: Profile, prices?: PriceSnapshot): PricedScenario {
  const { lines, total, snap, hours } = billLines(scenario, profile, prices);
  const result: CostResult = {
    scenario: scenario.name, region: snap.region, monthlyUsd: toUsd(total), monthlyUsdExact: toExactString(total),
    lines: lines.map(publicLine), assumptions: assumptions(scenario, profile, snap, lines, hours),
    hoursPerMonth: hours, snapshotDate: snap.snapshotDate, fidelity: 'modeled',
  };
  return { result, lines, total };
}

/** The exact monthly total only (sweeps): the same lines, without the report around them. */
export function monthlyTotal(scenario: CostScenario, profile: Profile, prices: PriceSnapshot): bigint {
  return billLines(scenario, profile, prices).total;
}

function billLines(scenario: CostScenario, profile: Profile, prices?: PriceSnapshot) {
  const snap = prices ?? loadPriceSnapshot(profile.region);
  const month = monthModel(profile);
  const walk = walkScenario(scenario, profile);
  const price = (key: string) => getPrice(snap, key);
  const lines: PricedLine[] = [];
  for (const w of walk) {
    const model = w.hop.entry.cost;
    if (!model) continue;
    const drafts = model.lines({
      hop: { index: w.hop.index, name: w.hop.name, component: w.hop.component }, settings: w.hop.settings, instances: w.instances,
      traffic: perInstance(w.input, w.instances), month, profile, price,
    });
    for (const d of drafts) lines.push(priceLine(w.hop.name === w.hop.component ? w.hop.component : `${w.hop.component} (${w.hop.name})`, d));
  }
  const ictx: ItemContext = { scenario, profile, month, walk, price };
  for (const item of ENGINE_ITEMS) for (const l of item(ictx)) lines.push(priceLine(l.component, l));
  const total = sum(lines.map((l) => l.money));
  return { lines, total, snap, hours: month.billableHours };
}

export function priceScenario(scenario: CostScenario, profile: Profile, prices?: PriceSnapshot): CostResult {
  return priceScenarioExact(scenario, profile, prices).result;
}

export function publicLine(l: PricedLine): CostLine {
  const { money: _m, uncertain: _u, source: _s, ...rest } = l;
  return rest;
}

function assumptions(scenario: CostScenario, p: Profile, snap: PriceSnapshot, lines: PricedLine[], hours: number): string[] {
  const out = [
    `fidelity: modeled (computed from the ${snap.region} price snapshot dated ${snap.snapshotDate}, ${snap.file})`,
    `month: ${hours} hours (profile hoursPerMonth ${p.hoursPerMonth}${p.hoursPerMonth === 730 ? ', as AWS examples use' : ''}); partial hours bill as full hours`,
    p.hourlyShape ? 'hourly shape: capacity units, Lattice allowance and gateway replicas evaluated hour by hour over the 24-value shape' : 'no hourly shape: every hour runs at the profile rates',
    'GB = 10^9 bytes (as AWS worked examples count); tier bounds in TB = 1,024 GB',
    'monthly tiers assume this topology is the only usage in the account and region',
    `free tiers: always-free ${p.freeTiers.alwaysFree ? 'applied' : 'off'}, 12-month new-account ${p.freeTiers.newAccount12Months ? 'applied' : 'off'}`,
    `behind an L7 hop: ${p.upstreamRequestsPerConnection} requests per pooled connection, each living ${p.upstreamConnectionLifetimeS} s`,
    'not priced: application pods and nodes, public IPv4 addresses of internet-facing load balancers ($0.005/h each), CloudWatch logs and metrics, ACM certificates (free)',
  ];
  if (scenario.cluster.services > 1 && lines.some((l) => /one per Service/.test(l.note ?? ''))) {
    out.push(`per-service topology: ${scenario.cluster.services} Services share the traffic evenly, one load balancer each`);
  }
  const unsure = [...new Set(lines.filter((l) => l.uncertain).map((l) => l.item))];
  if (unsure.length) out.push(`uncertain prices used for: ${unsure.join(', ')}`);
  return out;
}

// The cost engine: walks a scenario's hops with the profile's traffic, asks each component's cost model and
// the engine's own items for bill lines, and multiplies quantities by unit prices exactly.
import type { CostLine } from '../result/types.ts';
import { monthModel, perHour } from './hours.ts';
import { tokenBucketPassed, type RateLimiter } from '../lib/token-bucket.ts';
import { SECONDS_PER_HOUR, fmtNum } from './units.ts';
import { hopLabel } from './lines.ts';
import { toNanoUnits, times, sum, toUsd, toExactString, nanoToNumber } from './money.ts';
import { getPrice, loadPriceSnapshot } from './prices.ts';
import type { CostLineDraft, CostResult, CostScenario, HopTraffic, MonthModel, PriceSnapshot, PricedLine, Profile } from './types.ts';
import type { ItemContext, WalkedHop, CostItem, Throttle } from './items/context.ts';
import { eksControlPlane } from './items/eks.ts';
import { natGateway } from './items/nat.ts';
import { dataTransferOut } from './items/data-out.ts';
import { crossAz } from './items/cross-az.ts';
import { route53 } from './items/route53.ts';
import { gatewayCapacity } from './items/gateway-capacity.ts';

export const ENGINE_ITEMS: CostItem[] = [gatewayCapacity, dataTransferOut, crossAz, route53, eksControlPlane, natGateway];

/**
 * Follows the traffic through the chain: what arrives at each hop, what it lets through, and how many
 * instances of it exist. A hop with a documented rate limit (the catalog's `req/s` limit with a status,
 * API Gateway's throttle, Lattice's quota) refuses what exceeds its token bucket, hour by hour, exactly as
 * the model provider's limiter does: those requests get the status (429), are billed by nobody and never
 * reach the hops behind it.
 */
export function walkScenario(scenario: CostScenario, profile: Profile, month: MonthModel = monthModel(profile)): WalkedHop[] {
  let cur: HopTraffic = {
    requestsPerSecond: profile.requestsPerSecond,
    newConnectionsPerSecond: profile.newConnectionsPerSecond,
    activeConnections: profile.activeConnections,
    requestBytes: profile.requestBytes,
    responseBytes: profile.responseBytes,
    https: profile.https,
    pooled: false,
  };
  let curMonth = month;
  const out: WalkedHop[] = [];
  const hops = scenario.hops;
  for (let i = 1; i < hops.length; i++) {
    const hop = hops[i];
    const prev = out[out.length - 1];
    // WAF is evaluated inside the resource before it, ahead of that resource's throttle: it sees every
    // request offered to that resource (cache hits included), and changes nothing downstream.
    const inside = hop.entry.partOfPrevious === 'evaluated-inside';
    const offered = inside && prev ? prev.offered : cur;
    const offeredMonth = inside && prev ? prev.offeredMonth : curMonth;
    // A load balancer (or Lattice service) with no gateway behind it exists once per Kubernetes Service.
    const perService = hop.entry.onePerService && !hops.slice(i + 1).some((h) => h.entry.gateway);
    const instances = perService ? scenario.cluster.services : 1;
    const limiter = inside ? null : limiterOf(hop, scenario.cluster.azs);
    const t = limiter ? throttled(offered, offeredMonth, limiter, instances) : undefined;
    const input = t?.traffic ?? offered;
    const hopMonth = t?.month ?? offeredMonth;
    out.push({ hop, input, month: hopMonth, offered, offeredMonth, instances, ...(t ? { throttle: t.info } : {}) });
    if (inside) continue;
    cur = input;
    curMonth = hopMonth;
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

// Sweeps price the same hops thousands of times: read each hop's limit once.
const limiters = new WeakMap<object, RateLimiter | null>();
function limiterOf(hop: CostScenario['hops'][number], azs: number): RateLimiter | null {
  let l = limiters.get(hop);
  if (l === undefined) limiters.set(hop, (l = hop.entry.rateLimiter(hop.settings, azs)));
  return l;
}

/**
 * What a token bucket lets through of `t` (all instances; each instance has its own bucket), or undefined
 * when no hour exceeds its rate. Hourly slices are the hours of a day, so the bucket runs over the daily
 * cycle (catalog tokenBucketPassed, the model's fluid bucket); the result is the admitted traffic and the
 * month of hourly factors it follows (peaks clipped).
 */
function throttled(t: HopTraffic, m: MonthModel, lim: RateLimiter, instances: number): { traffic: HopTraffic; month: MonthModel; info: Throttle } | undefined {
  const perInstance = t.requestsPerSecond / instances;
  const rates = m.slices.map((s) => perInstance * s.factor);
  const peak = Math.max(0, ...rates);
  if (!(peak > lim.rateRps)) return undefined;
  const passed = tokenBucketPassed(rates, SECONDS_PER_HOUR, lim);
  let hours = 0;
  let admittedHours = 0;
  m.slices.forEach((s, i) => {
    hours += s.hours;
    admittedHours += s.hours * passed[i];
  });
  const meanAdmitted = hours > 0 ? admittedHours / hours : 0;
  const ratio = perInstance > 0 ? meanAdmitted / perInstance : 0;
  return {
    traffic: { ...t, requestsPerSecond: meanAdmitted * instances, newConnectionsPerSecond: t.newConnectionsPerSecond * ratio, activeConnections: t.activeConnections * ratio },
    month: { ...m, slices: m.slices.map((s, i) => ({ hours: s.hours, factor: meanAdmitted > 0 ? passed[i] / meanAdmitted : 0 })) },
    info: {
      rateRps: lim.rateRps, burst: lim.burst, status: lim.status, why: lim.why, peakOfferedRps: peak,
      offeredPerMonth: perHour(m, (k) => perInstance * k * SECONDS_PER_HOUR) * instances,
      admittedPerMonth: admittedHours * SECONDS_PER_HOUR * instances,
    },
  };
}

function perInstance(t: HopTraffic, n: number): HopTraffic {
  return n === 1 ? t : { ...t, requestsPerSecond: t.requestsPerSecond / n, newConnectionsPerSecond: t.newConnectionsPerSecond / n, activeConnections: t.activeConnections / n };
}

function priceLine(component: string, d: CostLineDraft): PricedLine {
  if (d.price.nano === undefined) throw new Error(`price ${d.price.key} is tiered; use tieredLines`);
  const money = times(toNanoUnits(d.quantity), d.price.nano);
  const notes = [d.note, d.price.uncertain ? `uncertain price${d.price.note ? `: ${d.price.note}` : ''}` : undefined].filter(Boolean);
  return {
    component: d.component ?? component, item: d.item, quantity: Math.round(d.quantity * 1e9) / 1e9, unit: d.unit, unitPriceUsd: nanoToNumber(d.price.nano),
    monthlyUsd: toUsd(money), ...(notes.length ? { note: notes.join('; ') } : {}), money, uncertain: d.price.uncertain, source: d.price.source,
  };
}

export interface PricedScenario {
  result: CostResult;
  lines: PricedLine[];
  total: bigint;
}

/** The full bill with exact amounts (priceScenario is the JSON-friendly view of it). */
export function priceScenarioExact(scenario: CostScenario, profile: Profile, prices?: PriceSnapshot): PricedScenario {
  const { lines, total, snap, month, walk, modelAssumptions } = billLines(scenario, profile, prices, true);
  const result: CostResult = {
    scenario: scenario.name, region: snap.region, monthlyUsd: toUsd(total), monthlyUsdExact: toExactString(total),
    lines: lines.map(publicLine), assumptions: assumptions(scenario, profile, snap, lines, month, walk, modelAssumptions), warnings: warnings(walk),
    hoursPerMonth: profile.hoursPerMonth, snapshotDate: snap.snapshotDate, fidelity: 'modeled',
  };
  return { result, lines, total };
}

/** The exact monthly total only (sweeps): the same lines, without the report around them. */
export function monthlyTotal(scenario: CostScenario, profile: Profile, prices: PriceSnapshot): bigint {
  return billLines(scenario, profile, prices).total;
}

/** The total, and whether a throttle refuses part of the traffic (the bill then prices less than was offered). */
export function monthlyTotalOf(scenario: CostScenario, profile: Profile, prices: PriceSnapshot): { total: bigint; throttled: boolean } {
  const b = billLines(scenario, profile, prices);
  return { total: b.total, throttled: b.walk.some((w) => w.throttle) };
}

function billLines(scenario: CostScenario, profile: Profile, prices?: PriceSnapshot, withAssumptions = false) {
  const snap = prices ?? loadPriceSnapshot(profile.region);
  const month = monthModel(profile);
  const walk = walkScenario(scenario, profile, month);
  const price = (key: string) => getPrice(snap, key);
  const lines: PricedLine[] = [];
  const modelAssumptions: string[] = [];
  for (const w of walk) {
    const model = w.hop.entry.cost;
    if (!model) continue;
    const ctx = {
      hop: { index: w.hop.index, name: w.hop.name, component: w.hop.component }, settings: w.hop.settings, instances: w.instances,
      traffic: perInstance(w.input, w.instances), month: w.month, cluster: scenario.cluster, profile, price,
    };
    for (const d of model.lines(ctx)) lines.push(priceLine(hopLabel(w.hop), d));
    if (withAssumptions && model.assumptions) for (const a of model.assumptions(ctx)) if (!modelAssumptions.includes(a)) modelAssumptions.push(a);
  }
  const ictx: ItemContext = { scenario, profile, month, walk, price };
  for (const item of ENGINE_ITEMS) for (const l of item(ictx)) lines.push(priceLine(l.component, l));
  const total = sum(lines.map((l) => l.money));
  return { lines, total, snap, month, walk, modelAssumptions };
}

export function priceScenario(scenario: CostScenario, profile: Profile, prices?: PriceSnapshot): CostResult {
  return priceScenarioExact(scenario, profile, prices).result;
}

export function publicLine(l: PricedLine): CostLine {
  const out: CostLine = { component: l.component, item: l.item, quantity: l.quantity, unit: l.unit, unitPriceUsd: l.unitPriceUsd, monthlyUsd: l.monthlyUsd };
  if (l.note !== undefined) out.note = l.note;
  out.monthlyUsdExact = toExactString(l.money);
  return out;
}

function assumptions(scenario: CostScenario, p: Profile, snap: PriceSnapshot, lines: PricedLine[], m: MonthModel, walk: WalkedHop[], fromModels: string[]): string[] {
  const out = [
    `fidelity: modeled (computed from the ${snap.region} price snapshot dated ${snap.snapshotDate}, ${snap.file})`,
    `month: usage counted over exactly ${fmtNum(m.usageHours, 3)} hours (profile hoursPerMonth${p.hoursPerMonth === 730 ? ', 730 as AWS examples use' : ''}); ` +
      `hourly fees bill ${m.billableHours} hours (a partial hour bills as a full one); monthly fees (WAF) are prorated hourly against a ${m.monthLengthHours}-hour month` +
      (p.monthLengthHours !== undefined ? ' (profile monthLengthHours)' : m.monthLengthHours === p.hoursPerMonth ? ' (the profile runs the whole month)' : ' (AWS\'s average month; set monthLengthHours for a calendar month)'),
    p.hourlyShape ? 'hourly shape: capacity units, Lattice allowance, throttles and gateway replicas evaluated hour by hour over the 24-value shape' : 'no hourly shape: every hour runs at the profile rates',
    'GB = 10^9 bytes and KB = 10^3 bytes (as AWS worked examples count: 300 KB/s x 3,600 s = 1.08 GB); tier bounds as AWS\'s price list writes them (data out and CloudFront: 1 TB = 1,024 GB; PrivateLink: 1 PB = 1,000,000 GB)',
    'monthly tiers assume this topology is the only usage in the account and region',
    `free tiers: always-free ${p.freeTiers.alwaysFree ? 'applied' : 'off'}, 12-month new-account ${p.freeTiers.newAccount12Months ? 'applied' : 'off'}`,
    `behind an L7 hop: ${p.upstreamRequestsPerConnection} requests per pooled connection, each living ${p.upstreamConnectionLifetimeS} s`,
    'public IPv4: the addresses a load balancer holds at least (one per AZ it spans; AWS adds addresses as an ALB or Classic LB scales) and one per NAT gateway, $/address-hour; ' +
      'not priced: application pods and nodes, node public addresses (a NodePort or direct entry), CloudWatch logs and metrics, ACM certificates (free)',
    ...fromModels,
  ];
  if (walk.some((w) => w.throttle)) {
    out.push('throttles: a hop\'s documented rate limit is a token bucket (rate and burst) run hour by hour over the day, as the model provider runs it; ' +
      'refused requests get its status (429), are not billed (AWS does not charge API Gateway for throttled requests; assumed the same for a Lattice quota) and never reach the hops behind it; ' +
      'a WAF on the hop still inspects them; 429 response bytes are not priced');
  }
  if (scenario.cluster.services > 1 && lines.some((l) => /one per Service/.test(l.note ?? ''))) {
    out.push(`per-service topology: ${scenario.cluster.services} Services share the traffic evenly, one load balancer each`);
  }
  const unsure = [...new Set(lines.filter((l) => l.uncertain).map((l) => l.item))];
  if (unsure.length) out.push(`uncertain prices used for: ${unsure.join(', ')}`);
  return out;
}

/** One warning per throttled hop: the peak it refuses, how much of the month, and what to change. */
function warnings(walk: WalkedHop[]): string[] {
  return walk.filter((w) => w.throttle).map((w) => {
    const t = w.throttle!;
    const refused = t.offeredPerMonth - t.admittedPerMonth;
    const share = t.offeredPerMonth > 0 ? refused / t.offeredPerMonth : 0;
    const per = w.instances > 1 ? ` per instance (${w.instances} instances)` : '';
    return `${hopLabel(w.hop)}: the profile's peak ${fmtNum(t.peakOfferedRps, 0)} req/s${per} exceeds its limit (${t.why}): ` +
      `${fmtNum(refused / 1e6, 1)}M of ${fmtNum(t.offeredPerMonth / 1e6, 1)}M requests a month (${(share * 100).toFixed(1)}%) are answered ${t.status} and not billed; ` +
      'the bill prices what gets through. Raise the limit (Service Quotas / stage throttle) or price a profile the limit admits';
  });
}

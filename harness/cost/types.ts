// Types shared by the cost engine and the per-component cost models (harness/catalog/components/*.cost.ts).
import type { CostLine } from '../result/types.ts';
import type { Money } from './money.ts';
import type { RateLimiter } from '../lib/token-bucket.ts';

/** A traffic profile (profiles/*.yaml) after validation and defaults. Every key carries its unit. */
export interface Profile {
  name: string;
  description: string;
  /** Where it came from (a file, or "derived from a measured run"). */
  source: string;
  region: string;
  /** Hours the topology runs in the billed month (usage is counted over exactly these hours). */
  hoursPerMonth: number;
  /** Length of that calendar month (monthly fees are prorated against it); see hours.ts monthLength. */
  monthLengthHours?: number;
  requestsPerSecond: number;
  newConnectionsPerSecond: number;
  activeConnections: number;
  requestBytes: number;
  responseBytes: number;
  https: boolean;
  /**
   * Share of requests per HTTP method (sums to 1). CloudFront bills request bytes sent to the origin only
   * for DELETE, OPTIONS, PATCH, POST and PUT. Absent: every request is assumed to carry its bytes (the bill says so).
   */
  methodMix?: Partial<Record<HttpMethod, number>>;
  /** 24 relative weights (hour 0 = 00:00-01:00); rates above are the daily mean. */
  hourlyShape?: number[];
  /** Behind an L7 hop the next hop sees pooled keep-alive connections: requests carried by one of them. */
  upstreamRequestsPerConnection: number;
  /** How long such a pooled connection lives (Little's law: active = new/s x lifetime). */
  upstreamConnectionLifetimeS: number;
  freeTiers: { alwaysFree: boolean; newAccount12Months: boolean };
  cluster: { controlPlane: 'standard' | 'extended' | 'none'; natGateways: number; natProcessedGbPerMonth: number };
  dnsNonAliasQueriesPerSecond: number;
}

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One price from the snapshot: a flat unit price or monthly tiers, each with where it came from. */
export interface Price {
  key: string;
  region: string;
  unit: string;
  /** Flat price in nano-USD per unit (absent when tiered). */
  nano?: bigint;
  /** Monthly tiers: `upTo` is the cumulative upper bound in `unit` (null = no bound), ascending. */
  tiers?: Array<{ upTo: number | null; nano: bigint }>;
  source: string;
  uncertain: boolean;
  note?: string;
}

export interface PriceSnapshot {
  region: string;
  /** Date the snapshot's figures were collected (YYYY-MM-DD). */
  snapshotDate: string;
  file: string;
  currency: 'USD';
  prices: Record<string, Price>;
}

/** One hour-of-day slice of the month: `hours` of the month run at `factor` x the mean rates. */
export interface HourSlice {
  hours: number;
  factor: number;
}

export interface MonthModel {
  /** Hours billed for hourly fees (partial hours bill as full hours). */
  billableHours: number;
  /** Hours of usage (requests, bytes, capacity units): the profile's hoursPerMonth, exactly. */
  usageHours: number;
  /** Length of the calendar month, for monthly fees prorated hourly (WAF). */
  monthLengthHours: number;
  /** Mean-rate slices over the usage hours; without an hourly shape, one slice of all of them at factor 1. */
  slices: HourSlice[];
}

/** Traffic as one hop (one instance of it) sees it, at the mean hour. */
export interface HopTraffic {
  requestsPerSecond: number;
  newConnectionsPerSecond: number;
  activeConnections: number;
  requestBytes: number;
  responseBytes: number;
  https: boolean;
  /** True when an L7 hop upstream pools connections toward this one. */
  pooled: boolean;
}

/** What a component's cost model is given. */
export interface HopCostContext<S> {
  hop: { index: number; name: string; component: string };
  settings: S;
  /** Identical instances of this hop (one Classic LB per Service: cluster.services). */
  instances: number;
  /** Traffic of ONE instance. */
  traffic: HopTraffic;
  /** The month as this hop sees it: the profile's, or clipped by a throttle upstream (engine walkScenario). */
  month: MonthModel;
  /** The scenario's cluster: how many AZs the hop's subnets span, and Services. */
  cluster: { azs: number; services: number };
  profile: Profile;
  price(key: string): Price;
}

/** A line before money: the engine multiplies (exactly) and records unit prices. */
export interface CostLineDraft {
  item: string;
  quantity: number;
  unit: string;
  price: Price;
  note?: string;
  /** The bill component when AWS bills the line under another service than the hop (public IPv4, PrivateLink). */
  component?: string;
}

/** The cost model of one catalog component: the lines of its bill for one scenario hop. */
export interface CostModel<S = any> {
  /** Snapshot keys the model can ask for (shown in docs, checked by tests). */
  priceKeys: readonly string[];
  lines(ctx: HopCostContext<S>): CostLineDraft[];
  /** Definitions the bill must state when this component is on it (e.g. what "512 KB" means). */
  assumptions?(ctx: HopCostContext<S>): string[];
}

/** A CostLine as stored in result.json, plus the exact amount (not serialized). */
export interface PricedLine extends CostLine {
  money: Money;
  uncertain: boolean;
  source: string;
}

export interface CostResult {
  scenario: string;
  region: string;
  monthlyUsd: number;
  lines: CostLine[];
  assumptions: string[];
  /** What the reader must not miss: traffic the bill does not price because a limit refuses it, and why. */
  warnings: string[];
  /** Exact total in USD as a decimal string (no rounding). */
  monthlyUsdExact: string;
  hoursPerMonth: number;
  snapshotDate: string;
  fidelity: 'modeled';
}

/**
 * What the engine reads of a scenario. Structural on purpose: the catalog's cost models import cost/, so cost/
 * imports neither the catalog nor the scenario loader; a loaded Scenario is passed as it is.
 */
export interface CostScenario {
  name: string;
  cluster: { azs: number; services: number };
  hops: readonly CostHop[];
}

export interface CostHop {
  index: number;
  name: string;
  component: string;
  settings: any;
  entry: CostFacets;
}

/** The catalog facets the engine asks (their meaning: harness/catalog/types.ts). */
export interface CostFacets {
  managed: boolean;
  cost?: CostModel;
  edge?: boolean;
  onePerService?: boolean;
  gateway?: object;
  partOfPrevious?: string;
  internetFacing?(s: any): boolean;
  passedShare?(s: any): number;
  terminates(s: any): boolean;
  crossAz(s: any, azs: number): { share: number; billed: boolean; why: string };
  rateLimiter(s: any, azs: number): RateLimiter | null;
}

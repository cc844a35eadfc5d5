// What the engine-level cost items (not catalog components) are given: the scenario walk and the month.
import type { CostHop, CostLineDraft, CostScenario, HopTraffic, MonthModel, Price, Profile } from '../types.ts';

/** A rate limit that refuses part of the traffic offered to a hop (answered 429, billed by nobody). */
export interface Throttle {
  rateRps: number;
  burst: number;
  status: number;
  why: string;
  /** Highest hourly rate offered to one instance, req/s. */
  peakOfferedRps: number;
  /** Requests offered and let through over the month (all instances). */
  offeredPerMonth: number;
  admittedPerMonth: number;
}

export interface WalkedHop {
  hop: CostHop;
  /** Traffic this hop handles and bills (all instances together): what a throttle on it let through. */
  input: HopTraffic;
  /** The month as this hop sees it: hourly factors of `input` (clipped when a throttle upstream or here refused peaks). */
  month: MonthModel;
  /** Traffic offered to the hop before its own throttle, and its month (WAF in front of the hop inspects these). */
  offered: HopTraffic;
  offeredMonth: MonthModel;
  /** Identical instances (one per Service in per-service topologies). */
  instances: number;
  throttle?: Throttle;
}

export interface ItemContext {
  scenario: CostScenario;
  profile: Profile;
  month: MonthModel;
  walk: WalkedHop[];
  price(key: string): Price;
}

export type ItemLine = CostLineDraft & { component: string };
export type CostItem = (ctx: ItemContext) => ItemLine[];

/** The first hop after the client: what internet clients (or VPC clients) connect to. */
export function entryHop(ctx: ItemContext): WalkedHop | undefined {
  return ctx.walk[0];
}

/** Whether the entry faces the internet (its responses leave AWS as data transfer out). */
export function internetFacing(h: WalkedHop | undefined): boolean {
  if (!h) return false;
  return h.hop.entry.internetFacing?.(h.hop.settings) ?? true;
}

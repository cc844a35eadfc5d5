// What the engine-level cost items (not catalog components) are given: the scenario walk and the month.
import type { CostHop, CostLineDraft, CostScenario, HopTraffic, MonthModel, Price, Profile } from '../types.ts';

export interface WalkedHop {
  hop: CostHop;
  /** Traffic arriving at this hop (all instances together). */
  input: HopTraffic;
  /** Identical instances (one per Service in per-service topologies). */
  instances: number;
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

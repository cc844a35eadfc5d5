// A loaded, validated scenario: hops resolved against the catalog, with the latency model each hop will use.
import type { Hop, LatencyModel } from '../catalog/types.ts';
import { gatewayOf } from '../catalog/chain.ts';
import type { ScenarioDoc } from './schema.ts';
import type { UserGatewayConfig } from '../gateway-config/types.ts';

/** A hop with its catalog entry, validated settings, and the latency model it will use. */
export interface ResolvedHop extends Hop {
  latency: LatencyModel;
  /**
   * The user's own gateway files (the hop's `config`), loaded and checked; `settings` then holds what the lab
   * reads out of them (client-IP rules, replicas), so every facet (plan, model, cost) works unchanged.
   */
  userConfig?: UserGatewayConfig;
}

export interface Scenario {
  file: string;
  sha256: string;
  name: string;
  doc: ScenarioDoc;
  cluster: ScenarioDoc['spec']['cluster'];
  hops: ResolvedHop[];
  /** How the application reads the client IP, with "auto" resolved. */
  appClientIpFrom: 'gateway' | 'socket' | 'xff-leftmost' | 'xff-rightmost' | 'header';
}

export function gatewayHop(s: Scenario): ResolvedHop | undefined {
  return gatewayOf(s.hops);
}

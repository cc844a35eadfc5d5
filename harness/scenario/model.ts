// A loaded, validated scenario: hops resolved against the catalog, with the latency model each hop will use.
import type { Hop, LatencyModel } from '../catalog/types.ts';
import { gatewayOf } from '../catalog/chain.ts';
import type { ScenarioDoc } from './schema.ts';

/** A hop with its catalog entry, validated settings, and the latency model it will use. */
export interface ResolvedHop extends Hop {
  latency: LatencyModel;
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

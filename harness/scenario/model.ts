// A loaded, validated scenario: hops resolved against the catalog, with the latency model each hop will use.
import type { CatalogEntry, ComponentKind, LatencyModel } from '../catalog/types.ts';
import type { ScenarioDoc } from './schema.ts';

export interface ResolvedHop {
  index: number;
  name: string;
  component: ComponentKind;
  entry: CatalogEntry;
  settings: any;
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
  return s.hops.find((h) => h.component === 'envoy-gateway' || h.component === 'ingress-nginx');
}

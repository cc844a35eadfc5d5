// Contract between the local provider and the real data planes (nginx, HAProxy, Envoy) that can realize an
// in-cluster gateway hop with a generated config, instead of the built-in emulation. Data planes are looked up
// by the gateway product the catalog's gateway facet names.
import type { NetworkMap } from '../catalog/address-plan.ts';
import type { GatewayFacet } from '../catalog/types.ts';

export type GatewayProduct = GatewayFacet['product'];

export interface Endpoint {
  host: string; // 127.x.y.z
  port: number;
}

export interface GatewaySpec {
  /** The gateway product to realize (the hop's catalog gateway facet). */
  product: GatewayProduct;
  /** The hop's catalog settings (EnvoySettings or IngressNginxSettings). */
  settings: any;
  /** One listener per gateway replica (pod address). */
  listen: Endpoint[];
  /** Service pods to balance across. */
  upstreams: Endpoint[];
  /** How symbolic trust entries (vpc, cloudfront, lattice) map to CIDRs. */
  networks: NetworkMap;
  /** Private temp directory for generated config, pid and log files. */
  workDir: string;
  /** Worker processes / threads of the data plane (default 1: the load driver shares the machine). */
  workers?: number;
  /** How long start() waits for every listener to accept (default 10 s). */
  startTimeoutMs?: number;
}

export interface DataPlaneHandle {
  /** e.g. "nginx 1.22.1" or "haproxy 2.6.12 (standing in for Envoy)". */
  realizedBy: string;
  pids: number[];
  /** Stops the process(es) and waits for exit. Idempotent. */
  stop(): Promise<void>;
}

export interface DataPlane {
  name: 'nginx' | 'haproxy' | 'envoy';
  /** The gateway product it realizes (Envoy faithfully, HAProxy standing in for Envoy, nginx for ingress-nginx). */
  realizes: GatewayProduct;
  /** Why it does not realize the other products (the report's note when `auto` passes it over). */
  otherwise: string;
  /** Version string when the binary is installed, else null. */
  version(): Promise<string | null>;
  /** Whether this data plane can express the hop's settings faithfully; if not, why. */
  supports(spec: Pick<GatewaySpec, 'product' | 'settings'>): { ok: true } | { ok: false; reason: string };
  /** The generated configuration (pure; tested structurally). */
  renderConfig(spec: GatewaySpec): string;
  start(spec: GatewaySpec): Promise<DataPlaneHandle>;
}

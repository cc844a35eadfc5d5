// Contract between the local provider and the real data planes (Envoy Gateway + Envoy, nginx) that realize an
// in-cluster gateway hop, instead of the built-in emulation. Data planes are looked up by the gateway product
// the catalog's gateway facet names.
import type { NetworkMap } from '../catalog/address-plan.ts';
import type { GatewayFacet } from '../catalog/types.ts';
import type { UserGatewayConfig } from '../gateway-config/types.ts';
import type { GatewayOwnTime } from './access-log.ts';

export type GatewayProduct = GatewayFacet['product'];

export interface Endpoint {
  host: string; // 127.x.y.z
  port: number;
}

export interface GatewaySpec {
  /** The gateway product to realize (the hop's catalog gateway facet). */
  product: GatewayProduct;
  /** The hop's catalog settings (EnvoySettings or IngressNginxSettings); derived from the user's files when they are given. */
  settings: any;
  /** One listener per gateway replica (pod address). */
  listen: Endpoint[];
  /** Service pods to balance across. */
  upstreams: Endpoint[];
  /** How symbolic trust entries (vpc, cloudfront, lattice) map to CIDRs. */
  networks: NetworkMap;
  /** Private temp directory for generated config, pid and log files (inside the run's work dir). */
  workDir: string;
  /** Worker processes / threads of the data plane (default 1: the load driver shares the machine). */
  workers?: number;
  /** How long start() waits until the gateway answers (default 10 s; Envoy Gateway: 30 s). */
  startTimeoutMs?: number;
  /** The run and hop the objects are named after, as the cluster providers name them. */
  run?: { id: string; scenario: string; hop: string; service?: string };
  /** The user's own gateway configuration (the scenario hop's `config`), run instead of objects from settings. */
  userConfig?: UserGatewayConfig;
}

export interface DataPlaneHandle {
  /** e.g. "nginx 1.22.1 (generated ingress-nginx configuration)", "Envoy Gateway v1.9.1 (standalone) + Envoy v1.39.1". */
  realizedBy: string;
  pids: number[];
  /** Stops the process(es) and waits for exit. Idempotent. */
  stop(): Promise<void>;
  /** Facts about this realization for the report (what the lab added to a user's files, how replicas map). */
  notes?: string[];
  /** Host header requests need to match the routes (a user's HTTPRoute hostnames); absent = any. */
  hostHeader?: string;
  /** Start to ready, measured (ms). */
  readyMs?: number;
  /** The gateway's own time per request from its access log (after stop()); null when it was not measured. */
  ownTime?(window?: { fromMs: number; toMs: number }): GatewayOwnTime | null;
}

export interface DataPlane {
  name: 'nginx' | 'envoy-gateway';
  /** The gateway product it realizes. */
  realizes: GatewayProduct;
  /** Why it does not realize the other products (the report's note when `auto` passes it over). */
  otherwise: string;
  /** Version string when every binary it needs is installed, else null. */
  version(): Promise<string | null>;
  /** Whether this data plane can express the hop's settings faithfully; if not, why. */
  supports(spec: Pick<GatewaySpec, 'product' | 'settings' | 'userConfig'>): { ok: true } | { ok: false; reason: string };
  /** The generated configuration (pure; tested structurally). */
  renderConfig(spec: GatewaySpec): string;
  /**
   * The one port every replica address listens on, when the data plane is one process binding the wildcard
   * address (Envoy Gateway standalone: its Gateway listener's port); undefined = a free port per address.
   */
  sharedPort?(spec: Pick<GatewaySpec, 'product' | 'settings' | 'userConfig'>): number;
  start(spec: GatewaySpec): Promise<DataPlaneHandle>;
}

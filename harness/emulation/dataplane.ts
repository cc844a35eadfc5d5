// Contract between the local provider and the real data planes (nginx, HAProxy, Envoy) that can realize an
// in-cluster gateway hop with a generated config, instead of the built-in emulation.
import type { NetworkMap } from '../catalog/address-plan.ts';

export interface Endpoint {
  host: string; // 127.x.y.z
  port: number;
}

export interface GatewaySpec {
  component: 'envoy-gateway' | 'ingress-nginx';
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
  /** Version string when the binary is installed, else null. */
  version(): Promise<string | null>;
  /** Whether this data plane can express the hop's settings faithfully; if not, why. */
  supports(spec: Pick<GatewaySpec, 'component' | 'settings'>): { ok: true } | { ok: false; reason: string };
  /** The generated configuration (pure; tested structurally). */
  renderConfig(spec: GatewaySpec): string;
  start(spec: GatewaySpec): Promise<DataPlaneHandle>;
}

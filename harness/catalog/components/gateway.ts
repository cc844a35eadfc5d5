// What every in-cluster gateway does first: accept (or refuse) the connection's PROXY header.
import type { Diagnostic, Envelope, FixContext, Hop } from '../types.ts';
import { downstream, problem } from '../diag.ts';
import { anyReadyEndpoint } from '../forwarding.ts';
import type { ClusterRealization, EksRealization, LocalRealization } from '../realization.ts';

export type Accepted = { ok: true; remote: string } | { ok: false; status: number; reason: string };

/**
 * A listener that parses PROXY takes the address from the outermost header; one that does not parse it
 * reads the header as a broken HTTP request (400). A PROXY listener given no header closes the connection.
 */
export function acceptConnection(env: Envelope, parsesProxy: boolean, product: string): Accepted {
  if (!parsesProxy) {
    if (env.proxy.length) return { ok: false, status: 400, reason: `${product} without PROXY parsing received a PROXY v${env.proxy[0].version} header: bad request` };
    return { ok: true, remote: env.peer };
  }
  if (!env.proxy.length) return { ok: false, status: 0, reason: `${product} PROXY listener received no PROXY header: connection closed` };
  if (env.proxy.length > 1) return { ok: false, status: 400, reason: `${product} got a second PROXY header inside the stream (the client sent its own): bad request` };
  return { ok: true, remote: env.proxy[0].source };
}

/** The fix for a hop that appends the client to X-Forwarded-For when the chain's gateway does not read it. */
export function gatewayMustReadForwardedFor(ctx: FixContext): string | null {
  const gw = ctx.gateway;
  if (!gw?.entry.gateway || gw.entry.gateway.readsForwardedFor(gw.settings)) return null;
  return `the gateway must trust the X-Forwarded-For entries this hop appends (${gw.entry.gateway.forwardedForSetting} on ${gw.name})`;
}

/** PROXY on the LB but not parsed downstream (every request fails), or parsed but never sent. Shared by nlb and clb. */
export function proxyMismatch(hop: Hop, chain: Hop[], emits: boolean): Diagnostic[] {
  const gw = downstream(hop, chain, (h) => !!h.entry.gateway || h.entry.position === 'last');
  if (!gw) return [];
  const parses = gw.entry.gateway?.parsesProxy(gw.settings) ?? false;
  if (emits && !parses) {
    return [problem('warning', 'proxy-not-parsed', hop, ['settings', 'proxyProtocol'],
      `this load balancer sends a PROXY header but ${gw.name} (${gw.component}) does not parse it: every request fails (400 / connection closed)`,
      gw.entry.gateway
        ? `enable PROXY parsing on ${gw.name} (${gw.entry.gateway.proxySetting}) in the same change`
        : 'put a gateway that parses PROXY in front of the service, or turn PROXY off')];
  }
  return [];
}

/** Pod names of a gateway's replicas (suffixes of the hop name). */
function replicaPods(replicas: number): Array<{ name: string }> {
  return Array.from({ length: replicas }, (_, r) => ({ name: String(r + 1) }));
}

/** What every in-cluster gateway shares: an L7 pod, replicas x capacity, routing to every ready service pod. */
export const inClusterGatewayFacets = {
  layer: () => 'L7' as const,
  tls: () => 'none' as const,
  forwarding: () => anyReadyEndpoint('gateway to service pods'),
  queue: (s: { replicas: number; capacityRpsPerReplica: number }) => ({
    servers: s.replicas,
    perServerRps: s.capacityRpsPerReplica,
    why: `${s.replicas} replica(s) x ${s.capacityRpsPerReplica} req/s (capacityRpsPerReplica)`,
  }),
  realize: {
    local: (s: { replicas: number }): LocalRealization => ({ realizer: 'gateway', listeners: { on: 'pods', pods: replicaPods(s.replicas) } }),
    cluster: (): ClusterRealization => ({ where: 'inside', by: 'gateway' }),
    eks: (): EksRealization => ({ by: 'in-cluster' }),
  },
};

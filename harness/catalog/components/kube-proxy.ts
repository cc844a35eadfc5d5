// kube-proxy (iptables/ipvs) on the node: NodePort / LoadBalancer Service data path.
import { z } from 'zod';
import type { ComponentDefinition } from '../types.ts';
import { anyReadyEndpoint } from '../forwarding.ts';

const settings = z.strictObject({
  externalTrafficPolicy: z.enum(['Cluster', 'Local']).default('Cluster'),
  serviceType: z.enum(['LoadBalancer', 'NodePort']).default('LoadBalancer'),
  mode: z.enum(['iptables', 'ipvs']).default('iptables'),
});
export type KubeProxySettings = z.infer<typeof settings>;

export const kubeProxy: ComponentDefinition<KubeProxySettings> = {
  kind: 'kube-proxy',
  title: 'kube-proxy (NodePort)',
  summary: 'The node-level Service data path that instance-target load balancers and NodePort clients go through.',
  managed: false,
  settings,
  layer: () => 'L4',
  tls: () => 'none',
  forwarding: (s) =>
    s.externalTrafficPolicy === 'Local'
      ? { scope: 'same-node', billed: false, why: 'externalTrafficPolicy Local: a pod on the receiving node' }
      : anyReadyEndpoint('kube-proxy externalTrafficPolicy Cluster (any node)'),
  // As an entry: a NodePort on a public node address.
  internetFacing: () => true,
  clientIpFix: (s) => (s.externalTrafficPolicy === 'Cluster' ? 'externalTrafficPolicy: Local keeps the source (or carry it in PROXY v2 / X-Forwarded-For)' : null),
  realize: {
    // kube-proxy itself programs iptables NAT: DNAT to the endpoints, MASQUERADE for ETP=Cluster.
    local: () => ({ realizer: 'l4-forwarder', listeners: { on: 'nodes' }, kernelNat: true }),
    cluster: () => ({ where: 'inside', by: 'kube-proxy' }),
    eks: () => ({ by: 'in-cluster' }),
  },
  describe: (s) => [
    `${s.serviceType} Service, externalTrafficPolicy: ${s.externalTrafficPolicy}, ${s.mode} mode`,
    s.externalTrafficPolicy === 'Local'
      ? 'source kept; only nodes with a ready local pod receive traffic (health check on healthCheckNodePort)'
      : 'source SNATed to the receiving node address; may hop to a pod on another node',
  ],
  // Kubernetes "Using Source IP": with ETP=Cluster, NodePort traffic is masqueraded to the node address
  // (iptables KUBE-EXT chain marks it), whether or not the chosen pod is local.
  apply: (env, s, ctx) => ({
    ok: true,
    env: s.externalTrafficPolicy === 'Local' ? env : { ...env, peer: ctx.nodeAddress ?? ctx.self },
  }),
  latency: () => ({
    dist: 'lognormal',
    medianMs: 0.02,
    p99Ms: 0.1,
    newConnection: { medianMs: 0.1, p99Ms: 0.4 },
    confidence: 'medium',
    basis: 'facts/latency.md: kube-proxy 0.02/0.1 ms, +0.1-0.4 ms per new connection',
  }),
  limits: () => [],
  features: () => ({}),
};

// kube-proxy (iptables/ipvs) on the node: NodePort / LoadBalancer Service data path.
import { z } from 'zod';
import type { ComponentDefinition } from '../types.ts';
import { anyReadyEndpoint } from '../forwarding.ts';
import { assumption, lognormalModel, SOURCES } from '../latency.ts';

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
  // The NAT decision is taken once per connection (the iptables rule walk, then conntrack); packets of an
  // established connection only pay the conntrack lookup and the rewrite.
  latency: () =>
    lognormalModel({
      medianMs: 0.02,
      p99Ms: 0.1,
      median: assumption('no published per-packet figure; a conntrack lookup and NAT rewrite in the kernel put at 20 us', [SOURCES.kubeProxyTigera]),
      p99: assumption('no published figure; 0.1 ms for softirq scheduling on a busy node', [SOURCES.kubeProxyTigera]),
      newConnection: {
        medianMs: 0.1,
        p99Ms: 0.4,
        median: assumption('no figure read from the published charts; the iptables rule walk of a small cluster put at 0.1 ms, growing with the number of Services', [SOURCES.kubeProxyTigera]),
        p99: assumption('no figure read from the published charts; 0.4 ms', [SOURCES.kubeProxyTigera]),
      },
    }),
  limits: () => [],
  features: () => ({}),
};

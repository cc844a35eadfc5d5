// Cross-AZ data inside the region: $0.01/GB out of one AZ and $0.01/GB into the other. Priced where a hop
// picks a target in any AZ: NLB cross-zone, kube-proxy with externalTrafficPolicy Cluster, and an in-cluster
// gateway picking any service pod. With pods spread evenly over `azs`, a share (azs-1)/azs crosses.
// ALB (to targets), Lattice and API Gateway do not bill inter-AZ.
import { perHour } from '../hours.ts';
import { BYTES_PER_GB, SECONDS_PER_HOUR } from '../units.ts';
import type { CostItem, ItemLine, WalkedHop } from './context.ts';

function crossing(h: WalkedHop): string | undefined {
  const s = h.hop.settings;
  if (h.hop.component === 'nlb' && s.crossZone) return 'NLB cross-zone load balancing';
  if (h.hop.component === 'kube-proxy' && s.externalTrafficPolicy === 'Cluster') return 'kube-proxy externalTrafficPolicy Cluster (any node)';
  if (h.hop.component === 'envoy-gateway' || h.hop.component === 'ingress-nginx') return 'gateway to service pods (no topology-aware routing)';
  return undefined;
}

export const crossAz: CostItem = ({ scenario, walk, price }) => {
  const azs = scenario.cluster.azs;
  if (azs < 2) return [];
  const share = (azs - 1) / azs;
  const out: ItemLine[] = [];
  for (const w of walk) {
    const why = crossing(w);
    if (!why) continue;
    const t = w.input;
    const gb = perHour(w.month, (k) => t.requestsPerSecond * k * SECONDS_PER_HOUR * (t.requestBytes + t.responseBytes)) * share / BYTES_PER_GB;
    out.push({ component: 'cross-az', item: `${w.hop.name}: ${why}`, quantity: 2 * gb, unit: 'GB (each direction)', price: price('cross-az.gb'),
      note: `${(share * 100).toFixed(0)}% of request+response bytes cross AZs (${azs} AZs), billed out and in` });
  }
  return out;
};

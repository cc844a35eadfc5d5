// Cross-AZ data inside the region: $0.01/GB out of one AZ and $0.01/GB into the other. Priced where the
// catalog says a hop forwards to targets in any AZ and that crossing is billed (catalog/forwarding.ts: NLB
// cross-zone, kube-proxy with externalTrafficPolicy Cluster, an in-cluster gateway picking any service pod);
// with targets spread evenly over `azs`, a share (azs-1)/azs crosses. The model and the local topology
// inject cross-AZ latency on the same share.
import { perHour } from '../hours.ts';
import { BYTES_PER_GB, SECONDS_PER_HOUR } from '../units.ts';
import type { CostItem, ItemLine } from './context.ts';

export const crossAz: CostItem = ({ scenario, walk, price }) => {
  const azs = scenario.cluster.azs;
  const out: ItemLine[] = [];
  for (const w of walk) {
    const { share, billed, why } = w.hop.entry.crossAz(w.hop.settings, azs);
    if (!billed || share === 0) continue;
    const t = w.input;
    const gb = perHour(w.month, (k) => t.requestsPerSecond * k * SECONDS_PER_HOUR * (t.requestBytes + t.responseBytes)) * share / BYTES_PER_GB;
    out.push({ component: 'cross-az', item: `${w.hop.name}: ${why}`, quantity: 2 * gb, unit: 'GB (each direction)', price: price('cross-az.gb'),
      note: `${(share * 100).toFixed(0)}% of request+response bytes cross AZs (${azs} AZs), billed out and in` });
  }
  return out;
};

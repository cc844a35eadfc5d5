// EC2 capacity of in-cluster gateway replicas (Envoy Gateway, ingress-nginx): per hour, replicas =
// max(configured, ceil(requests/s / capacityRpsPerReplica)) as an autoscaler would, each reserving
// vcpuPerReplica of an instanceType node; priced as that share of the node's on-demand hour. Linux on-demand
// instances bill per second, so replica-hours follow the usage hours exactly.
import { perHour, peakFactor } from '../hours.ts';
import { fmtNum } from '../units.ts';
import { UserError } from '../../lib/errors.ts';
import type { CostItem, ItemLine } from './context.ts';

/**
 * Burstable families (T) keep 2 vCPUs up to `large` (t3.nano has 2); t2 has 1 up to `small`. Other families
 * start at `medium` = 1 vCPU (Graviton: m6g.medium, c7g.medium). From `large` up every current family has
 * 2 per `large` step: large = 2, xlarge = 4, Nxlarge = 4N. Source: the EC2 instance type pages (vCPU columns).
 */
const SMALL_SIZES: Record<string, number> = { nano: 0, micro: 1, small: 2, medium: 3 };

/** vCPUs of an EC2 instance type, or undefined when the lab cannot tell (metal, unknown sizes). */
export function vcpusOf(instanceType: string): number | undefined {
  const [family = '', size = ''] = instanceType.split('.');
  if (size === 'large') return 2;
  if (size === 'xlarge') return 4;
  const m = /^(\d+)xlarge$/.exec(size);
  if (m) return 4 * Number(m[1]);
  if (!(size in SMALL_SIZES)) return undefined;
  if (family === 't2') return SMALL_SIZES[size] >= SMALL_SIZES.medium ? 2 : 1;
  if (/^t\d/.test(family)) return 2;
  return size === 'medium' ? 1 : undefined;
}

export const gatewayCapacity: CostItem = ({ walk, price }) => {
  const out: ItemLine[] = [];
  for (const w of walk) {
    if (!w.hop.entry.gateway) continue;
    const s = w.hop.settings;
    const vcpus = vcpusOf(s.instanceType);
    if (!vcpus) {
      throw new UserError(`hop ${w.hop.name} (${w.hop.component}): cannot tell the vCPU count of instance type ${s.instanceType}`,
        'use a size from medium (or nano-medium for T families) to Nxlarge, e.g. m6i.large, so the replica share of the node can be priced');
    }
    const rps = w.input.requestsPerSecond;
    const replicas = (k: number) => Math.max(s.replicas, Math.ceil((rps * k) / s.capacityRpsPerReplica));
    const replicaHours = perHour(w.month, replicas);
    out.push({
      component: w.hop.component, item: `${w.hop.name}: replica capacity on ${s.instanceType}`,
      quantity: (replicaHours * s.vcpuPerReplica) / vcpus, unit: 'instance-hour', price: price(`ec2.${s.instanceType}.hour`),
      note: `${fmtNum(replicaHours / w.month.usageHours, 2)} replicas on average (peak ${replicas(peakFactor(w.month))}), ${s.vcpuPerReplica} of ${vcpus} vCPU each; min ${s.replicas}, ${fmtNum(s.capacityRpsPerReplica, 0)} req/s per replica`,
    });
  }
  return out;
};

// EC2 capacity of in-cluster gateway replicas (Envoy Gateway, ingress-nginx): per hour, replicas =
// max(configured, ceil(requests/s / capacityRpsPerReplica)) as an autoscaler would, each reserving
// vcpuPerReplica of an instanceType node; priced as that share of the node's on-demand hour.
import { perHour, peakFactor } from '../hours.ts';
import { fmtNum } from '../units.ts';
import type { CostItem, ItemLine } from './context.ts';

/** vCPUs by instance size (EC2 naming: large = 2, xlarge = 4, Nxlarge = 4N). */
export function vcpusOf(instanceType: string): number | undefined {
  const size = instanceType.split('.')[1] ?? '';
  if (size === 'medium') return 1;
  if (size === 'large') return 2;
  if (size === 'xlarge') return 4;
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? 4 * Number(m[1]) : undefined;
}

export const gatewayCapacity: CostItem = ({ month, walk, price }) => {
  const out: ItemLine[] = [];
  for (const w of walk) {
    if (!w.hop.entry.gateway) continue;
    const s = w.hop.settings;
    const vcpus = vcpusOf(s.instanceType);
    if (!vcpus) throw new Error(`cannot tell the vCPU count of instance type ${s.instanceType}`);
    const rps = w.input.requestsPerSecond;
    const replicas = (k: number) => Math.max(s.replicas, Math.ceil((rps * k) / s.capacityRpsPerReplica));
    const replicaHours = perHour(month, replicas);
    out.push({
      component: w.hop.component, item: `${w.hop.name}: replica capacity on ${s.instanceType}`,
      quantity: (replicaHours * s.vcpuPerReplica) / vcpus, unit: 'instance-hour', price: price(`ec2.${s.instanceType}.hour`),
      note: `${fmtNum(replicaHours / month.billableHours, 2)} replicas on average (peak ${replicas(peakFactor(month))}), ${s.vcpuPerReplica} of ${vcpus} vCPU each; min ${s.replicas}, ${fmtNum(s.capacityRpsPerReplica, 0)} req/s per replica`,
    });
  }
  return out;
};

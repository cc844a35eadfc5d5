// Classic LB bill: hours + GB processed (no capacity units). One per Service in per-service topologies: the
// engine passes `instances`. Facts: facts/aws-pricing.md (Classic LB and ELB free tier rows).
import type { CostModel } from '../../cost/types.ts';
import { ELB_FREE, gbPerHour } from '../../cost/units.ts';
import { perHour } from '../../cost/hours.ts';
import { publicIpv4Line } from '../../cost/lines.ts';
import type { ClbSettings } from './clb.ts';

export const clbCost: CostModel<ClbSettings> = {
  priceKeys: ['clb.hour', 'clb.gb', 'vpc.public-ipv4-address-hour'],
  lines: (ctx) => {
    const { settings: s, traffic: t, month, instances, profile, price } = ctx;
    const free = profile.freeTiers.newAccount12Months;
    const hours = instances * month.billableHours;
    const gb = instances * perHour(month, (k) => gbPerHour(t.requestsPerSecond * k, t.requestBytes + t.responseBytes));
    return [
      { item: 'load balancer hours', quantity: free ? Math.max(0, hours - ELB_FREE.hours) : hours, unit: 'CLB-hour', price: price('clb.hour'),
        note: (instances > 1 ? `${instances} Classic LBs (one per Service)` : '') + (free ? `${instances > 1 ? '; ' : ''}${ELB_FREE.hours} h free (12-month tier)` : '') || undefined },
      { item: 'data processed', quantity: free ? Math.max(0, gb - ELB_FREE.clbGb) : gb, unit: 'GB', price: price('clb.gb'),
        note: free ? `${ELB_FREE.clbGb} GB free (12-month tier)` : undefined },
      // Like an ALB, a Classic LB has a node with a public address in each enabled AZ, and more as it scales.
      ...(s.scheme === 'internet-facing'
        ? [publicIpv4Line(ctx, ctx.cluster.azs, `internet-facing: at least one public address per AZ (${ctx.cluster.azs}); more while AWS scales it out`)]
        : []),
    ];
  },
};

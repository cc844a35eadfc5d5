// NLB bill: hours + NLCU-hours, with the NLCU dimensions of the LISTENER PROTOCOL (TLS is 16x less generous
// on new connections than TCP). Facts: facts/aws-pricing.md (NLB row, pitfall 3). Cross-zone data is
// priced by the engine (harness/cost/items/cross-az.ts).
import type { CostModel } from '../../cost/types.ts';
import { gbPerHour, fmtNum } from '../../cost/units.ts';
import { capacityNote, capacityUnits } from './lb-capacity.cost.ts';
import { publicIpv4Line } from '../../cost/lines.ts';
import type { NlbSettings } from './nlb.ts';

/** Per NLCU, by listener protocol: new connections (flows)/s, active connections (flows), GB/h. */
export const NLCU_DIMENSIONS = {
  TCP: { newPerS: 800, active: 100_000, gbPerHour: 1 },
  UDP: { newPerS: 400, active: 50_000, gbPerHour: 1 },
  TLS: { newPerS: 50, active: 3_000, gbPerHour: 1 },
} as const;

export const nlbCost: CostModel<NlbSettings> = {
  priceKeys: ['nlb.hour', 'nlb.nlcu-hour', 'vpc.public-ipv4-address-hour'],
  lines: (ctx) => {
    const { settings: s, traffic: t, month, instances, price } = ctx;
    const d = NLCU_DIMENSIONS[s.listener];
    const use = capacityUnits(month, [
      { name: 'new connections', at: (k) => (t.newConnectionsPerSecond * k) / d.newPerS },
      { name: 'active connections', at: (k) => (t.activeConnections * k) / d.active },
      { name: 'processed bytes', at: (k) => gbPerHour(t.requestsPerSecond * k, t.requestBytes + t.responseBytes) / d.gbPerHour },
    ]);
    return [
      { item: 'load balancer hours', quantity: instances * month.billableHours, unit: 'NLB-hour', price: price('nlb.hour') },
      { item: `NLCU-hours (${s.listener} listener)`, quantity: instances * use.unitHours, unit: 'NLCU-hour', price: price('nlb.nlcu-hour'),
        note: `${capacityNote(use, 'NLCU', month.slices.length > 1)}; ${s.listener}: ${d.newPerS} new/s, ${fmtNum(d.active, 0)} active, ${d.gbPerHour} GB/h per NLCU` },
      // An internet-facing NLB has one static Elastic IP per enabled subnet (one subnet per AZ).
      ...(s.scheme === 'internet-facing'
        ? [publicIpv4Line(ctx, ctx.cluster.azs, `internet-facing: one Elastic IP per AZ subnet (${ctx.cluster.azs} AZs), static for the NLB's life`)]
        : []),
    ];
  },
};

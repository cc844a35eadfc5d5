// ALB bill: hours + LCU-hours. One LCU = the largest of 25 new connections/s, 3,000 active connections
// (1,500 with mutual TLS), 1 GB/h processed, 1,000 rule evaluations/s where evaluations = requests/s x
// max(0, rules - 10 free). Facts: facts/aws-pricing.md (ALB row, pitfalls 1, 2, 10).
import type { CostLineDraft, CostModel } from '../../cost/types.ts';
import { ELB_FREE, gbPerHour } from '../../cost/units.ts';
import { capacityNote, capacityUnits } from './lb-capacity.cost.ts';
import { publicIpv4Line } from '../../cost/lines.ts';
import type { AlbSettings } from './alb.ts';

export const ALB_FREE_RULES = 10;
/** An ALB needs subnets in at least two Availability Zones (elbv2 CreateLoadBalancer). */
export const ALB_MIN_AZS = 2;

export const albCost: CostModel<AlbSettings> = {
  priceKeys: ['alb.hour', 'alb.lcu-hour', 'alb.trust-store-hour', 'vpc.public-ipv4-address-hour'],
  lines: (ctx) => {
    const { settings: s, traffic: t, month, instances, profile, price } = ctx;
    const activePerLcu = s.mutualTls ? 1500 : 3000;
    const billedRules = Math.max(0, s.rulesEvaluated - ALB_FREE_RULES);
    const use = capacityUnits(month, [
      { name: 'new connections', at: (k) => (t.newConnectionsPerSecond * k) / 25 },
      { name: 'active connections', at: (k) => (t.activeConnections * k) / activePerLcu },
      { name: 'processed bytes', at: (k) => gbPerHour(t.requestsPerSecond * k, t.requestBytes + t.responseBytes) },
      { name: 'rule evaluations', at: (k) => (t.requestsPerSecond * k * billedRules) / 1000 },
    ]);
    const free = profile.freeTiers.newAccount12Months;
    const hours = instances * month.billableHours;
    const lcuHours = instances * use.unitHours;
    const lines: CostLineDraft[] = [
      { item: 'load balancer hours', quantity: free ? Math.max(0, hours - ELB_FREE.hours) : hours, unit: 'ALB-hour', price: price('alb.hour'),
        note: free ? `${ELB_FREE.hours} h free (12-month new-account tier, shared with CLB)` : undefined },
      { item: 'LCU-hours', quantity: free ? Math.max(0, lcuHours - ELB_FREE.albLcu) : lcuHours, unit: 'LCU-hour', price: price('alb.lcu-hour'),
        note: `${capacityNote(use, 'LCU', month.slices.length > 1)}; ${s.rulesEvaluated} rule(s) evaluated, ${ALB_FREE_RULES} free` +
          (s.mutualTls ? '; mutual TLS: 1,500 active connections per LCU' : '') + (free ? `; ${ELB_FREE.albLcu} LCU free` : '') },
    ];
    if (s.mutualTls) lines.push({ item: 'mutual TLS trust store hours', quantity: hours, unit: 'trust store-hour', price: price('alb.trust-store-hour'), note: undefined });
    if (s.scheme === 'internet-facing') {
      // ELB puts a node with a public address in every enabled AZ; the ALB adds nodes as it scales, so this is its floor.
      const azs = Math.max(ALB_MIN_AZS, ctx.cluster.azs);
      lines.push(publicIpv4Line(ctx, azs, `internet-facing: at least one public address per AZ the ALB spans (${azs}; an ALB spans two AZs at least); more while AWS scales it out`));
    }
    return lines;
  },
};

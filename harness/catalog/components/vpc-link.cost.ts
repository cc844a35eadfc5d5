// VPC link: no fee of its own; the NLB (or ALB) behind it is billed while the link is active. A zero line
// keeps the hop visible on the bill with the reason.
import type { CostModel } from '../../cost/types.ts';
import type { VpcLinkSettings } from './vpc-link.ts';

export const vpcLinkCost: CostModel<VpcLinkSettings> = {
  priceKeys: [],
  lines: ({ month, profile }) => [{
    item: 'VPC link', quantity: month.billableHours, unit: 'hour',
    price: { key: 'vpc-link.none', region: profile.region, unit: 'hour', nano: 0n, source: 'facts/aws-pricing.md: no separate fee', uncertain: false },
    note: 'no separate fee: you pay for the load balancer behind it while the link is active',
  }],
};

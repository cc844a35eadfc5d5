// NAT gateways for the nodes' own egress (image pulls, external APIs): hours + GB processed. Responses to
// clients do not go through NAT. Stacked: NAT egress also pays data out (not added here: the profile's
// NAT volume is egress to arbitrary destinations, whose data-out tier the lab cannot know).
import type { CostItem } from './context.ts';
import { PUBLIC_IPV4_COMPONENT, PUBLIC_IPV4_PRICE } from '../lines.ts';

export const natGateway: CostItem = ({ profile, month, price }) => {
  const { natGateways, natProcessedGbPerMonth } = profile.cluster;
  if (natGateways === 0 && natProcessedGbPerMonth === 0) return [];
  return [
    { component: 'nat-gateway', item: `NAT gateway hours (${natGateways})`, quantity: natGateways * month.billableHours, unit: 'NAT gateway-hour', price: price('nat.hour'), note: 'baseline: the same for every topology' },
    { component: 'nat-gateway', item: 'NAT data processed', quantity: natProcessedGbPerMonth, unit: 'GB', price: price('nat.gb'), note: 'profile cluster.natProcessedGbPerMonth; its internet data out is not included' },
    // A public NAT gateway holds one Elastic IP (its primary public address), billed as any public IPv4.
    ...(natGateways > 0 ? [{
      component: PUBLIC_IPV4_COMPONENT, item: `nat-gateway: ${natGateways} address${natGateways === 1 ? '' : 'es'}`, quantity: natGateways * month.billableHours, unit: 'address-hour',
      price: price(PUBLIC_IPV4_PRICE), note: 'one Elastic IP per public NAT gateway; baseline: the same for every topology',
    }] : []),
  ];
};

// Bill lines more than one cost model writes the same way: how a hop is named on the bill, and the public
// IPv4 addresses a hop holds (AWS bills them under Amazon VPC, per address-hour, whatever holds them).
import type { CostLineDraft, HopCostContext } from './types.ts';

/** "nlb" or "nlb (public-nlb)": how the bill names a hop. */
export function hopLabel(hop: { name: string; component: string }): string {
  return hop.name === hop.component ? hop.component : `${hop.component} (${hop.name})`;
}

export const PUBLIC_IPV4_PRICE = 'vpc.public-ipv4-address-hour';
export const PUBLIC_IPV4_COMPONENT = 'public-ipv4';

/**
 * `addresses` public IPv4 addresses held by each instance of the hop for every billable hour (an address
 * is an hourly fee: a partial hour bills as a full one). Billed under its own component, as AWS bills it.
 */
export function publicIpv4Line(ctx: Pick<HopCostContext<unknown>, 'hop' | 'instances' | 'month' | 'price'>, addresses: number, why: string): CostLineDraft {
  const total = addresses * ctx.instances;
  return {
    component: PUBLIC_IPV4_COMPONENT,
    item: `${hopLabel(ctx.hop)}: ${total} address${total === 1 ? '' : 'es'}`,
    quantity: total * ctx.month.billableHours,
    unit: 'address-hour',
    price: ctx.price(PUBLIC_IPV4_PRICE),
    note: why + (ctx.instances > 1 ? `; x ${ctx.instances} (one load balancer per Service)` : ''),
  };
}

// Data transfer out to the internet at EC2 rates (monthly tiers): the response bytes of an internet-facing
// entry. Not for CloudFront (it bills its own data out, and origin fetches from AWS are free) nor for
// VPC-internal entries (Lattice, internal load balancers).
import { perHour } from '../hours.ts';
import { tieredLines } from '../tiers.ts';
import { BYTES_PER_GB, DATA_OUT_FREE_GB, SECONDS_PER_HOUR } from '../units.ts';
import { entryHop, internetFacing, type CostItem } from './context.ts';

export const dataTransferOut: CostItem = (ctx) => {
  const e = entryHop(ctx);
  // An edge (CloudFront) bills its own data out; origin fetches from AWS origins are free.
  if (!e || e.hop.entry.edge || !internetFacing(e)) return [];
  const t = e.input;
  const gb = perHour(e.month, (k) => t.requestsPerSecond * k * SECONDS_PER_HOUR * t.responseBytes) / BYTES_PER_GB;
  const free = ctx.profile.freeTiers.alwaysFree;
  return tieredLines(ctx.price('data-out.internet'), free ? Math.max(0, gb - DATA_OUT_FREE_GB) : gb, 'data transfer out to internet',
    `responses leaving ${e.hop.name} (${e.hop.component}) at EC2 rates${free ? `; ${DATA_OUT_FREE_GB} GB free` : ''}`).map((l) => ({ ...l, component: 'data-transfer' }));
};

// Route 53: a hosted zone for the public name (external-dns or hand-made records), and standard queries.
// Alias queries to AWS resources (ELB, CloudFront, API Gateway) are free: only non-alias queries are billed.
import { perHour } from '../hours.ts';
import { SECONDS_PER_HOUR } from '../units.ts';
import { entryHop, internetFacing, type CostItem } from './context.ts';

export const route53: CostItem = (ctx) => {
  const e = entryHop(ctx);
  // A NodePort or a pod address as the entry has no AWS name of its own.
  if (!e || !internetFacing(e) || !e.hop.entry.managed) return [];
  const queries = perHour(ctx.month, (k) => ctx.profile.dnsNonAliasQueriesPerSecond * k * SECONDS_PER_HOUR);
  return [
    { component: 'route53', item: 'hosted zone', quantity: 1, unit: 'hosted zone-month', price: ctx.price('route53.hosted-zone-month'), note: 'public name of the entry (e.g. external-dns records)' },
    { component: 'route53', item: 'standard queries', quantity: queries / 1e6, unit: 'million queries', price: ctx.price('route53.queries'), note: 'alias queries to AWS resources are free; profile dnsNonAliasQueriesPerSecond' },
  ];
};

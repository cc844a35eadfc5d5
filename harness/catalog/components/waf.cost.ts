// AWS WAF bill: web ACL and rules per month (prorated hourly), requests per million. It inspects every
// request reaching the resource it is attached to (CloudFront: all viewer requests, cache hits included).
import type { CostModel } from '../../cost/types.ts';
import { perHour } from '../../cost/hours.ts';
import { AWS_MONTH_HOURS, SECONDS_PER_HOUR } from '../../cost/units.ts';
import type { WafSettings } from './waf.ts';

export const wafCost: CostModel<WafSettings> = {
  priceKeys: ['waf.web-acl-month', 'waf.rule-month', 'waf.requests'],
  lines: ({ settings: s, traffic: t, month, price }) => {
    const months = month.billableHours / AWS_MONTH_HOURS;
    const requests = perHour(month, (k) => t.requestsPerSecond * k * SECONDS_PER_HOUR);
    const prorated = months === 1 ? undefined : `prorated hourly: ${month.billableHours} h / ${AWS_MONTH_HOURS} h`;
    return [
      { item: 'web ACL', quantity: months, unit: 'web ACL-month', price: price('waf.web-acl-month'), note: prorated },
      { item: `rules (${s.rules})`, quantity: s.rules * months, unit: 'rule-month', price: price('waf.rule-month'), note: prorated },
      { item: 'requests inspected', quantity: requests / 1e6, unit: 'million requests', price: price('waf.requests') },
    ];
  },
};

// AWS WAF bill: web ACL and rules per month, prorated hourly against the length of the month ("monthly fees
// are prorated on an hourly basis": a 744-hour month run in full is one month, $5.00 per ACL, not 744/730 of
// it), requests per million. It inspects every request reaching the resource it is attached to (CloudFront:
// all viewer requests, cache hits included; API Gateway: throttled requests too).
import type { CostModel } from '../../cost/types.ts';
import { perHour } from '../../cost/hours.ts';
import { SECONDS_PER_HOUR, fmtNum } from '../../cost/units.ts';
import type { WafSettings } from './waf.ts';

export const wafCost: CostModel<WafSettings> = {
  priceKeys: ['waf.web-acl-month', 'waf.rule-month', 'waf.requests'],
  lines: ({ settings: s, traffic: t, month, price }) => {
    // An hourly proration bills a partial hour as a full one; never more than the whole month.
    const hours = Math.min(month.billableHours, month.monthLengthHours);
    const months = hours / month.monthLengthHours;
    const requests = perHour(month, (k) => t.requestsPerSecond * k * SECONDS_PER_HOUR);
    const prorated = months === 1 ? `the whole ${fmtNum(month.monthLengthHours, 0)}-hour month` : `prorated hourly: ${hours} h of a ${fmtNum(month.monthLengthHours, 0)}-hour month`;
    return [
      { item: 'web ACL', quantity: months, unit: 'web ACL-month', price: price('waf.web-acl-month'), note: prorated },
      { item: `rules (${s.rules})`, quantity: s.rules * months, unit: 'rule-month', price: price('waf.rule-month'), note: prorated },
      { item: 'requests inspected', quantity: requests / 1e6, unit: 'million requests', price: price('waf.requests') },
    ];
  },
};

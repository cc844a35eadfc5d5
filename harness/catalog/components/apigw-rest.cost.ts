// API Gateway REST bill: requests in monthly tiers (per account per region) + optional cache hours. Data
// out to the internet is billed at EC2 rates by the engine (items/data-out.ts). Facts: facts/aws-pricing.md.
import type { CostModel } from '../../cost/types.ts';
import { perHour } from '../../cost/hours.ts';
import { tieredLines } from '../../cost/tiers.ts';
import { APIGW_FREE_REQUESTS, SECONDS_PER_HOUR, fmtNum } from '../../cost/units.ts';
import type { ApigwRestSettings } from './apigw-rest.ts';

export const apigwRestCost: CostModel<ApigwRestSettings> = {
  priceKeys: ['apigw-rest.requests', 'apigw-rest.cache-0.5gb-hour', 'apigw-rest.cache-237gb-hour'],
  lines: ({ settings: s, traffic: t, month, profile, price }) => {
    const requests = perHour(month, (k) => t.requestsPerSecond * k * SECONDS_PER_HOUR);
    const free = profile.freeTiers.newAccount12Months;
    const billed = free ? Math.max(0, requests - APIGW_FREE_REQUESTS) : requests;
    const lines = tieredLines(price('apigw-rest.requests'), billed / 1e6, 'API calls',
      `${fmtNum(requests / 1e6, 3)}M requests/month${free ? ', 1M free (12-month tier)' : ''}; tiers count per account per region`);
    if (s.cacheGb > 0) {
      lines.push({ item: `cache ${s.cacheGb} GB`, quantity: month.billableHours, unit: 'cache-hour', price: price(`apigw-rest.cache-${s.cacheGb}gb-hour`), note: 'not covered by the free tier' });
    }
    return lines;
  },
};

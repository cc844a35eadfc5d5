// API Gateway HTTP API bill: requests in monthly tiers, METERED IN 512 KB INCREMENTS: a 513 KB request
// counts as two (facts/aws-pricing.md, pitfall 5), with KB = 1,000 bytes (units.ts says why). Which payload
// is metered: the request (as the facts state).
import type { CostModel } from '../../cost/types.ts';
import { perHour } from '../../cost/hours.ts';
import { tieredLines } from '../../cost/tiers.ts';
import { APIGW_FREE_REQUESTS, HTTP_API_METER_BYTES, HTTP_API_METER_DEFINITION, SECONDS_PER_HOUR, fmtNum } from '../../cost/units.ts';
import type { ApigwHttpSettings } from './apigw-http.ts';

/** Billable requests one request counts as. */
export function httpApiMeteredRequests(requestBytes: number): number {
  return Math.max(1, Math.ceil(requestBytes / HTTP_API_METER_BYTES));
}

export const apigwHttpCost: CostModel<ApigwHttpSettings> = {
  priceKeys: ['apigw-http.requests'],
  lines: ({ traffic: t, month, profile, price }) => {
    const per = httpApiMeteredRequests(t.requestBytes);
    const metered = perHour(month, (k) => t.requestsPerSecond * k * SECONDS_PER_HOUR) * per;
    const free = profile.freeTiers.newAccount12Months;
    const billed = free ? Math.max(0, metered - APIGW_FREE_REQUESTS) : metered;
    return tieredLines(price('apigw-http.requests'), billed / 1e6, 'API calls (metered)',
      `each ${fmtNum(t.requestBytes, 0)}-byte request meters as ${per} (512 KB = 512,000-byte increments)${free ? '; 1M free (12-month tier)' : ''}`);
  },
  assumptions: () => [HTTP_API_METER_DEFINITION],
};

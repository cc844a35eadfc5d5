// API Gateway REST bill: requests in monthly tiers (per account per region) + optional cache hours. Data
// out to the internet is billed at EC2 rates by the engine (items/data-out.ts); a PRIVATE API has no data
// out charge, but "AWS PrivateLink charges apply" (aws.amazon.com/api-gateway/pricing/): its clients reach it
// through an execute-api interface VPC endpoint, billed per endpoint per AZ-hour and per GB it processes.
// Facts: facts/aws-pricing.md.
import type { CostLineDraft, CostModel } from '../../cost/types.ts';
import { perHour } from '../../cost/hours.ts';
import { tieredLines } from '../../cost/tiers.ts';
import { APIGW_FREE_REQUESTS, BYTES_PER_GB, SECONDS_PER_HOUR, fmtNum } from '../../cost/units.ts';
import type { ApigwRestSettings } from './apigw-rest.ts';

export const PRIVATELINK_COMPONENT = 'privatelink';

export const apigwRestCost: CostModel<ApigwRestSettings> = {
  priceKeys: ['apigw-rest.requests', 'apigw-rest.cache-0.5gb-hour', 'apigw-rest.cache-237gb-hour', 'privatelink.interface-endpoint-az-hour', 'privatelink.interface-endpoint-gb'],
  lines: ({ settings: s, traffic: t, month, profile, cluster, price }) => {
    const requests = perHour(month, (k) => t.requestsPerSecond * k * SECONDS_PER_HOUR);
    const free = profile.freeTiers.newAccount12Months;
    const billed = free ? Math.max(0, requests - APIGW_FREE_REQUESTS) : requests;
    const lines: CostLineDraft[] = tieredLines(price('apigw-rest.requests'), billed / 1e6, 'API calls',
      `${fmtNum(requests / 1e6, 3)}M requests/month${free ? ', 1M free (12-month tier)' : ''}; tiers count per account per region`);
    if (s.cacheGb > 0) {
      lines.push({ item: `cache ${s.cacheGb} GB`, quantity: month.billableHours, unit: 'cache-hour', price: price(`apigw-rest.cache-${s.cacheGb}gb-hour`), note: 'not covered by the free tier' });
    }
    if (s.endpointType === 'private') {
      // One execute-api interface endpoint in the clients' VPC, with a network interface in each of its AZs.
      lines.push({
        component: PRIVATELINK_COMPONENT, item: `execute-api interface endpoint (${cluster.azs} AZs)`, quantity: cluster.azs * month.billableHours, unit: 'endpoint AZ-hour',
        price: price('privatelink.interface-endpoint-az-hour'), note: 'private API: clients reach it through an execute-api interface VPC endpoint, billed per AZ it is provisioned in',
      });
      const gb = (requests * (t.requestBytes + t.responseBytes)) / BYTES_PER_GB;
      for (const l of tieredLines(price('privatelink.interface-endpoint-gb'), gb, 'execute-api endpoint data processed',
        'request + response bytes through the endpoint; tiers count all interface endpoints of the account in the region')) {
        lines.push({ ...l, component: PRIVATELINK_COMPONENT });
      }
    }
    return lines;
  },
};

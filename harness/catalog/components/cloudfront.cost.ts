// CloudFront bill: data out to viewers in monthly tiers per geography, requests per 10,000 (HTTP vs HTTPS,
// by geography), request bytes sent to the origin on cache misses. Origin fetches from AWS origins are
// free, so the origin pays no internet data out (the engine knows). Facts: facts/aws-pricing.md.
import type { CostModel } from '../../cost/types.ts';
import { perHour } from '../../cost/hours.ts';
import { tieredLines } from '../../cost/tiers.ts';
import { CLOUDFRONT_FREE, SECONDS_PER_HOUR, BYTES_PER_GB } from '../../cost/units.ts';
import type { CloudFrontSettings } from './cloudfront.ts';

export const cloudfrontCost: CostModel<CloudFrontSettings> = {
  priceKeys: ['cloudfront.data-out.us', 'cloudfront.requests-https.us', 'cloudfront.requests-http.us', 'cloudfront.data-to-origin'],
  lines: ({ settings: s, traffic: t, month, profile, price }) => {
    const requests = perHour(month, (k) => t.requestsPerSecond * k * SECONDS_PER_HOUR);
    const outGb = (requests * t.responseBytes) / BYTES_PER_GB;
    const toOriginGb = (requests * (1 - s.cacheHitRatio) * t.requestBytes) / BYTES_PER_GB;
    const https = s.viewerProtocol === 'https' || t.https;
    const free = profile.freeTiers.alwaysFree;
    const lines = tieredLines(price(`cloudfront.data-out.${s.geography}`), free ? Math.max(0, outGb - CLOUDFRONT_FREE.gb) : outGb,
      `data out to viewers (${s.geography})`, free ? '1 TB free (always-free tier)' : 'tiers count per month per account per geography');
    lines.push({
      item: `${https ? 'HTTPS' : 'HTTP'} requests (${s.geography})`,
      quantity: (free ? Math.max(0, requests - CLOUDFRONT_FREE.requests) : requests) / 10_000, unit: '10,000 requests',
      price: price(`cloudfront.requests-${https ? 'https' : 'http'}.${s.geography}`), note: free ? '10M requests free (always-free tier)' : undefined,
    });
    lines.push({ item: 'request bytes to origin (cache misses)', quantity: toOriginGb, unit: 'GB', price: price('cloudfront.data-to-origin'),
      note: `cache hit ratio ${s.cacheHitRatio}; origin fetches from AWS origins are free` });
    return lines;
  },
};

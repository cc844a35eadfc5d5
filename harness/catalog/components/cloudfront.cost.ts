// CloudFront bill, per geography (the price columns of aws.amazon.com/cloudfront/pricing/): data out to
// viewers in monthly tiers (tiers count per geography), requests per 10,000 (HTTP vs HTTPS; one price for
// every method), and data transfer out to the origin (its own price per geography), which AWS bills ONLY for
// DELETE, OPTIONS, PATCH, POST and PUT requests (CloudFront Developer Guide, "CloudFront pricing": charge for
// submitting data to your origin). Origin fetches from AWS origins are free, so the origin pays no internet
// data out (the engine knows). Facts: facts/aws-pricing.md.
import type { CostModel, HttpMethod, Profile } from '../../cost/types.ts';
import { perHour } from '../../cost/hours.ts';
import { tieredLines } from '../../cost/tiers.ts';
import { CLOUDFRONT_FREE, SECONDS_PER_HOUR, BYTES_PER_GB, fmtNum } from '../../cost/units.ts';
import type { CloudFrontSettings } from './cloudfront.ts';

/** Methods whose request bytes CloudFront bills as data transfer out to the origin. */
export const ORIGIN_BILLED_METHODS: readonly HttpMethod[] = ['DELETE', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/** Share of requests whose bytes are billed to the origin, and how the bill should say it. */
export function originBilledShare(p: Pick<Profile, 'methodMix'>): { share: number; basis: string } {
  if (!p.methodMix) return { share: 1, basis: 'no methodMix in the profile: every request is assumed to send its requestBytes to the origin with a billed method (an upper bound)' };
  const share = ORIGIN_BILLED_METHODS.reduce((a, m) => a + (p.methodMix![m] ?? 0), 0);
  return { share, basis: `profile methodMix: ${fmtNum(share * 100, 2)}% of requests are DELETE/OPTIONS/PATCH/POST/PUT` };
}

const GEOGRAPHY_NAMES: Record<CloudFrontSettings['geography'], string> = {
  us: 'United States, Mexico, Canada', europe: 'Europe, Israel, Türkiye', 'south-america': 'South America', japan: 'Japan',
  australia: 'Australia, New Zealand', 'asia-pacific': 'Hong Kong, Indonesia, Philippines, Singapore, South Korea, Taiwan, Thailand, Malaysia, Vietnam',
  india: 'India', 'middle-east': 'Middle East (priced with South Africa, Kenya, Nigeria)', africa: 'South Africa, Kenya, Nigeria (priced with the Middle East)',
};

export const cloudfrontCost: CostModel<CloudFrontSettings> = {
  priceKeys: ['cloudfront.data-out.<geography>', 'cloudfront.requests-http.<geography>', 'cloudfront.requests-https.<geography>', 'cloudfront.data-to-origin.<geography>'],
  lines: ({ settings: s, traffic: t, month, profile, price }) => {
    const g = s.geography;
    const requests = perHour(month, (k) => t.requestsPerSecond * k * SECONDS_PER_HOUR);
    const outGb = (requests * t.responseBytes) / BYTES_PER_GB;
    // Requests with a body-carrying method are never served from cache: all of them reach the origin.
    const billed = originBilledShare(profile);
    const toOriginGb = (requests * billed.share * t.requestBytes) / BYTES_PER_GB;
    const https = s.viewerProtocol === 'https' || t.https;
    const free = profile.freeTiers.alwaysFree;
    const lines = tieredLines(price(`cloudfront.data-out.${g}`), free ? Math.max(0, outGb - CLOUDFRONT_FREE.gb) : outGb,
      `data out to viewers (${g})`, `${GEOGRAPHY_NAMES[g]}; ${free ? '1 TB free (always-free tier); ' : ''}tiers count per month per account per geography`);
    lines.push({
      item: `${https ? 'HTTPS' : 'HTTP'} requests (${g})`,
      quantity: (free ? Math.max(0, requests - CLOUDFRONT_FREE.requests) : requests) / 10_000, unit: '10,000 requests',
      price: price(`cloudfront.requests-${https ? 'https' : 'http'}.${g}`), note: free ? '10M requests free (always-free tier)' : undefined,
    });
    lines.push({ item: `data transfer out to origin (${g})`, quantity: toOriginGb, unit: 'GB', price: price(`cloudfront.data-to-origin.${g}`),
      note: `request bytes of DELETE, OPTIONS, PATCH, POST and PUT requests only; ${billed.basis}; origin fetches from AWS origins are free` });
    return lines;
  },
  assumptions: ({ profile }) => [`CloudFront origin bytes: ${originBilledShare(profile).basis}; requestBytes is the mean request size of every method`],
};

// CloudFront: the CDN edge in front of an origin. Client IP per facts/client-ip.md rows 17-18.
import { z } from 'zod';
import type { ComponentDefinition } from '../types.ts';
import { managedFleet } from '../forwarding.ts';
import { gatewayMustReadForwardedFor } from './gateway.ts';
import { appendXff, removeHeader, setHeader } from '../headers.ts';
import { assumption, lognormalModel } from '../latency.ts';

const settings = z.strictObject({
  viewerProtocol: z.enum(['https', 'http']).default('https'),
  /** Where most viewers are: drives data-out and request prices. */
  geography: z.enum(['us', 'europe', 'south-america', 'japan', 'australia', 'asia-pacific', 'india', 'middle-east', 'africa']).default('us'),
  /** Origin request policy adds CloudFront-Viewer-Address (ip:port of the viewer). */
  viewerAddressHeader: z.boolean().default(false),
  originKeepaliveS: z.number().int().min(1).max(60).default(5),
  originTimeoutS: z.number().int().min(1).max(180).default(30),
  /** Share of requests served from cache (0 = every request goes to the origin, as for APIs). */
  cacheHitRatio: z.number().min(0).max(1).default(0),
  /** The origin accepts traffic only from the CloudFront origin-facing prefix list. */
  originLockedToCloudFront: z.boolean().default(false),
});
export type CloudFrontSettings = z.infer<typeof settings>;

export const cloudfront: ComponentDefinition<CloudFrontSettings> = {
  kind: 'cloudfront',
  title: 'CloudFront',
  summary: 'AWS CloudFront distribution: TLS at the edge, WAF, caching, pooled keep-alive connections to the origin.',
  managed: true,
  settings,
  layer: () => 'L7',
  tls: (s) => (s.viewerProtocol === 'https' ? 'terminate' : 'none'),
  forwarding: () => managedFleet('CloudFront'),
  edge: true,
  internetFacing: () => true,
  passedShare: (s) => 1 - s.cacheHitRatio,
  bypassable: (s) => !s.originLockedToCloudFront,
  clientIpFix: (_s, ctx) => gatewayMustReadForwardedFor(ctx),
  realize: {
    local: (s) => ({
      realizer: 'l7-proxy',
      listeners: { block: 'cloudfront', per: 'hop' },
      enforce: { responseTimeoutS: s.originTimeoutS, upstreamKeepAliveS: s.originKeepaliveS },
    }),
    cluster: () => ({ where: 'outside', by: 'lb-emulator' }),
    eks: () => ({ by: 'aws-sdk', sdk: 'cloudfront-distribution' }),
  },
  describe: (s) => [
    `viewers over ${s.viewerProtocol.toUpperCase()} (${s.geography}), cache hit ratio ${s.cacheHitRatio}`,
    'X-Forwarded-For: viewer address appended; source toward origin: a CloudFront origin-facing address',
    s.viewerAddressHeader ? 'CloudFront-Viewer-Address: viewer ip:port' : 'no CloudFront-Viewer-Address header',
    `origin keep-alive ${s.originKeepaliveS} s, origin timeout ${s.originTimeoutS} s`,
    s.originLockedToCloudFront ? 'origin locked to the CloudFront prefix list' : 'origin reachable directly (bypass possible)',
  ],
  apply: (env, s, ctx) => {
    if (env.proxy.length) return { ok: false, status: 400, reason: 'CloudFront received bytes that are not HTTP' };
    let headers = removeHeader(env.headers, 'cloudfront-viewer-address');
    headers = appendXff(headers, env.peer);
    if (s.viewerAddressHeader) headers = setHeader(headers, 'cloudfront-viewer-address', `${env.peer}:0`);
    headers = setHeader(headers, 'via', '1.1 lab.cloudfront.net (CloudFront)');
    headers = setHeader(headers, 'x-amz-cf-id', 'lab-' + (ctx.random ? ctx.random().toString(36).slice(2, 12) : 'edge'));
    return { ok: true, env: { peer: ctx.self, proxy: [], headers } };
  },
  // The edge's own processing on a cache miss; the client->edge and edge->origin round trips are modeled
  // separately from the client's RTT settings (providers/model/path.ts).
  latency: () =>
    lognormalModel({
      medianMs: 2,
      p99Ms: 10,
      median: assumption('no published figure for the edge\'s own processing on a cache miss (round trips excluded); 2 ms for TLS, cache lookup and a pooled origin request'),
      p99: assumption('no published figure; a 5x tail for a shared edge fleet'),
    }),
  limits: (s) => [
    { name: 'requests per distribution', value: 250_000, unit: 'req/s', note: 'adjustable' },
    { name: 'origin response timeout', value: s.originTimeoutS, unit: 's', status: 504 },
    { name: 'origin keep-alive', value: s.originKeepaliveS, unit: 's' },
  ],
  features: () => ({
    wafAttachable: true,
    tlsTermination: 'at the edge (and again at the origin when HTTPS to origin)',
    centralCertificates: 'ACM in us-east-1',
    podAwareRouting: false,
    weightedCanary: 'continuous deployment (staging distribution)',
    lambdaRouting: 'Lambda@Edge / CloudFront Functions',
  }),
};

// API Gateway REST API with an HTTP_PROXY private integration: over a VPC link v1 to an NLB (facts/client-ip.md
// row 14), or over a VPC link v2 to an NLB or straight to an ALB (since November 2025; the rules in vpc-link.ts).
// With v2 the REST API keeps its own header behaviour (client headers passed through, no Forwarded header of
// its own): facts rows 15-16 document the HTTP API case; the REST case is assumed, not documented.
import { z } from 'zod';
import type { ComponentDefinition } from '../types.ts';
import { PRIVATE_API_NOT_CREATED, apigwFacets, apigwLimits, apigwLocal, mapSourceIp, throttleSchema } from './apigw.ts';
import { assumption, lognormalModel, sourced, SOURCES } from '../latency.ts';

const settings = z.strictObject({
  endpointType: z.enum(['regional', 'edge', 'private']).default('regional'),
  integration: z.enum(['HTTP_PROXY']).default('HTTP_PROXY'),
  /** Map context.identity.sourceIp into this request header (null = no mapping). */
  sourceIpHeader: z.string().min(1).nullable().default(null),
  throttle: throttleSchema.prefault({}),
  /** Integration timeout: 29 s default (raisable for regional/private). */
  timeoutS: z.number().min(0.05).max(300).default(29),
  /** Cache size in GB (0 = no cache). */
  cacheGb: z.union([z.literal(0), z.literal(0.5), z.literal(1.6), z.literal(6.1), z.literal(13.5), z.literal(28.4), z.literal(58.2), z.literal(118), z.literal(237)]).default(0),
});
export type ApigwRestSettings = z.infer<typeof settings>;

export const apigwRest: ComponentDefinition<ApigwRestSettings> = {
  kind: 'apigw-rest',
  title: 'API Gateway REST API',
  summary: 'Regional REST API with an HTTP_PROXY integration over a VPC link: v1 to a private NLB, or v2 to a private NLB or ALB.',
  managed: true,
  settings,
  ...apigwFacets,
  internetFacing: (s) => s.endpointType !== 'private',
  realize: {
    local: apigwLocal,
    // LocalStack's API Gateway REST emulation (kind has no AWS).
    cluster: () => ({ where: 'outside', by: 'localstack-apigw' }),
    // The lab creates it with the AWS SDK (harness/aws/realizers.ts), as on the kind path against an emulator.
    eks: (s) => (s.endpointType === 'private' ? PRIVATE_API_NOT_CREATED : { by: 'aws-sdk', sdk: 'apigw-rest-api' }),
  },
  describe: (s) => [
    `${s.endpointType} REST API, ${s.integration} integration; client headers passed through (observed, undocumented)`,
    s.sourceIpHeader ? `maps context.identity.sourceIp into ${s.sourceIpHeader}` : 'no source-IP mapping: the client IP is lost behind the VPC link',
    `throttle ${s.throttle.rateRps} req/s, burst ${s.throttle.burst} (429); integration timeout ${s.timeoutS} s (504); payload 10 MB (413)`,
  ],
  apply: (env, s, ctx) => {
    if (env.proxy.length) return { ok: false, status: 400, reason: 'API Gateway received bytes that are not HTTP' };
    return { ok: true, env: { peer: ctx.self, proxy: [], headers: mapSourceIp(env, s.sourceIpHeader ?? undefined) } };
  },
  latency: () =>
    lognormalModel({
      medianMs: 8,
      p99Ms: 25,
      median: assumption('AWS publishes no REST API figure; 8 ms is the practitioners\' same-region estimate (facts/latency.md, unsourced); measure yours as CloudWatch Latency minus IntegrationLatency', [SOURCES.apigwMetrics]),
      p99: sourced('low', 'inferred from two AWS statements: HTTP APIs add under 10 ms at p99 and cut latency by up to 60% against REST, so REST adds at most about 10 / (1 - 0.6) = 25 ms at p99 if that cut held at p99', SOURCES.httpApiLaunch),
    }),
  limits: (s) => apigwLimits(s.throttle, s.timeoutS),
  features: () => ({
    wafAttachable: true,
    tlsTermination: 'at API Gateway',
    centralCertificates: 'ACM custom domain',
    podAwareRouting: false,
    weightedCanary: 'stage canary (percentage)',
    lambdaRouting: true,
  }),
};

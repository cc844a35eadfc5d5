// API Gateway HTTP API (VPC link v2). Client IP per facts/client-ip.md rows 15-16.
import { z } from 'zod';
import type { ComponentDefinition } from '../types.ts';
import { setHeader } from '../headers.ts';
import { apigwFacets, apigwLimits, apigwLocal, mapSourceIp, throttleSchema } from './apigw.ts';
import { assumption, lognormalModel, sourced, SOURCES } from '../latency.ts';

const settings = z.strictObject({
  /** Parameter mapping of $context.identity.sourceIp into this header (null = none). */
  sourceIpHeader: z.string().min(1).nullable().default(null),
  throttle: throttleSchema.prefault({}),
  timeoutS: z.number().min(0.05).max(30).default(30),
});
export type ApigwHttpSettings = z.infer<typeof settings>;

export const apigwHttp: ComponentDefinition<ApigwHttpSettings> = {
  kind: 'apigw-http',
  title: 'API Gateway HTTP API',
  summary: 'HTTP API with a private integration over VPC link v2; cheaper and faster than REST, fewer features (no WAF).',
  managed: true,
  settings,
  ...apigwFacets,
  internetFacing: () => true,
  realize: {
    local: apigwLocal,
    cluster: () => ({ where: 'outside', by: 'lb-emulator' }),
    eks: () => ({ by: 'aws-sdk', sdk: 'apigw-http-api' }),
  },
  describe: (s) => [
    'adds RFC 7239 Forwarded: for=<client>; no X-Forwarded-For of its own (observed)',
    s.sourceIpHeader ? `maps $context.identity.sourceIp into ${s.sourceIpHeader}` : 'no source-IP mapping',
    `throttle ${s.throttle.rateRps} req/s, burst ${s.throttle.burst} (429); timeout ${s.timeoutS} s (504); 10 MB`,
  ],
  apply: (env, s, ctx) => {
    if (env.proxy.length) return { ok: false, status: 400, reason: 'API Gateway received bytes that are not HTTP' };
    const headers = setHeader(mapSourceIp(env, s.sourceIpHeader ?? undefined), 'forwarded', `for=${env.peer};proto=https`);
    return { ok: true, env: { peer: ctx.self, proxy: [], headers } };
  },
  latency: () =>
    lognormalModel({
      medianMs: 3.5,
      p99Ms: 10,
      median: assumption('AWS publishes no median; 3.5 ms keeps the p99/median ratio (2.9) near the other managed L7 hops and below the REST median by the "up to 60%" AWS states', [SOURCES.httpApiLaunch, SOURCES.apigwMetrics]),
      p99: sourced('low-medium', 'p99 set to the stated bound: less than 10 ms of added latency at p99, request and response combined', SOURCES.httpApiLaunch),
    }),
  limits: (s) => [...apigwLimits(s.throttle, s.timeoutS), { name: 'VPC links per region', value: 10, unit: 'links' }],
  features: () => ({
    wafAttachable: false,
    tlsTermination: 'at API Gateway',
    centralCertificates: 'ACM custom domain',
    podAwareRouting: false,
    weightedCanary: false,
    lambdaRouting: true,
  }),
};

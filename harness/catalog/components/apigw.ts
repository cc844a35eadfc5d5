// Settings and behaviour shared by the API Gateway REST and HTTP API entries.
import { z } from 'zod';
import { removeHeader, setHeader } from '../headers.ts';
import type { Envelope, Limit } from '../types.ts';
import type { LocalRealization } from '../realization.ts';
import { managedFleet } from '../forwarding.ts';

export const throttleSchema = z.strictObject({
  /** Steady-state requests per second (account/region default 10,000). */
  rateRps: z.number().positive().default(10_000),
  /** Token bucket size (default 5,000). */
  burst: z.number().int().positive().default(5_000),
});

/**
 * Request mapping `integration.request.header.<name> = context.identity.sourceIp`: the gateway then reads
 * the client address from this header. The mapping overwrites whatever the client sent in that header.
 */
export function mapSourceIp(env: Envelope, header: string | undefined): Array<[string, string]> {
  return header ? setHeader(removeHeader(env.headers, header), header, env.peer) : env.headers;
}

export function apigwLimits(throttle: { rateRps: number; burst: number }, timeoutS: number): Limit[] {
  return [
    { name: 'throttle rate (account, region)', value: throttle.rateRps, unit: 'req/s', status: 429 },
    { name: 'throttle burst', value: throttle.burst, unit: 'requests', status: 429 },
    { name: 'integration timeout', value: timeoutS, unit: 's', status: 504 },
    { name: 'payload', value: 10, unit: 'MB', status: 413 },
  ];
}

/** API Gateway answers 413 above this request size. */
export const APIGW_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** Facets the REST API and the HTTP API share. */
export const apigwFacets = {
  layer: () => 'L7' as const,
  // API Gateway endpoints are HTTPS only.
  tls: () => 'terminate' as const,
  forwarding: () => managedFleet('API Gateway'),
  // The integration (the load balancer behind the VPC link) is reachable without API Gateway unless locked down.
  bypassable: () => true,
  clientIpHeaders: (s: { sourceIpHeader: string | null }) => (s.sourceIpHeader ? [s.sourceIpHeader] : []),
  clientIpFix: (s: { sourceIpHeader: string | null }) =>
    s.sourceIpHeader ? null : 'map the source IP into a header (sourceIpHeader: X-Client-IP) and have the gateway read it (clientIpHeader / forwardedForHeader)',
};

export function apigwLocal(s: { throttle: { rateRps: number; burst: number }; timeoutS: number }): LocalRealization {
  return {
    realizer: 'l7-proxy',
    listeners: { block: 'apigw', per: 'hop' },
    enforce: { throttle: s.throttle, maxBodyBytes: APIGW_MAX_PAYLOAD_BYTES, responseTimeoutS: s.timeoutS },
  };
}

/** A private REST API needs an interface VPC endpoint and a resource policy, which the lab does not make. */
export const PRIVATE_API_NOT_CREATED = {
  by: 'not-created' as const,
  reason: 'a private REST API is reachable only through an interface VPC endpoint (execute-api) with a resource policy, which the lab does not create',
  hint: 'use endpointType: regional (the lab creates it with the AWS SDK), or create the VPC endpoint and policy and run from inside the VPC',
};

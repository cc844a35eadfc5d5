// Settings and behaviour shared by the API Gateway REST and HTTP API entries.
import { z } from 'zod';
import { removeHeader, setHeader } from '../headers.ts';
import type { Envelope, Limit } from '../types.ts';

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

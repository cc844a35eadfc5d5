// The load generator's side: where requests come from. Many source addresses in 127.0.0.0/8 make
// "client IP" a real socket fact in the local lab.
import { z } from 'zod';
import type { ComponentDefinition } from '../types.ts';
import { NO_FORWARDING } from '../forwarding.ts';
import { fixedSetting } from '../latency.ts';

const settings = z.strictObject({
  /** Distinct client source addresses (each a real 127.x socket address locally). */
  sources: z.number().int().min(1).max(65_000).default(64),
  /** Consecutive requests per source before rotating to the next. */
  requestsPerSource: z.number().int().min(1).default(1),
  connectionMode: z.enum(['keep-alive', 'new-connection']).default('keep-alive'),
  https: z.boolean().default(false),
  /** Client-to-first-hop round trip (internet). 0 keeps reports about the AWS side only. */
  internetRttMs: z.number().min(0).max(1000).default(0),
});
export type ClientSettings = z.infer<typeof settings>;

export const client: ComponentDefinition<ClientSettings> = {
  kind: 'client',
  title: 'Client',
  summary: 'The users. Locally: the load driver, binding one of many 127.x source addresses per request.',
  managed: false,
  settings,
  position: 'first',
  layer: () => 'client',
  tls: () => 'none',
  // Internet clients reach the entry over the internet (internetRttMs), not across AZs.
  forwarding: () => NO_FORWARDING,
  // No `realize`: the load driver is the client in every provider.
  describe: (s) => [
    `${s.sources} source address(es), ${s.requestsPerSource} request(s) per source, ${s.connectionMode}`,
    s.https ? 'HTTPS toward the first hop' : 'plain HTTP toward the first hop',
  ],
  apply: (env) => ({ ok: true, env }),
  latency: (s) => fixedSetting(s.internetRttMs, 'internetRttMs'),
  limits: () => [],
  features: () => ({}),
};

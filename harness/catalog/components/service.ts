// The application behind the exposure path. Locally an echo service that reports what it saw, and the
// client IP the application would believe given how it reads it (clientIpFrom).
import { z } from 'zod';
import type { ComponentDefinition, Envelope } from '../types.ts';
import { NO_FORWARDING } from '../forwarding.ts';
import { GATEWAY_CLIENT_HEADER, getHeader, xffList } from '../headers.ts';
import { problem } from '../diag.ts';
import { fixedSetting } from '../latency.ts';

const version = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS label such as "v1"'),
  replicas: z.number().int().min(1).max(64).default(2),
});

const settings = z.strictObject({
  replicas: z.number().int().min(1).max(64).default(2),
  /** Service versions for weighted routing (lattice). Default: one version "v1". */
  versions: z.array(version).min(1).optional(),
  /**
   * How the application reads the client IP. auto: from the gateway when the chain has one, else the socket.
   * gateway: the address the gateway determined; socket: the TCP peer; xff-leftmost / xff-rightmost: from
   * X-Forwarded-For; header: from clientIpHeader.
   */
  clientIpFrom: z.enum(['auto', 'gateway', 'socket', 'xff-leftmost', 'xff-rightmost', 'header']).default('auto'),
  clientIpHeader: z.string().min(1).optional(),
  responseBytes: z.number().int().min(0).max(10_000_000).default(256),
  /** Application work per request, modeled as a fixed delay. */
  processingMs: z.number().min(0).max(60_000).default(0),
  /** Requests per second one replica serves before queueing (model provider). */
  capacityRpsPerReplica: z.number().positive().default(2000),
});
export type ServiceSettings = z.infer<typeof settings>;

/** Response headers of the lab's echo application: the client IP it believes, its version and pod. */
export const ECHO_HEADERS = {
  clientIp: 'x-lab-app-client-ip',
  version: 'x-lab-version',
  pod: 'x-lab-pod',
} as const;

export function serviceVersions(s: ServiceSettings): Array<{ name: string; replicas: number }> {
  return s.versions ?? [{ name: 'v1', replicas: s.replicas }];
}

/** The client IP the application believes it is talking to. `mode` is the resolved clientIpFrom (never auto). */
export function appClientIp(env: Envelope, mode: Exclude<ServiceSettings['clientIpFrom'], 'auto'>, header?: string): string | null {
  switch (mode) {
    case 'socket':
      return env.peer;
    case 'gateway':
      return getHeader(env, GATEWAY_CLIENT_HEADER) ?? null;
    case 'xff-leftmost':
      return xffList(env)[0] ?? null;
    case 'xff-rightmost': {
      const l = xffList(env);
      return l[l.length - 1] ?? null;
    }
    case 'header':
      return header ? (getHeader(env, header)?.split(',')[0].trim() ?? null) : null;
  }
}

export const service: ComponentDefinition<ServiceSettings> = {
  kind: 'service',
  title: 'Service (application pods)',
  summary: 'The workload being exposed. The lab runs an echo service that reports the socket peer, PROXY info and headers.',
  managed: false,
  settings,
  position: 'last',
  layer: () => 'app',
  tls: () => 'none',
  forwarding: () => NO_FORWARDING,
  // As an entry (the direct control run): a public node address.
  internetFacing: () => true,
  queue: (s) => {
    const replicas = serviceVersions(s).reduce((a, v) => a + v.replicas, 0);
    return { servers: replicas, perServerRps: s.capacityRpsPerReplica, why: `${replicas} replica(s) x ${s.capacityRpsPerReplica} req/s (capacityRpsPerReplica)` };
  },
  clientIpHeaders: (s) => (s.clientIpFrom === 'header' && s.clientIpHeader ? [s.clientIpHeader] : []),
  realize: {
    local: (s) => ({
      realizer: 'echo',
      listeners: { on: 'pods', pods: serviceVersions(s).flatMap((v) => Array.from({ length: v.replicas }, (_, r) => ({ name: `${v.name}-${r + 1}`, version: v.name }))) },
    }),
    cluster: () => ({ where: 'inside', by: 'app' }),
    eks: () => ({ by: 'in-cluster' }),
  },
  describe: (s) => [
    `${serviceVersions(s)
      .map((v) => `${v.name} x${v.replicas}`)
      .join(', ')}; application reads client IP from: ${s.clientIpFrom}${s.clientIpFrom === 'header' ? ` (${s.clientIpHeader})` : ''}`,
    `response ${s.responseBytes} B${s.processingMs ? `, ${s.processingMs} ms processing` : ''}`,
  ],
  apply: (env) => ({ ok: true, env }),
  latency: (s) => fixedSetting(s.processingMs, 'processingMs', 'the echo itself is measured, not modeled'),
  limits: (s) => [{ name: 'capacity per replica', value: s.capacityRpsPerReplica, unit: 'req/s', note: 'model provider queueing' }],
  features: () => ({}),
  rules: (hop) =>
    hop.settings.clientIpFrom === 'header' && !hop.settings.clientIpHeader
      ? [
          problem('error', 'service-header-missing', hop, ['settings', 'clientIpFrom'],
            'clientIpFrom is "header" but clientIpHeader is not set',
            'add clientIpHeader: X-Client-IP (the header the gateway or the API Gateway mapping fills)'),
        ]
      : [],
};

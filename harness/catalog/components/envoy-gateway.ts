// Envoy Gateway (Envoy proxy) as the in-cluster gateway. Client IP rules: Envoy HTTP connection manager
// (use_remote_address, xff_num_trusted_hops), proxy_protocol listener filter, Envoy Gateway ClientTrafficPolicy.
import { z } from 'zod';
import type { ComponentDefinition, Diagnostic } from '../types.ts';
import { GATEWAY_CLIENT_HEADER, appendXff, getHeader, setHeader, xffList } from '../headers.ts';
import { ipToInt } from '../../lib/cidr.ts';
import { problem } from '../diag.ts';
import { acceptConnection, inClusterGatewayFacets } from './gateway.ts';
import { isTrustEntry, trusted, type NetworkMap } from '../address-plan.ts';
import { lognormalModel, sourced, SOURCES } from '../latency.ts';

const cidr = z.string().refine(isTrustEntry, 'an IPv4 CIDR such as 10.0.0.0/16, or one of: vpc, cloudfront, lattice');

const settings = z.strictObject({
  replicas: z.number().int().min(1).max(64).default(2),
  /** Envoy default in Envoy Gateway: true (the socket peer is the remote address, appended to XFF). */
  useRemoteAddress: z.boolean().default(true),
  xffNumTrustedHops: z.number().int().min(0).max(10).default(0),
  /** proxy_protocol listener filter. */
  proxyProtocol: z.boolean().default(false),
  /** ClientTrafficPolicy clientIPDetection.customHeader: take the client IP from this header. */
  clientIpHeader: z.string().min(1).nullable().default(null),
  /** ClientTrafficPolicy clientIPDetection.xForwardedFor.trustedCIDRs (instead of a hop count). */
  trustedCidrs: z.array(cidr).default([]),
  /**
   * BackendTrafficPolicy timeout.http.requestTimeout: the whole request, upstream included; Envoy answers 504
   * past it. null = Envoy Gateway's default (none set by the lab).
   */
  requestTimeoutS: z.number().positive().max(3600).nullable().default(null),
  /**
   * BackendTrafficPolicy retry: how often and on what Envoy retries an upstream request. null = none set. The
   * defaults are Envoy Gateway's own when a policy sets retry without retryOn (v1.9.1
   * internal/xds/translator/route.go: 2 retries on connect-failure, refused-stream, unavailable, cancelled,
   * retriable-status-codes with 503).
   */
  retry: z
    .strictObject({
      numRetries: z.number().int().min(0).max(10).default(2),
      on: z.array(z.enum(['5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream', 'retriable-status-codes', 'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'])).min(1).default(['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes']),
      httpStatusCodes: z.array(z.number().int().min(100).max(599)).default([503]),
      perTryTimeoutS: z.number().positive().max(3600).nullable().default(null),
    })
    .nullable()
    .default(null),
  /**
   * What realizes it locally: auto = Envoy Gateway in standalone mode with a real Envoy when both are installed,
   * else the built-in emulation (labelled so); envoy-gateway = insist on it; builtin = the emulation.
   */
  realization: z.enum(['auto', 'envoy-gateway', 'builtin']).default('auto'),
  capacityRpsPerReplica: z.number().positive().default(5000),
  /** Node type the replicas run on and the vCPU each one reserves: prices the gateway's EC2 share (cost). */
  instanceType: z.string().regex(/^[a-z][a-z0-9]*\.[a-z0-9]+$/, 'an EC2 instance type such as "m6i.large"').default('m6i.large'),
  vcpuPerReplica: z.number().positive().max(64).default(1),
});
export type EnvoySettings = z.infer<typeof settings>;

/** The client address Envoy trusts, per the HCM rules (counted before Envoy's own append). */
export function envoyClientAddress(remote: string, xff: string[], s: EnvoySettings, customHeader?: string, networks?: NetworkMap): string {
  // The custom_header extension parses the whole value as one address; anything else falls back to the peer.
  if (s.clientIpHeader) return customHeader && ipToInt(customHeader.trim()) !== null ? customHeader.trim() : remote;
  if (s.trustedCidrs.length) {
    if (!trusted(remote, s.trustedCidrs, networks)) return remote;
    for (let i = xff.length - 1; i >= 0; i--) if (!trusted(xff[i], s.trustedCidrs, networks)) return xff[i];
    return xff[0] ?? remote;
  }
  if (s.useRemoteAddress) {
    if (s.xffNumTrustedHops === 0) return remote;
    return xff.length >= s.xffNumTrustedHops ? xff[xff.length - s.xffNumTrustedHops] : remote;
  }
  // use_remote_address false: the (N+1)th entry from the right of XFF.
  const idx = xff.length - 1 - s.xffNumTrustedHops;
  return idx >= 0 ? xff[idx] : remote;
}

export const envoyGateway: ComponentDefinition<EnvoySettings> = {
  kind: 'envoy-gateway',
  title: 'Envoy Gateway',
  summary: 'Gateway API implementation on Envoy proxy: the in-cluster L7 gateway, behind an NLB/ALB or reached directly.',
  managed: false,
  settings,
  ...inClusterGatewayFacets,
  clientIpHeaders: (s) => (s.clientIpHeader ? [s.clientIpHeader] : []),
  gateway: {
    product: 'envoy-gateway',
    parsesProxy: (s) => s.proxyProtocol,
    proxySetting: 'proxyProtocol: true',
    trustEntries: (s) => s.trustedCidrs,
    readsForwardedFor: (s) => s.xffNumTrustedHops > 0 || !!s.clientIpHeader || s.trustedCidrs.length > 0 || !s.useRemoteAddress,
    forwardedForSetting: 'xffNumTrustedHops',
    xffSpoofFix: 'Envoy: use_remote_address: true with xff_num_trusted_hops equal to the number of proxies in front (or trustedCIDRs of those proxies); the app reads the gateway-determined address, never the left-most entry',
    userConfig: {
      what: 'Gateway API and Envoy Gateway objects (GatewayClass, Gateway, HTTPRoute, ClientTrafficPolicy, BackendTrafficPolicy, EnvoyProxy, ...)',
      owns: ['useRemoteAddress', 'xffNumTrustedHops', 'proxyProtocol', 'clientIpHeader', 'trustedCidrs', 'requestTimeoutS', 'retry'],
    },
  },
  describe: (s) => [
    `${s.replicas} replica(s); ${s.proxyProtocol ? 'proxy_protocol listener filter (PROXY required)' : 'no PROXY parsing'}`,
    s.clientIpHeader
      ? `client IP from header ${s.clientIpHeader}`
      : s.trustedCidrs.length
        ? `client IP: right-most X-Forwarded-For entry not in ${s.trustedCidrs.join(', ')}`
        : `use_remote_address: ${s.useRemoteAddress}, xff_num_trusted_hops: ${s.xffNumTrustedHops}`,
    s.clientIpHeader
      ? 'X-Forwarded-For untouched (use_remote_address off with a detection extension); sets x-lab-gateway-client-ip'
      : 'appends the remote address to X-Forwarded-For; sets x-lab-gateway-client-ip (the trusted client address)',
    ...(s.requestTimeoutS !== null ? [`request timeout ${s.requestTimeoutS} s (504 past it)`] : []),
    ...(s.retry ? [`retries up to ${s.retry.numRetries} time(s) on ${s.retry.on.join(', ')}${s.retry.on.includes('retriable-status-codes') ? ` (${s.retry.httpStatusCodes.join(', ')})` : ''}`] : []),
  ],
  apply: (env, s, ctx) => {
    const acc = acceptConnection(env, s.proxyProtocol, 'Envoy');
    if (!acc.ok) return acc;
    const client = envoyClientAddress(acc.remote, xffList(env), s, s.clientIpHeader ? getHeader(env, s.clientIpHeader) : undefined, ctx.networks);
    // Envoy refuses use_remote_address together with an original-IP detection extension, so with a custom
    // header nothing is appended to X-Forwarded-For.
    let headers = s.useRemoteAddress && !s.clientIpHeader ? appendXff(env.headers, acc.remote) : env.headers;
    headers = setHeader(headers, GATEWAY_CLIENT_HEADER, client);
    return { ok: true, env: { peer: ctx.self, proxy: [], headers } };
  },
  // Why the Istio 1.20 figure and not the 2.65 ms of older Istio pages: that one is the p90 of a 1,000-service
  // mesh at 70,000 req/s with two proxies and telemetry filters per request, a loaded mesh; 1.20's benchmark
  // measures the proxies themselves at 1,000 req/s on warm connections, which is what one edge gateway hop
  // on a warm connection does (an edge hop does one HTTP/1.1 traversal, without the sidecar's mTLS).
  latency: () =>
    lognormalModel({
      medianMs: 0.08,
      p99Ms: 0.15,
      median: sourced('low-medium', 'per proxy: half of the two-proxy figures, 0.114 ms at p90 and 0.149 ms at p99; the lognormal through those two points has median 0.082 ms, rounded to 0.08. Differences of percentiles stand in for percentiles of the difference (the page gives nothing else)', SOURCES.istio120),
      p99: sourced('low-medium', 'per proxy: half of the two-proxy p99 figure (0.298 ms), 0.149 ms, rounded to 0.15', SOURCES.istio120),
      measuredWhenReal: 'a real Envoy realizes this hop (Envoy Gateway standalone on the local provider, the cluster\'s Envoy on kind and EKS): its own time per request is measured in the run and nothing is injected; this model serves only the model provider and cost',
    }),
  limits: (s) => [
    { name: 'capacity per replica (model)', value: s.capacityRpsPerReplica, unit: 'req/s' },
    ...(s.requestTimeoutS !== null ? [{ name: 'request timeout (BackendTrafficPolicy)', value: s.requestTimeoutS, unit: 's', status: 504 }] : []),
  ],
  features: () => ({
    wafAttachable: false,
    tlsTermination: 'at the gateway (cert-manager / Secrets)',
    centralCertificates: false,
    podAwareRouting: true,
    weightedCanary: 'HTTPRoute weights',
    lambdaRouting: false,
  }),
  rules: (hop, chain) => {
    const s = hop.settings as EnvoySettings;
    const out: Diagnostic[] = [];
    if (s.proxyProtocol) {
      const sends = chain.slice(0, hop.index).some((h) => !!h.entry.proxyHeader?.(h.settings));
      if (!sends) {
        out.push(problem('warning', 'gateway-proxy-never-sent', hop, ['settings', 'proxyProtocol'],
          'the gateway requires a PROXY header but nothing in front of it sends one: every connection is closed (in-cluster callers too)',
          'enable PROXY on the load balancer in the same change, or set proxyProtocol: false'));
      }
    }
    return out;
  },
};

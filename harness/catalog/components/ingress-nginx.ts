// ingress-nginx as the in-cluster L7 entry. Client IP rules: ConfigMap use-proxy-protocol,
// use-forwarded-headers, compute-full-forwarded-for, proxy-real-ip-cidr (real_ip_recursive on), forwarded-for-header.
import { z } from 'zod';
import type { ComponentDefinition, Diagnostic, Envelope } from '../types.ts';
import { GATEWAY_CLIENT_HEADER, appendXff, setHeader, xffList } from '../headers.ts';
import { problem } from '../diag.ts';
import { acceptConnection, inClusterGatewayFacets } from './gateway.ts';
import { isTrustEntry, trusted, type NetworkMap } from '../address-plan.ts';
import { assumption, lognormalModel } from '../latency.ts';

const cidr = z.string().refine(isTrustEntry, 'an IPv4 CIDR such as 10.0.0.0/16, or one of: vpc, cloudfront, lattice');

const settings = z.strictObject({
  replicas: z.number().int().min(1).max(64).default(2),
  useProxyProtocol: z.boolean().default(false),
  useForwardedHeaders: z.boolean().default(false),
  computeFullForwardedFor: z.boolean().default(false),
  /** set_real_ip_from; the ingress-nginx default trusts everyone. */
  proxyRealIpCidr: z.array(cidr).min(1).default(['0.0.0.0/0']),
  forwardedForHeader: z.string().min(1).default('X-Forwarded-For'),
  realization: z.enum(['auto', 'nginx', 'builtin']).default('auto'),
  capacityRpsPerReplica: z.number().positive().default(4000),
  /** Node type the replicas run on and the vCPU each one reserves: prices the gateway's EC2 share (cost). */
  instanceType: z.string().regex(/^[a-z][a-z0-9]*\.[a-z0-9]+$/, 'an EC2 instance type such as "m6i.large"').default('m6i.large'),
  vcpuPerReplica: z.number().positive().max(64).default(1),
});
export type IngressNginxSettings = z.infer<typeof settings>;

/**
 * The community ingress-nginx controller is retired: Kubernetes SIG Network and the Security Response Committee
 * announced on 2025-11-11 that best-effort maintenance continues until March 2026, after which there are no
 * further releases, bugfixes or security fixes and the repository is read-only (existing deployments keep
 * working). They recommend migrating, preferably to Gateway API. The kubernetes/ingress-nginx README says the same.
 */
export const INGRESS_NGINX_RETIREMENT = {
  status: 'retired' as const,
  since: '2026-03',
  notice: 'ingress-nginx (the community controller) is retired since March 2026: no further releases, bug fixes or security fixes',
  source: 'Kubernetes blog, "Ingress NGINX Retirement: What You Need to Know" (SIG Network and the Security Response Committee, 2025-11-11): https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/',
  migrateTo: 'a Gateway API implementation such as Envoy Gateway: each shipped nginx scenario has an Envoy Gateway twin (docs/ingress-nginx-migration.md maps the client-IP settings)',
};

/**
 * nginx realip as ingress-nginx configures it (real_ip_recursive on): PROXY wins over the forwarded-for
 * header when both are on (one real_ip_header only), and set_real_ip_from gates both: an untrusted
 * socket peer stays the client address.
 */
export function nginxClientAddress(peer: string, env: Envelope, s: IngressNginxSettings, proxySource?: string, networks?: NetworkMap): string {
  const isTrusted = (ip: string) => trusted(ip, s.proxyRealIpCidr, networks);
  if (!isTrusted(peer)) return peer;
  if (s.useProxyProtocol) return proxySource ?? peer;
  if (!s.useForwardedHeaders) return peer;
  const list = xffList(env, s.forwardedForHeader.toLowerCase());
  if (!list.length) return peer;
  for (let i = list.length - 1; i >= 0; i--) if (!isTrusted(list[i])) return list[i];
  return list[0];
}

export const ingressNginx: ComponentDefinition<IngressNginxSettings> = {
  kind: 'ingress-nginx',
  title: 'ingress-nginx',
  summary: 'The community NGINX ingress controller: the in-cluster L7 entry behind a CLB/NLB.',
  managed: false,
  settings,
  ...inClusterGatewayFacets,
  clientIpHeaders: (s) => (s.forwardedForHeader.toLowerCase() !== 'x-forwarded-for' ? [s.forwardedForHeader] : []),
  gateway: {
    product: 'ingress-nginx',
    parsesProxy: (s) => s.useProxyProtocol,
    proxySetting: 'useProxyProtocol: true',
    trustEntries: (s) => s.proxyRealIpCidr,
    // PROXY wins when both are on: the forwarded-for header is then not read.
    readsForwardedFor: (s) => s.useForwardedHeaders && !s.useProxyProtocol,
    forwardedForSetting: 'useForwardedHeaders with proxyRealIpCidr',
    xffSpoofFix: 'ingress-nginx: set proxy-real-ip-cidr to the load balancer / VPC subnets only (never 0.0.0.0/0) so a client-sent X-Forwarded-For is not trusted',
    userConfig: {
      what: 'the ingress-nginx controller ConfigMap (its data keys)',
      owns: ['useProxyProtocol', 'useForwardedHeaders', 'computeFullForwardedFor', 'proxyRealIpCidr', 'forwardedForHeader'],
    },
    lifecycle: INGRESS_NGINX_RETIREMENT,
  },
  describe: (s) => [
    `${s.replicas} replica(s); use-proxy-protocol: ${s.useProxyProtocol}, use-forwarded-headers: ${s.useForwardedHeaders}`,
    s.useProxyProtocol
      ? `client IP: the PROXY source when the peer is in ${s.proxyRealIpCidr.join(', ')}${s.useForwardedHeaders ? ` (PROXY wins: ${s.forwardedForHeader} is not read)` : ''}`
      : s.useForwardedHeaders
        ? `trusts ${s.forwardedForHeader} from ${s.proxyRealIpCidr.join(', ')} (real_ip_recursive on)`
        : 'client IP: the connection address',
    `X-Forwarded-For to the app: ${s.useForwardedHeaders && s.computeFullForwardedFor ? 'incoming list + remote address' : 'the computed client address'}; sets X-Real-IP`,
  ],
  apply: (env, s, ctx) => {
    const acc = acceptConnection(env, s.useProxyProtocol, 'nginx');
    if (!acc.ok) return acc;
    const client = nginxClientAddress(env.peer, env, s, s.useProxyProtocol ? acc.remote : undefined, ctx.networks);
    // compute-full-forwarded-for takes effect only with use-forwarded-headers (ingress-nginx template):
    // the incoming list plus the PROXY address or socket peer; otherwise X-Forwarded-For is the client.
    const full = s.useForwardedHeaders && s.computeFullForwardedFor;
    let headers = full ? appendXff(env.headers, acc.remote) : setHeader(env.headers, 'x-forwarded-for', client);
    headers = setHeader(headers, 'x-real-ip', client);
    headers = setHeader(headers, GATEWAY_CLIENT_HEADER, client);
    return { ok: true, env: { peer: ctx.self, proxy: [], headers } };
  },
  latency: () =>
    lognormalModel({
      medianMs: 0.3,
      p99Ms: 2,
      median: assumption('no published per-hop figure for ingress-nginx; an L7 proxy hop put above the Envoy figure for its Lua balancer and the ingress controller\'s default access log'),
      p99: assumption('no published figure; a wider tail than Envoy\'s for worker reloads on configuration changes'),
      measuredWhenReal: 'a real nginx realizes this hop on the local provider (and the cluster\'s ingress-nginx on kind and EKS): its own time per request is measured in the run and nothing is injected; this model serves only the model provider and cost',
    }),
  limits: (s) => [{ name: 'capacity per replica (model)', value: s.capacityRpsPerReplica, unit: 'req/s' }],
  features: () => ({
    wafAttachable: 'ModSecurity in the controller (not AWS WAF)',
    tlsTermination: 'at ingress-nginx (Secrets)',
    centralCertificates: false,
    podAwareRouting: true,
    weightedCanary: 'canary annotations',
    lambdaRouting: false,
  }),
  rules: (hop) => {
    const s = hop.settings as IngressNginxSettings;
    const out: Diagnostic[] = [
      problem('warning', 'ingress-nginx-retired', hop, ['component'], `${INGRESS_NGINX_RETIREMENT.notice} (source: ${INGRESS_NGINX_RETIREMENT.source})`, `migrate to ${INGRESS_NGINX_RETIREMENT.migrateTo}`),
    ];
    if (s.useForwardedHeaders && s.proxyRealIpCidr.some((c) => c.endsWith('/0'))) {
      out.push(problem('warning', 'nginx-trusts-everyone', hop, ['settings', 'proxyRealIpCidr'],
        'use-forwarded-headers with proxy-real-ip-cidr 0.0.0.0/0 trusts a client-forged X-Forwarded-For: the client IP is attacker-chosen',
        'set proxyRealIpCidr to the load balancer / VPC subnets only (e.g. 10.0.0.0/16)'));
    }
    return out;
  },
};

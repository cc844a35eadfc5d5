// Application Load Balancer: L7 proxy. Client IP per facts/client-ip.md rows 11-13.
import { z } from 'zod';
import type { ComponentDefinition, Diagnostic } from '../types.ts';
import { gatewayMustReadForwardedFor } from './gateway.ts';
import { appendXff, removeHeader, setHeader } from '../headers.ts';
import { problem } from '../diag.ts';
import { assumption, lognormalModel, sourced, SOURCES } from '../latency.ts';

const settings = z.strictObject({
  scheme: z.enum(['internet-facing', 'internal']).default('internet-facing'),
  /** Who provisions it: a hand-made ALB (e.g. in front of an NLB) or the AWS Load Balancer Controller Ingress. */
  provisioning: z.enum(['standalone', 'ingress-controller']).default('standalone'),
  targetType: z.enum(['instance', 'ip']).default('ip'),
  /** routing.http.xff_header_processing.mode */
  xffMode: z.enum(['append', 'preserve', 'remove']).default('append'),
  /** routing.http.xff_client_port.enabled: append "ip:port" instead of "ip". */
  xffClientPort: z.boolean().default(false),
  https: z.boolean().default(true),
  /** Listener rules evaluated per request (the first 10 are free in LCU terms). */
  rulesEvaluated: z.number().int().min(1).max(100).default(1),
  mutualTls: z.boolean().default(false),
});
export type AlbSettings = z.infer<typeof settings>;

let traceCounter = 0;

const INGRESS_ELSEWHERE = {
  reason: 'an ALB from the ingress controller must be the load balancer directly in front of the cluster',
  hint: 'use provisioning: standalone for an ALB in front of another load balancer (the lab creates it with the AWS SDK)',
};

export const alb: ComponentDefinition<AlbSettings> = {
  kind: 'alb',
  title: 'Application Load Balancer',
  summary: 'AWS ALB: L7 reverse proxy with listener rules, WAF, ACM certificates, weighted target groups and Lambda targets.',
  managed: true,
  settings,
  layer: () => 'L7',
  tls: (s) => (s.https ? 'terminate' : 'none'),
  // Cross-zone is always on at the load balancer level; traffic to targets in other AZs is not billed (catalog/forwarding.ts).
  forwarding: () => ({ scope: 'any-az', billed: false, why: 'ALB cross-zone is always on (not billed to targets)' }),
  internetFacing: (s) => s.scheme !== 'internal',
  onePerService: true,
  clientIpFix: (_s, ctx) => gatewayMustReadForwardedFor(ctx),
  realize: {
    local: () => ({ realizer: 'l7-proxy', listeners: { block: 'lbNodes', per: 'az' } }),
    cluster: () => ({ where: 'outside', by: 'lb-emulator' }),
    // Standalone: the lab creates it with the AWS SDK, ip targets at the private addresses of the NLB behind it.
    eks: (s) => (s.provisioning === 'ingress-controller' ? { by: 'cluster-lb', lb: 'alb-ingress', elsewhere: INGRESS_ELSEWHERE } : { by: 'aws-sdk', sdk: 'standalone-alb' }),
  },
  describe: (s) => [
    `${s.scheme} ALB (${s.provisioning}), ${s.https ? 'HTTPS' : 'HTTP'} listener, ${s.targetType} targets, ${s.rulesEvaluated} rule(s) evaluated`,
    s.xffMode === 'append'
      ? `X-Forwarded-For: client ${s.xffClientPort ? 'ip:port ' : ''}appended`
      : s.xffMode === 'preserve'
        ? 'X-Forwarded-For: passed exactly as the client sent it (spoofable)'
        : 'X-Forwarded-For: removed',
    'adds X-Forwarded-Proto, X-Forwarded-Port, X-Amzn-Trace-Id; source toward target: ALB node address',
  ],
  apply: (env, s, ctx) => {
    let headers = env.headers;
    if (s.xffMode === 'append') headers = appendXff(headers, env.peer);
    else if (s.xffMode === 'remove') headers = removeHeader(headers, 'x-forwarded-for');
    headers = setHeader(headers, 'x-forwarded-proto', s.https ? 'https' : 'http');
    headers = setHeader(headers, 'x-forwarded-port', String(ctx.listenPort ?? (s.https ? 443 : 80)));
    const r = ctx.random ? Math.floor(ctx.random() * 0xffffffff) : ++traceCounter;
    headers = setHeader(headers, 'x-amzn-trace-id', `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${r.toString(16).padStart(24, '0')}`);
    // The ALB terminates the client's connection: client PROXY bytes would be a malformed request, never forwarded.
    if (env.proxy.length) return { ok: false, status: 400, reason: 'ALB received bytes that are not HTTP (a PROXY header)' };
    return { ok: true, env: { peer: ctx.self, proxy: [], headers } };
  },
  latency: () =>
    lognormalModel({
      medianMs: 1.0,
      p99Ms: 5,
      median: assumption('no published figure; a managed L7 proxy hop (TLS off, HTTP parse, rule match, pooled upstream) put at 1 ms; the access log fields are how to measure it', [SOURCES.albAccessLogs]),
      p99: assumption('no published figure; a 5x tail for a shared multi-tenant proxy fleet', [SOURCES.albAccessLogs]),
    }),
  limits: () => [
    { name: 'idle timeout (default)', value: 60, unit: 's' },
    { name: 'target response timeout (idle)', value: 60, unit: 's', status: 504 },
  ],
  features: (s) => ({
    wafAttachable: true,
    tlsTermination: s.https ? 'at the ALB' : false,
    centralCertificates: 'ACM on the ALB',
    podAwareRouting: s.targetType === 'ip',
    weightedCanary: 'weighted target groups',
    lambdaRouting: true,
  }),
  rules: (hop, chain) => {
    const s = hop.settings as AlbSettings;
    const out: Diagnostic[] = [];
    if (s.xffMode === 'preserve') {
      out.push(problem('warning', 'alb-xff-preserve', hop, ['settings', 'xffMode'],
        'xffMode preserve forwards the client\'s own X-Forwarded-For: the client IP cannot be trusted (facts row 13)',
        'use xffMode: append and trust exactly one hop at the gateway'));
    }
    const next = chain[hop.index + 1];
    if (s.provisioning === 'ingress-controller' && s.targetType === 'instance' && next?.component !== 'kube-proxy') {
      out.push(problem('warning', 'alb-instance-needs-nodeport', hop, ['settings', 'targetType'],
        'instance targets reach pods through a NodePort, but the next hop is not kube-proxy', 'add a kube-proxy hop, or use targetType: ip'));
    }
    return out;
  },
};

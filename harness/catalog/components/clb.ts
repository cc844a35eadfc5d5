// Classic Load Balancer: the in-tree default for type: LoadBalancer. Client IP per facts/client-ip.md rows 1-3.
import { z } from 'zod';
import type { ComponentDefinition, Diagnostic } from '../types.ts';
import { zonalLoadBalancer } from '../forwarding.ts';
import { appendXff, setHeader } from '../headers.ts';
import { problem } from '../diag.ts';
import { OUTER_LB } from './nlb.ts';
import { proxyMismatch } from './gateway.ts';
import { assumption, lognormalModel, sourced, SOURCES } from '../latency.ts';

const settings = z.strictObject({
  scheme: z.enum(['internet-facing', 'internal']).default('internet-facing'),
  /** tcp/ssl: L4 (headers untouched); http/https: L7 (X-Forwarded-For appended). */
  listener: z.enum(['tcp', 'ssl', 'http', 'https']).default('tcp'),
  /** `aws-load-balancer-proxy-protocol: "*"`: v1 on every backend port. v2 does not exist on Classic. */
  proxyProtocol: z.enum(['none', 'v1', 'v2']).default('none'),
  crossZone: z.boolean().default(false),
});
export type ClbSettings = z.infer<typeof settings>;

const isL7 = (s: ClbSettings) => s.listener === 'http' || s.listener === 'https';

export const clb: ComponentDefinition<ClbSettings> = {
  kind: 'clb',
  title: 'Classic Load Balancer',
  summary: 'AWS Classic LB, what the in-tree cloud provider creates for every Service of type LoadBalancer.',
  managed: true,
  settings,
  layer: (s) => (isL7(s) ? 'L7' : 'L4'),
  tls: (s) => (s.listener === 'https' || s.listener === 'ssl' ? 'terminate' : 'none'),
  forwarding: (s) => zonalLoadBalancer('Classic LB', s.crossZone),
  internetFacing: (s) => s.scheme !== 'internal',
  onePerService: true,
  proxyHeader: (s) => (!isL7(s) && s.proxyProtocol === 'v1' ? 'v1' : null),
  clientIpFix: (s) => (isL7(s) || s.proxyProtocol === 'v1' ? null : 'use listener: http (X-Forwarded-For appended) or proxyProtocol: v1 with PROXY parsing on the gateway'),
  realize: {
    local: (s) => ({ realizer: isL7(s) ? 'l7-proxy' : 'l4-forwarder', listeners: { block: 'lbNodes', per: 'az' }, kernelNat: !isL7(s) && s.proxyProtocol === 'none' }),
    cluster: () => ({ where: 'outside', by: 'lb-emulator' }),
    eks: () => ({ by: 'cluster-lb', lb: 'clb-service', elsewhere: OUTER_LB }),
  },
  describe: (s) => [
    `${s.scheme} Classic LB, ${s.listener.toUpperCase()} listener`,
    isL7(s) ? 'L7: X-Forwarded-For gets the client appended, X-Forwarded-Proto/Port set' : 'L4: headers untouched',
    'source address toward the node: the CLB node address',
    s.proxyProtocol === 'v1' ? 'PROXY v1 on every backend port' : 'no PROXY header',
  ],
  apply: (env, s, ctx) => {
    if (isL7(s)) {
      let headers = appendXff(env.headers, env.peer);
      headers = setHeader(headers, 'x-forwarded-proto', s.listener);
      headers = setHeader(headers, 'x-forwarded-port', String(ctx.listenPort ?? (s.listener === 'https' ? 443 : 80)));
      // An L7 listener terminates the client connection: any PROXY bytes the client sent are not forwarded.
      return { ok: true, env: { peer: ctx.self, proxy: [], headers } };
    }
    const proxy = s.proxyProtocol === 'v1' ? [{ version: 1 as const, source: env.peer }, ...env.proxy] : env.proxy;
    return { ok: true, env: { ...env, peer: ctx.self, proxy } };
  },
  latency: () =>
    lognormalModel({
      medianMs: 1.0,
      p99Ms: 6,
      median: assumption('no published figure; taken as the ALB (an older proxy fleet of the same kind); the access log fields are how to measure it', [SOURCES.clbAccessLogs]),
      p99: assumption('no published figure; a slightly longer tail than the ALB for the older fleet', [SOURCES.clbAccessLogs]),
    }),
  limits: () => [{ name: 'idle timeout', value: 60, unit: 's' }],
  features: (s) => ({
    wafAttachable: false,
    tlsTermination: s.listener === 'https' || s.listener === 'ssl' ? 'at the CLB' : false,
    centralCertificates: s.listener === 'https' || s.listener === 'ssl' ? 'ACM/IAM on the CLB' : false,
    podAwareRouting: false,
    weightedCanary: false,
    lambdaRouting: false,
  }),
  rules: (hop, chain) => {
    const s = hop.settings as ClbSettings;
    const out: Diagnostic[] = [];
    if (s.proxyProtocol === 'v2') {
      out.push(problem('error', 'clb-proxy-v2', hop, ['settings', 'proxyProtocol'],
        'a Classic LB emits PROXY protocol v1 only; v2 is NLB-only', 'set proxyProtocol: v1, or use component: nlb for v2'));
    }
    if (s.proxyProtocol !== 'none' && isL7(s)) {
      out.push(problem('error', 'clb-proxy-l7', hop, ['settings', 'proxyProtocol'],
        `PROXY protocol applies to TCP/SSL listeners only, not ${s.listener.toUpperCase()}`,
        'use listener: tcp with proxyProtocol: v1, or drop proxyProtocol (the HTTP listener appends X-Forwarded-For)'));
    }
    if (s.proxyProtocol === 'v1' && !isL7(s)) {
      out.push(...proxyMismatch(hop, chain, true));
      out.push(problem('warning', 'clb-proxy-every-port', hop, ['settings', 'proxyProtocol'],
        'Classic LB PROXY v1 applies to every backend port, including health checks and any non-gateway port',
        'make sure every port behind this CLB parses PROXY v1'));
    }
    return out;
  },
};

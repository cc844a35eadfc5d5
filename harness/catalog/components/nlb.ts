// Network Load Balancer: L4 pass-through (or TLS termination). Client IP per facts/client-ip.md rows 4-10, 14.
import { z } from 'zod';
import type { ComponentDefinition, Diagnostic, Hop } from '../types.ts';
import { problem } from '../diag.ts';
import { zonalLoadBalancer } from '../forwarding.ts';
import { proxyMismatch } from './gateway.ts';
import { assumption, lognormalModel, SOURCES } from '../latency.ts';

/** Where a load balancer other than the one in front of the cluster comes from on EKS. */
export const OUTER_LB = { reason: 'only the load balancer directly in front of the cluster comes from a Service annotation', hint: 'create the outer load balancer by other means' };

const settings = z.strictObject({
  scheme: z.enum(['internet-facing', 'internal']).default('internet-facing'),
  /** Who provisions it: the AWS Load Balancer Controller, or the in-tree cloud provider (`aws-load-balancer-type: nlb`). */
  controller: z.enum(['aws-load-balancer-controller', 'in-tree']).default('aws-load-balancer-controller'),
  targetType: z.enum(['instance', 'ip']).default('instance'),
  /** Target-group attribute preserve_client_ip.enabled. Default: on for instance, off for ip targets (TCP/TLS). */
  preserveClientIp: z.boolean().optional(),
  /** PROXY protocol the NLB emits. Only v2 exists on NLB; v1 is Classic-only (a rule reports it). */
  proxyProtocol: z.enum(['none', 'v1', 'v2']).default('none'),
  crossZone: z.boolean().default(false),
  listener: z.enum(['TCP', 'TLS', 'UDP']).default('TCP'),
});
export type NlbSettings = z.infer<typeof settings>;

export function effectivePreserveClientIp(s: NlbSettings): boolean {
  return s.preserveClientIp ?? s.targetType === 'instance';
}

/** The in-tree controller silently ignores the proxy-protocol annotation on NLBs (facts row 7). */
export function effectiveProxyProtocol(s: NlbSettings): 'none' | 'v2' {
  if (s.controller === 'in-tree') return 'none';
  return s.proxyProtocol === 'v2' ? 'v2' : 'none';
}

export const nlb: ComponentDefinition<NlbSettings> = {
  kind: 'nlb',
  title: 'Network Load Balancer',
  summary: 'AWS NLB: L4 flow forwarding to instance (NodePort) or ip (pod) targets; optional TLS termination and PROXY v2.',
  managed: true,
  settings,
  layer: () => 'L4',
  tls: (s) => (s.listener === 'TLS' ? 'terminate' : 'none'),
  forwarding: (s) => zonalLoadBalancer('NLB', s.crossZone),
  internetFacing: (s) => s.scheme !== 'internal',
  onePerService: true,
  proxyHeader: (s) => (effectiveProxyProtocol(s) === 'v2' ? 'v2' : null),
  clientIpFix: (s) =>
    !effectivePreserveClientIp(s) && effectiveProxyProtocol(s) === 'none' ? 'set preserveClientIp: true (ip targets) or proxyProtocol: v2 with PROXY parsing on the gateway' : null,
  realize: {
    local: (s) => ({
      realizer: 'l4-forwarder',
      listeners: { block: 'lbNodes', per: 'az' },
      // A PROXY v2 header is bytes written into the stream: only a process can do that.
      kernelNat: effectiveProxyProtocol(s) === 'none',
      // A TLS listener speaks nothing else: the entry terminates TLS even when the client did not ask for https.
      ...(s.listener === 'TLS' ? { entryTls: 'always' as const, notesBehindEntry: ['TLS listener behind another hop realized as TCP (TLS only at the entry hop locally)'] } : {}),
    }),
    cluster: () => ({ where: 'outside', by: 'lb-emulator' }),
    eks: () => ({ by: 'cluster-lb', lb: 'nlb-service', elsewhere: OUTER_LB }),
  },
  describe: (s) => {
    const cip = effectivePreserveClientIp(s);
    const pp = effectiveProxyProtocol(s);
    return [
      `${s.scheme} NLB (${s.controller}), ${s.listener} listener, ${s.targetType} targets`,
      `source address toward target: ${cip ? 'client IP preserved' : 'NLB private IP'} (preserve_client_ip ${cip ? 'on' : 'off'})`,
      pp === 'v2' ? 'PROXY v2 header with the client address on every connection' : 'no PROXY header',
      s.crossZone ? 'cross-zone on: flows cross AZs, adding cross-AZ RTT and inter-AZ data charges' : 'cross-zone off',
      'headers untouched (L4)',
    ];
  },
  apply: (env, s, ctx) => {
    // Behind PrivateLink (VPC link v1) the target always sees the NLB's address (facts row 14).
    const preserve = effectivePreserveClientIp(s) && !env.privateLink;
    const next = { ...env, peer: preserve ? env.peer : ctx.self, privateLink: false };
    if (effectiveProxyProtocol(s) === 'v2') next.proxy = [{ version: 2, source: env.peer }, ...env.proxy];
    return { ok: true, env: next };
  },
  latency: (s) =>
    s.listener === 'TLS'
      ? lognormalModel({
          medianMs: 0.3,
          p99Ms: 1.5,
          median: assumption('no published figure; record decryption and re-encryption toward the target on top of the TCP forwarding', [SOURCES.nlbProduct]),
          p99: assumption('no published figure; a 5x tail', [SOURCES.nlbProduct]),
          newConnection: {
            medianMs: 1.0,
            p99Ms: 3.0,
            median: assumption('no published figure; about 1 ms of handshake CPU per new TLS connection (the handshake round trips are modeled from the client RTT)'),
            p99: assumption('no published figure; 3 ms'),
          },
        })
      : lognormalModel({
          medianMs: 0.1,
          p99Ms: 0.5,
          median: assumption('AWS states "ultra-low latencies" with no figure; one Hyperplane forwarding step in the AZ put at 0.1 ms', [SOURCES.nlbProduct]),
          p99: assumption('no published figure; a 5x tail', [SOURCES.nlbProduct]),
        }),
  limits: (s) => [
    { name: 'TCP idle timeout', value: 350, unit: 's' },
    ...(s.listener === 'TLS' ? [{ name: 'new TLS connections per NLCU', value: 50, unit: 'conn/s', note: '16x less than TCP (800)' }] : []),
  ],
  features: (s) => ({
    wafAttachable: false,
    tlsTermination: s.listener === 'TLS' ? 'at the NLB (TLS listener)' : false,
    centralCertificates: s.listener === 'TLS' ? 'ACM on the NLB' : false,
    podAwareRouting: s.targetType === 'ip',
    weightedCanary: false,
    lambdaRouting: false,
  }),
  rules: (hop, chain) => nlbRules(hop, chain),
};

function nlbRules(hop: Hop, chain: Hop[]): Diagnostic[] {
  const s = hop.settings as NlbSettings;
  const out: Diagnostic[] = [];
  if (s.proxyProtocol === 'v1') {
    out.push(problem('error', 'nlb-proxy-v1', hop, ['settings', 'proxyProtocol'],
      'PROXY protocol v1 is Classic-LB-only; an NLB emits only v2',
      'set proxyProtocol: v2 (and enable PROXY parsing on the gateway), or use component: clb for v1'));
  }
  if (s.controller === 'in-tree' && s.proxyProtocol !== 'none') {
    out.push(problem('warning', 'nlb-in-tree-ignores-proxy', hop, ['settings', 'proxyProtocol'],
      'the in-tree NLB ignores the aws-load-balancer-proxy-protocol annotation silently: no PROXY header will be sent',
      'use controller: aws-load-balancer-controller, or the target-group attribute proxy_protocol_v2.enabled=true'));
  }
  const kp = chain[hop.index + 1];
  if (effectiveProxyProtocol(s) === 'v2' && s.targetType === 'instance' && kp?.component === 'kube-proxy' && kp.settings.externalTrafficPolicy === 'Local') {
    out.push(problem('warning', 'nlb-proxy-etp-local-healthcheck', hop, ['settings', 'proxyProtocol'],
      'PROXY v2 + instance targets + externalTrafficPolicy: Local: the HTTP health check to healthCheckNodePort carries a PROXY header and fails, targets go unhealthy',
      'use externalTrafficPolicy: Cluster with PROXY v2 (the PROXY header keeps the client IP), or ip targets'));
  }
  if (s.targetType === 'ip' && kp?.component === 'kube-proxy') {
    out.push(problem('warning', 'nlb-ip-bypasses-kube-proxy', hop, ['settings', 'targetType'],
      'ip targets send traffic straight to pods: kube-proxy and externalTrafficPolicy have no effect',
      `remove the kube-proxy hop at spec.chain[${kp.index}], or use targetType: instance`));
  }
  out.push(...proxyMismatch(hop, chain, effectiveProxyProtocol(s) !== 'none'));
  if (s.listener === 'UDP') {
    out.push(problem('error', 'nlb-udp-http', hop, ['settings', 'listener'],
      'a UDP listener cannot carry the HTTP traffic this chain serves', 'use listener: TCP or TLS'));
  }
  return out;
}

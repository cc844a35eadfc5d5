// AWS WAF web ACL: evaluated inside the resource it is attached to (CloudFront, ALB, API Gateway REST).
import { z } from 'zod';
import type { ComponentDefinition, Diagnostic } from '../types.ts';
import { managedFleet } from '../forwarding.ts';
import { getHeader } from '../headers.ts';
import { problem } from '../diag.ts';
import { assumption, lognormalModel } from '../latency.ts';

const blockRule = z.strictObject({
  name: z.string().min(1),
  /** Block when this request header contains the text (case-insensitive). */
  header: z.string().min(1),
  contains: z.string().min(1),
});

const settings = z.strictObject({
  /** Rules and rule groups in the web ACL (priced per rule). */
  rules: z.number().int().min(0).max(1500).default(5),
  blockRules: z.array(blockRule).default([]),
  /** Rate-based rule: requests per 5 minutes per source IP before 403 (null = none). */
  rateLimitPer5Min: z.number().int().min(10).nullable().default(null),
});
export type WafSettings = z.infer<typeof settings>;

export const waf: ComponentDefinition<WafSettings> = {
  kind: 'waf',
  title: 'AWS WAF',
  summary: 'Web ACL evaluated by CloudFront, an ALB or an API Gateway REST stage; blocks with 403.',
  managed: true,
  settings,
  layer: () => 'L7',
  tls: () => 'none',
  forwarding: () => managedFleet('WAF (inside the resource it is attached to)'),
  partOfPrevious: 'evaluated-inside',
  realize: {
    local: (s) => ({
      realizer: 'l7-proxy',
      // Its own listener, but it forwards from the address of the resource it is attached to (apply keeps the peer).
      listeners: { block: 'attached', per: 'hop' },
      enforce: s.rateLimitPer5Min ? { perSourceLimitPer5Min: s.rateLimitPer5Min } : {},
    }),
    cluster: () => ({ where: 'outside', by: 'lb-emulator' }),
    // After an ALB Ingress: the controller's annotation; in front of anything else the lab creates the web ACL.
    eks: () => ({ by: 'alb-ingress-annotation', elsewhere: { by: 'aws-sdk', sdk: 'waf-web-acl' } }),
  },
  describe: (s) => [
    `${s.rules} rule(s); ${s.blockRules.length} header block rule(s)${s.rateLimitPer5Min ? `; rate-based rule ${s.rateLimitPer5Min} req / 5 min / IP` : ''}`,
    'evaluated inside the resource it is attached to; blocked requests get 403',
  ],
  apply: (env, s) => {
    for (const r of s.blockRules) {
      const v = getHeader(env, r.header);
      if (v && v.toLowerCase().includes(r.contains.toLowerCase())) return { ok: false, status: 403, reason: `blocked by WAF rule ${r.name}` };
    }
    return { ok: true, env };
  },
  latency: () =>
    lognormalModel({
      medianMs: 0.5,
      p99Ms: 3,
      median: assumption('no published figure; rule evaluation inside the resource it is attached to, put at 0.5 ms for a few header rules (more with body inspection or regex sets)'),
      p99: assumption('no published figure; a 6x tail for rule sets that inspect more of the request'),
    }),
  limits: (s) => (s.rateLimitPer5Min ? [{ name: 'rate-based rule', value: s.rateLimitPer5Min, unit: 'req/5 min/IP', status: 403 }] : []),
  features: () => ({}),
  rules: (hop, chain) => {
    const out: Diagnostic[] = [];
    const prev = chain[hop.index - 1];
    // AWS WAF attaches where the resource's features say so (CloudFront, ALB, API Gateway REST stage).
    if (!prev || prev.entry.features(prev.settings).wafAttachable !== true) {
      const what = prev ? `${prev.name} (${prev.component})` : 'nothing';
      const why =
        prev?.component === 'nlb' ? 'WAF cannot attach to a Network Load Balancer'
        : prev?.component === 'clb' ? 'WAF cannot attach to a Classic Load Balancer'
        : prev?.component === 'apigw-http' ? 'WAF cannot attach to an API Gateway HTTP API (REST only)'
        : prev?.component === 'lattice' ? 'WAF cannot attach to VPC Lattice'
        : 'WAF attaches only to CloudFront, an ALB or an API Gateway REST stage';
      out.push(problem('error', 'waf-not-attachable', hop, ['component'], `${why}; here it follows ${what}`,
        'place the waf hop directly after a cloudfront, alb or apigw-rest hop, or put an ALB/CloudFront in front'));
    }
    return out;
  },
};

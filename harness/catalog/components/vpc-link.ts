// API Gateway VPC link: v1 (PrivateLink to an NLB, REST only; legacy) or v2 (ENIs in the VPC, to an NLB or an
// ALB; HTTP APIs, and REST APIs since November 2025). Sources: API Gateway developer guide, "Private
// integrations for REST APIs" (https://docs.aws.amazon.com/apigateway/latest/developerguide/private-integration.html:
// "API Gateway supports VPC links V2 for REST APIs ... connect your REST API to Application Load Balancers
// without using a Network Load Balancer"; V1 is "a legacy integration type") and "Set up a private integration"
// (set-up-private-integration.html: an HTTP_PROXY integration with a VPC link V2 and an ALB or NLB ARN).
import { z } from 'zod';
import type { ComponentDefinition, Diagnostic } from '../types.ts';
import { managedFleet } from '../forwarding.ts';
import { problem } from '../diag.ts';
import { assumption, lognormalModel } from '../latency.ts';

const settings = z.strictObject({
  version: z.enum(['v1', 'v2']).default('v1'),
});
export type VpcLinkSettings = z.infer<typeof settings>;

export const vpcLink: ComponentDefinition<VpcLinkSettings> = {
  kind: 'vpc-link',
  title: 'API Gateway VPC link',
  summary: 'Private integration path from API Gateway into the VPC. No fee of its own: you pay for the load balancer behind it.',
  managed: true,
  settings,
  layer: () => 'L4',
  tls: () => 'none',
  forwarding: () => managedFleet('the VPC link'),
  partOfPrevious: 'private-path',
  realize: {
    local: () => ({ realizer: 'l4-forwarder', listeners: { block: 'vpcLinkEnis', per: 'az', maxAzs: 1 }, kernelNat: true }),
    cluster: () => ({ where: 'outside', by: 'lb-emulator' }),
    eks: () => ({ by: 'aws-sdk', sdk: 'apigw-vpc-link' }),
  },
  describe: (s) =>
    s.version === 'v1'
      ? ['v1 (legacy for REST APIs): PrivateLink endpoint service on an NLB; the NLB target sees the NLB address whatever preserve_client_ip says']
      : ['v2: ENIs in your subnets, to an NLB or an ALB (HTTP APIs; REST APIs since November 2025); the load balancer sees the VPC-link ENI address as the source'],
  apply: (env, s, ctx) => ({ ok: true, env: { ...env, peer: ctx.self, privateLink: s.version === 'v1' } }),
  // Only the VPC link's own forwarding: the NLB or ALB behind it is a hop of its own in the chain, and zone
  // crossings are modeled where a hop forwards across zones (the old 1.0/4 ms counted both again).
  latency: () =>
    lognormalModel({
      medianMs: 0.05,
      p99Ms: 0.25,
      median: assumption('no published figure; one PrivateLink / ENI forwarding step in the same AZ as the load balancer node it reaches, put at 50 us'),
      p99: assumption('no published figure; a 5x tail as for the NLB'),
    }),
  limits: () => [],
  features: () => ({}),
  rules: (hop, chain) => {
    const out: Diagnostic[] = [];
    const s = hop.settings as VpcLinkSettings;
    const prev = chain[hop.index - 1];
    const next = chain[hop.index + 1];
    if (!prev || (prev.component !== 'apigw-rest' && prev.component !== 'apigw-http')) {
      out.push(problem('error', 'vpc-link-position', hop, ['component'], 'a VPC link must directly follow an API Gateway hop (apigw-rest or apigw-http)',
        'move this hop right after the API Gateway hop, or remove it'));
    }
    if (prev?.component === 'apigw-http' && s.version === 'v1') {
      out.push(problem('error', 'vpc-link-http-v1', hop, ['settings', 'version'], 'HTTP APIs use VPC link v2 only', 'set version: v2'));
    }
    if (next?.component === 'clb') {
      out.push(problem('error', 'apigw-private-clb', hop, ['component'], 'API Gateway private integration cannot target a Classic Load Balancer',
        'put an NLB (VPC link v1 or v2) or an ALB (VPC link v2) between API Gateway and the cluster'));
    } else if (next && next.component !== 'nlb' && !(s.version === 'v2' && next.component === 'alb')) {
      out.push(problem('error', 'vpc-link-target', hop, ['component'],
        `a VPC link ${s.version} targets ${s.version === 'v1' ? 'a Network Load Balancer' : 'an NLB or ALB'}, not ${next.component}`,
        s.version === 'v1' ? 'put an nlb hop after the VPC link' : 'put an nlb or alb hop after the VPC link'));
    }
    return out;
  },
};

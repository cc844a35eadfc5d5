// The component catalog: one entry per component kind, looked up by the scenario loader and every provider.
// Each component is a definition (components/<kind>.ts) and, when it bills, a cost model
// (components/<kind>.cost.ts); they are joined here, with the queries derived from the facets, so every
// consumer asks the same question the same way (cost, model and local topology: one cross-AZ answer).
import type { CatalogEntry, ComponentDefinition, ComponentKind } from './types.ts';
import type { CostModel } from '../cost/types.ts';
import { crossAz } from './forwarding.ts';
import { rateLimiterOf } from './limits.ts';
import { client } from './components/client.ts';
import { cloudfront } from './components/cloudfront.ts';
import { cloudfrontCost } from './components/cloudfront.cost.ts';
import { waf } from './components/waf.ts';
import { wafCost } from './components/waf.cost.ts';
import { apigwRest } from './components/apigw-rest.ts';
import { apigwRestCost } from './components/apigw-rest.cost.ts';
import { apigwHttp } from './components/apigw-http.ts';
import { apigwHttpCost } from './components/apigw-http.cost.ts';
import { vpcLink } from './components/vpc-link.ts';
import { vpcLinkCost } from './components/vpc-link.cost.ts';
import { nlb } from './components/nlb.ts';
import { nlbCost } from './components/nlb.cost.ts';
import { alb } from './components/alb.ts';
import { albCost } from './components/alb.cost.ts';
import { clb } from './components/clb.ts';
import { clbCost } from './components/clb.cost.ts';
import { lattice } from './components/lattice.ts';
import { latticeCost } from './components/lattice.cost.ts';
import { kubeProxy } from './components/kube-proxy.ts';
import { envoyGateway } from './components/envoy-gateway.ts';
import { ingressNginx } from './components/ingress-nginx.ts';
import { service } from './components/service.ts';

/** A definition completed into an entry: its cost model and the derived queries. */
export function completeEntry<S>(d: ComponentDefinition<S>, cost?: CostModel<S>): CatalogEntry<S> {
  return {
    ...d,
    ...(cost ? { cost } : {}),
    // A connection ends where the request is rebuilt; a WAF is evaluated inside the resource before it.
    terminates: (s) => d.partOfPrevious !== 'evaluated-inside' && (d.layer(s) === 'L7' || d.layer(s) === 'app'),
    crossAz: (s, azs) => crossAz(d.forwarding(s), azs),
    rateLimiter: (s, azs) => rateLimiterOf(d.limits(s), azs),
  };
}

export const CATALOG: Record<ComponentKind, CatalogEntry> = {
  client: completeEntry(client),
  cloudfront: completeEntry(cloudfront, cloudfrontCost),
  waf: completeEntry(waf, wafCost),
  'apigw-rest': completeEntry(apigwRest, apigwRestCost),
  'apigw-http': completeEntry(apigwHttp, apigwHttpCost),
  'vpc-link': completeEntry(vpcLink, vpcLinkCost),
  nlb: completeEntry(nlb, nlbCost),
  alb: completeEntry(alb, albCost),
  clb: completeEntry(clb, clbCost),
  lattice: completeEntry(lattice, latticeCost),
  'kube-proxy': completeEntry(kubeProxy),
  'envoy-gateway': completeEntry(envoyGateway),
  'ingress-nginx': completeEntry(ingressNginx),
  service: completeEntry(service),
};

export const COMPONENT_KINDS = Object.keys(CATALOG) as ComponentKind[];

export function entry(kind: ComponentKind): CatalogEntry {
  return CATALOG[kind];
}

export type { CatalogEntry, ComponentKind } from './types.ts';

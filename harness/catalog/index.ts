// The component catalog: one entry per component kind, looked up by the scenario loader and every provider.
import type { CatalogEntry, ComponentKind } from './types.ts';
import { client } from './components/client.ts';
import { cloudfront } from './components/cloudfront.ts';
import { waf } from './components/waf.ts';
import { apigwRest } from './components/apigw-rest.ts';
import { apigwHttp } from './components/apigw-http.ts';
import { vpcLink } from './components/vpc-link.ts';
import { nlb } from './components/nlb.ts';
import { alb } from './components/alb.ts';
import { clb } from './components/clb.ts';
import { lattice } from './components/lattice.ts';
import { kubeProxy } from './components/kube-proxy.ts';
import { envoyGateway } from './components/envoy-gateway.ts';
import { ingressNginx } from './components/ingress-nginx.ts';
import { service } from './components/service.ts';

export const CATALOG: Record<ComponentKind, CatalogEntry> = {
  client,
  cloudfront,
  waf,
  'apigw-rest': apigwRest,
  'apigw-http': apigwHttp,
  'vpc-link': vpcLink,
  nlb,
  alb,
  clb,
  lattice,
  'kube-proxy': kubeProxy,
  'envoy-gateway': envoyGateway,
  'ingress-nginx': ingressNginx,
  service,
};

export const COMPONENT_KINDS = Object.keys(CATALOG) as ComponentKind[];

export function entry(kind: ComponentKind): CatalogEntry {
  return CATALOG[kind];
}

export type { CatalogEntry, ComponentKind } from './types.ts';

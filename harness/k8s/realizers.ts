// How the cluster providers realize each kind of hop, looked up by the keys the catalog entries name
// (realize.cluster / realize.eks, and the gateway facet's product), never by component kind: a new component
// names existing keys, a new realization adds a key here.
import type { ClusterRealization, EksRealization } from '../catalog/realization.ts';
import type { GatewayFacet, Hop } from '../catalog/types.ts';
import type { NetworkMap } from '../catalog/address-plan.ts';
import type { K8sObject, Ownership } from './types.ts';
import type { ServiceShape } from './app.ts';
import { albIngressAnnotations, clbAnnotations, nlbAnnotations, type Annotated } from './aws-annotations.ts';
import { ENVOY_GATEWAY_NAMESPACE, envoyGatewayObjects } from './envoy-gateway.ts';
import { INGRESS_NGINX_CONTROLLER_SELECTOR, INGRESS_NGINX_NAMESPACE, ingressNginxObjects } from './ingress-nginx.ts';
import { dnsName } from './names.ts';

export type GatewayProduct = GatewayFacet['product'];
export type ClusterLb = Extract<EksRealization, { by: 'cluster-lb' }>['lb'];
export type OutsideRealizer = Extract<ClusterRealization, { where: 'outside' }>['by'];

export function clusterRealization(h: Hop): ClusterRealization {
  const r = h.entry.realize?.cluster(h.settings);
  if (!r) throw new Error(`component ${h.component} has no cluster realization in the catalog (realize.cluster)`);
  return r;
}

export function eksRealization(h: Hop): EksRealization {
  const r = h.entry.realize?.eks(h.settings);
  if (!r) throw new Error(`component ${h.component} has no eks realization in the catalog (realize.eks)`);
  return r;
}

/** Hops outside a kind cluster: what runs them (the report's words). */
export const OUTSIDE_REALIZERS: Record<OutsideRealizer, { how(inFrontOfNodePort: boolean): string }> = {
  'lb-emulator': { how: (front) => `lab emulator container (host network, loopback)${front ? ' in front of the NodePort' : ''}` },
  'localstack-apigw': { how: () => 'LocalStack (API Gateway REST emulation) container' },
};

/** The load balancer directly in front of the cluster on EKS: from Service annotations, or an ALB Ingress. */
export const CLUSTER_LB_REALIZERS: Record<ClusterLb, {
  /** Annotations on the front Service (null: the Service is not the load balancer). */
  serviceAnnotations(settings: any, tags: Record<string, string>, aws: { certificateArn?: string }): Annotated | null;
  /** Shape of the Service in front of the first in-cluster hop when the load balancer is not a Service. */
  backendShape?(settings: any, etp: 'Cluster' | 'Local'): ServiceShape;
  /** An Ingress of class alb in front of the front Service (with a WAF annotation when one is attached). */
  ingressAnnotations?(settings: any, tags: Record<string, string>, aws: { certificateArn?: string; wafAclArn?: string; waf: boolean }): Annotated;
}> = {
  'nlb-service': { serviceAnnotations: (s, tags, aws) => nlbAnnotations(s, tags, aws) },
  'clb-service': { serviceAnnotations: (s, tags, aws) => clbAnnotations(s, tags, aws) },
  'alb-ingress': {
    serviceAnnotations: () => null,
    // ip targets reach pods directly; instance targets go through a NodePort.
    backendShape: (s, etp) => (s.targetType === 'ip' ? { type: 'ClusterIP' } : { type: 'NodePort', externalTrafficPolicy: etp }),
    ingressAnnotations: (s, tags, aws) => albIngressAnnotations(s, tags, aws),
  },
};

export interface GatewayRender {
  objects: Array<{ object: K8sObject; ownership: Ownership }>;
  /** The Service in front of the gateway pods (namespace/name). */
  front: { namespace: string; name: string };
  notes: string[];
}

/** In-cluster gateways: their objects, where their controller lives, and which pin installs it. */
export const GATEWAY_REALIZERS: Record<GatewayProduct, {
  /** Key of infra/kind/versions.json with the install manifest and images. */
  versionsKey: 'envoyGateway' | 'ingressNginx';
  title: string;
  /** Namespace of the controller and of the gateway pods. */
  namespace: string;
  /** Label selector of the gateway pods of this run. */
  podSelector(runSelector: string): string;
  /** The gateway pods are created for the run (after the manifests are applied), not by the install. */
  runPods: boolean;
  /** The front Service: its name and what the NodePort list says it is for. */
  front(run: string, hop: string): { namespace: string; name: string; purpose: string };
  render(o: { runLabel: string; namespace: string; hopName: string; settings: any; labels: Record<string, string>; backend: { name: string; port: number }; service: ServiceShape; networks: NetworkMap }): GatewayRender;
}> = {
  'envoy-gateway': {
    versionsKey: 'envoyGateway',
    title: 'Envoy Gateway',
    namespace: ENVOY_GATEWAY_NAMESPACE,
    // The Envoy pods carry the run's labels through the EnvoyProxy.
    podSelector: (runSel) => runSel,
    // Envoy Gateway creates an Envoy Deployment per Gateway.
    runPods: true,
    front: (run, hop) => ({ namespace: ENVOY_GATEWAY_NAMESPACE, name: dnsName(['envoy', run, hop]), purpose: `${hop} (Envoy Service)` }),
    render: (o) => {
      const r = envoyGatewayObjects(o);
      return { objects: r.objects.map((object) => ({ object, ownership: 'run' as const })), front: r.envoyService, notes: r.notes };
    },
  },
  'ingress-nginx': {
    versionsKey: 'ingressNginx',
    title: 'ingress-nginx',
    namespace: INGRESS_NGINX_NAMESPACE,
    // The controller pods are labeled by its install.
    podSelector: () => Object.entries(INGRESS_NGINX_CONTROLLER_SELECTOR).map(([k, v]) => `${k}=${v}`).join(','),
    runPods: false,
    front: (run, hop) => ({ namespace: INGRESS_NGINX_NAMESPACE, name: dnsName(['nginx', run, hop]), purpose: `${hop} (ingress-nginx controller)` }),
    render: (o) => {
      const r = ingressNginxObjects(o);
      return { objects: r.objects, front: r.controllerService, notes: r.notes };
    },
  },
};

/** The gateway product of a hop (the catalog's gateway facet). */
export function gatewayProduct(h: Hop): GatewayProduct {
  const p = h.entry.gateway?.product;
  if (!p) throw new Error(`${h.component} is realized as a gateway but has no gateway facet in the catalog`);
  return p;
}

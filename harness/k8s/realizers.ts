// How the cluster providers realize each kind of hop, looked up by the keys the catalog entries name
// (realize.cluster / realize.eks, and the gateway facet's product), never by component kind: a new component
// names existing keys, a new realization adds a key here.
import type { ClusterRealization, EksRealization } from '../catalog/realization.ts';
import type { GatewayFacet, Hop } from '../catalog/types.ts';
import type { NetworkMap } from '../catalog/address-plan.ts';
import type { GatewayPods, K8sObject, Ownership } from './types.ts';
import type { ServiceShape } from './app.ts';
import { albIngressAnnotations, clbAnnotations, nlbAnnotations, type Annotated } from './aws-annotations.ts';
import { envoyGatewayObjects } from './envoy-gateway.ts';
import { ENVOY_GATEWAY_NAMESPACE, owningGatewaySelector } from './envoy-gateway-cluster.ts';
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
/** Controllers an EKS realization needs running in the cluster (harness/cluster/controllers.ts says how to find them). */
export type EksControllerKey = 'aws-load-balancer-controller' | 'aws-gateway-api-controller';

export const CLUSTER_LB_REALIZERS: Record<ClusterLb, {
  /** Controllers that must run for this load balancer to be created. */
  controllers(settings: any): EksControllerKey[];
  /**
   * A Classic LB from the cloud provider's own service controller: the Service must reach it without a
   * loadBalancerClass, which the AWS Load Balancer Controller's Service webhook would otherwise set.
   */
  classic?: boolean;
  /** Annotations on the front Service (null: the Service is not the load balancer). */
  serviceAnnotations(settings: any, tags: Record<string, string>, aws: { certificateArn?: string }): Annotated | null;
  /** Shape of the Service in front of the first in-cluster hop when the load balancer is not a Service. */
  backendShape?(settings: any, etp: 'Cluster' | 'Local'): ServiceShape;
  /** An Ingress of class alb in front of the front Service (with a WAF annotation when one is attached). */
  ingressAnnotations?(settings: any, tags: Record<string, string>, aws: { certificateArn?: string; wafAclArn?: string; waf: boolean }): Annotated;
}> = {
  'nlb-service': {
    controllers: (s) => (s.controller === 'in-tree' ? [] : ['aws-load-balancer-controller']),
    serviceAnnotations: (s, tags, aws) => nlbAnnotations(s, tags, aws),
  },
  'clb-service': { controllers: () => [], classic: true, serviceAnnotations: (s, tags, aws) => clbAnnotations(s, tags, aws) },
  'alb-ingress': {
    controllers: () => ['aws-load-balancer-controller'],
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
  /** The gateway's pods: where they run and how to select them (and their Deployment). */
  pods: Omit<GatewayPods, 'product'>;
  notes: string[];
}

/** What a cluster must already run for a gateway product (checked before anything is applied). */
export interface GatewayController {
  title: string;
  namespace: string;
  /** Label selector of the controller's Deployment as its standard install labels it. */
  deploymentSelector: string;
  /** CRDs its objects need (plural.group). */
  crds: string[];
  /** How to install it on a cluster that lacks it. */
  install: string;
}

/** In-cluster gateways: their objects, where their controller lives, and which pin installs it. */
export const GATEWAY_REALIZERS: Record<GatewayProduct, {
  /** Key of infra/kind/versions.json with the install manifest and images. */
  versionsKey: 'envoyGateway' | 'ingressNginx';
  title: string;
  /** Namespace of the controller and of the gateway pods. */
  namespace: string;
  controller: GatewayController;
  /** The front Service: its name and what the NodePort list says it is for. */
  front(run: string, hop: string): { namespace: string; name: string; purpose: string };
  render(o: { runLabel: string; namespace: string; hopName: string; settings: any; labels: Record<string, string>; backend: { name: string; port: number }; service: ServiceShape; networks: NetworkMap }): GatewayRender;
}> = {
  'envoy-gateway': {
    versionsKey: 'envoyGateway',
    title: 'Envoy Gateway',
    namespace: ENVOY_GATEWAY_NAMESPACE,
    controller: {
      title: 'Envoy Gateway',
      namespace: ENVOY_GATEWAY_NAMESPACE,
      // The labels of Envoy Gateway's Helm chart / install.yaml Deployment.
      deploymentSelector: 'control-plane=envoy-gateway',
      crds: ['gatewayclasses.gateway.networking.k8s.io', 'gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io', 'envoyproxies.gateway.envoyproxy.io', 'clienttrafficpolicies.gateway.envoyproxy.io'],
      install: 'helm install eg oci://docker.io/envoyproxy/gateway-helm --version v1.9.1 -n envoy-gateway-system --create-namespace',
    },
    front: (run, hop) => ({ namespace: ENVOY_GATEWAY_NAMESPACE, name: dnsName(['envoy', run, hop]), purpose: `${hop} (Envoy Service)` }),
    render: (o) => {
      const r = envoyGatewayObjects(o);
      return {
        objects: r.objects.map((object) => ({ object, ownership: 'run' as const })),
        front: r.envoyService,
        // Envoy Gateway creates an Envoy Deployment per Gateway and labels it, its pods and its Service with the
        // owning Gateway (the run's own labels reach only the pod template and the Service).
        pods: { namespace: ENVOY_GATEWAY_NAMESPACE, selector: owningGatewaySelector(r.gateway), createdForRun: true, gateway: r.gateway },
        notes: r.notes,
      };
    },
  },
  'ingress-nginx': {
    versionsKey: 'ingressNginx',
    title: 'ingress-nginx',
    namespace: INGRESS_NGINX_NAMESPACE,
    controller: {
      title: 'ingress-nginx controller',
      namespace: INGRESS_NGINX_NAMESPACE,
      deploymentSelector: Object.entries(INGRESS_NGINX_CONTROLLER_SELECTOR).map(([k, v]) => `${k}=${v}`).join(','),
      crds: [],
      install: 'kubectl apply -f the ingress-nginx deploy.yaml of your platform (infra/kind/versions.json names the kind one)',
    },
    front: (run, hop) => ({ namespace: INGRESS_NGINX_NAMESPACE, name: dnsName(['nginx', run, hop]), purpose: `${hop} (ingress-nginx controller)` }),
    render: (o) => {
      const r = ingressNginxObjects(o);
      // The controller pods come from its install, labeled by it.
      const selector = Object.entries(INGRESS_NGINX_CONTROLLER_SELECTOR).map(([k, v]) => `${k}=${v}`).join(',');
      return { objects: r.objects, front: r.controllerService, pods: { namespace: INGRESS_NGINX_NAMESPACE, selector, createdForRun: false }, notes: r.notes };
    },
  },
};

/** The gateway product of a hop (the catalog's gateway facet). */
export function gatewayProduct(h: Hop): GatewayProduct {
  const p = h.entry.gateway?.product;
  if (!p) throw new Error(`${h.component} is realized as a gateway but has no gateway facet in the catalog`);
  return p;
}

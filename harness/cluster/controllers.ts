// The controllers a scenario may need in a cluster, how their standard installs look (namespace, labels,
// image), so the lab can say before applying anything whether each runs, at which version, and how it is set.
import type * as K8s from '@kubernetes/client-node';
import { GATEWAY_REALIZERS, type EksControllerKey, type GatewayProduct } from '../k8s/realizers.ts';
import { listObjects } from './kube.ts';

export type ControllerKey = GatewayProduct | EksControllerKey;

export interface ControllerSpec {
  title: string;
  /** Namespace of its standard install. */
  namespace: string;
  /** Label selector of its Deployment, when its install labels it in a known way. */
  deploymentSelector?: string;
  /** Its container image (repository), which also carries its version in the tag. */
  image: RegExp;
  /** Leader-election lease whose holder proves the controller is alive (name suffix). */
  lease?: string;
  install: string;
}

export const CONTROLLERS: Record<ControllerKey, ControllerSpec> = {
  'envoy-gateway': {
    title: GATEWAY_REALIZERS['envoy-gateway'].controller.title,
    namespace: GATEWAY_REALIZERS['envoy-gateway'].controller.namespace,
    deploymentSelector: GATEWAY_REALIZERS['envoy-gateway'].controller.deploymentSelector,
    image: /envoyproxy\/gateway(-dev)?:/,
    lease: 'gateway.envoyproxy.io',
    install: GATEWAY_REALIZERS['envoy-gateway'].controller.install,
  },
  'ingress-nginx': {
    title: GATEWAY_REALIZERS['ingress-nginx'].controller.title,
    namespace: GATEWAY_REALIZERS['ingress-nginx'].controller.namespace,
    deploymentSelector: GATEWAY_REALIZERS['ingress-nginx'].controller.deploymentSelector,
    image: /ingress-nginx\/controller:/,
    install: GATEWAY_REALIZERS['ingress-nginx'].controller.install,
  },
  'aws-load-balancer-controller': {
    title: 'AWS Load Balancer Controller',
    namespace: 'kube-system',
    image: /aws-load-balancer-controller:/,
    install: 'helm install aws-load-balancer-controller eks/aws-load-balancer-controller -n kube-system --set clusterName=<cluster> (with an IAM role for its service account)',
  },
  'aws-gateway-api-controller': {
    title: 'AWS Gateway API Controller (VPC Lattice)',
    namespace: 'aws-application-networking-system',
    image: /aws-gateway-controller:/,
    install: 'helm install gateway-api-controller oci://public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller-chart -n aws-application-networking-system --create-namespace',
  },
};

export interface ControllerFact {
  key: ControllerKey;
  found: boolean;
  namespace: string;
  deployment?: string;
  image?: string;
  /** Tag of its image (v1.9.1), or what its version label says. */
  version?: string;
  available: number;
  desired: number;
  /** Environment of its container (the Lattice controller's service-network settings live there). */
  env: Record<string, string>;
  /** Its leader lease: who holds it and how long since it was renewed. */
  lease?: { holder: string; renewedSecondsAgo: number | null };
  error?: string;
}

/** Version from an image reference: the tag (before any digest). */
export function imageVersion(image: string): string | undefined {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(colon + 1) : undefined;
}

/** Finds a controller's Deployment (by its install's labels, else by its image) and its leader lease. */
export async function findController(kc: K8s.KubeConfig, key: ControllerKey, now = Date.now()): Promise<ControllerFact> {
  const spec = CONTROLLERS[key];
  const fact: ControllerFact = { key, found: false, namespace: spec.namespace, available: 0, desired: 0, env: {} };
  try {
    const deps = (await listObjects<any>(kc, 'apps/v1', 'Deployment', { namespace: spec.namespace, labelSelector: spec.deploymentSelector })) ?? [];
    const byImage = (d: any) => (d.spec?.template?.spec?.containers ?? []).find((c: any) => spec.image.test(c.image ?? ''));
    const dep = deps.find(byImage) ?? (spec.deploymentSelector ? deps[0] : undefined);
    if (dep) {
      const c = byImage(dep) ?? dep.spec?.template?.spec?.containers?.[0];
      fact.found = true;
      fact.deployment = dep.metadata.name;
      fact.image = c?.image;
      fact.version = (c?.image && imageVersion(c.image)) ?? dep.metadata.labels?.['app.kubernetes.io/version'];
      fact.available = dep.status?.availableReplicas ?? 0;
      fact.desired = dep.spec?.replicas ?? 1;
      for (const e of c?.env ?? []) if (typeof e.value === 'string') fact.env[e.name] = e.value;
    }
    if (spec.lease) {
      const leases = (await listObjects<any>(kc, 'coordination.k8s.io/v1', 'Lease', { namespace: spec.namespace })) ?? [];
      const l = leases.find((x) => x.metadata.name.endsWith(spec.lease!));
      if (l?.spec?.holderIdentity) {
        const renewed = l.spec.renewTime ? Date.parse(l.spec.renewTime) : NaN;
        fact.lease = { holder: l.spec.holderIdentity, renewedSecondsAgo: Number.isFinite(renewed) ? Math.max(0, Math.round((now - renewed) / 1000)) : null };
      }
    }
  } catch (e) {
    fact.error = (e as Error).message.split('\n')[0];
  }
  return fact;
}

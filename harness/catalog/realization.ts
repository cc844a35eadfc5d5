// How each provider realizes a component, as data in its catalog entry. Providers look their realizer up by
// these keys in a small registry of their own (providers/local/realizers.ts, providers/cluster/outside.ts,
// k8s/realizers.ts), never by component kind: a new component names existing keys, a new realization adds
// a key and its realizer.
import type { AddressBlock } from './address-plan.ts';

export interface Realizations<S = any> {
  /** The local provider: every hop a real process on loopback. */
  local(s: S): LocalRealization;
  /** The kind provider (and a cluster from a kubeconfig): in the cluster, or emulated in front of it. */
  cluster(s: S): ClusterRealization;
  /** The eks provider: real AWS resources from Kubernetes controllers, the lab's own AWS SDK calls, or not created. */
  eks(s: S): EksRealization;
}

/** Which loopback realizer runs the hop (providers/local/realizers.ts). */
export type LocalRealizer = 'l4-forwarder' | 'l7-proxy' | 'gateway' | 'echo';

export interface LocalRealization {
  realizer: LocalRealizer;
  listeners: ListenerLayout;
  /** TLS on the entry listener: only when the client speaks https (default), or always (a TLS-only listener). */
  entryTls?: 'with-client-https' | 'always';
  /** Behaviour of the real component an L7 emulation reproduces (limits with their status codes). */
  enforce?: Enforcement;
  /**
   * The kernel expresses this hop exactly as NAT: DNAT to the targets its forwarding facet allows (balanced
   * evenly), the source what apply() makes it (kept, or the hop's / node's address), bytes untouched. In a
   * lab network namespace such a hop needs no process at all (providers/local/kernel-nat.ts); elsewhere the
   * l4-forwarder realizes it. Only for hops that write nothing into the stream (no PROXY header, no TLS).
   */
  kernelNat?: boolean;
  /** How this realization differs from the real component, for the report. */
  notes?: string[];
  /** The same, when the hop is not the entry (only the entry terminates TLS locally). */
  notesBehindEntry?: string[];
}

/** Where a hop's listeners sit in the loopback address plan (catalog/address-plan.ts). */
export type ListenerLayout =
  /** One listener per AZ (load balancer nodes), at most `maxAzs`. */
  | { block: AddressBlock; per: 'az'; maxAzs?: number }
  /** One listener for the whole hop (a regional managed service). */
  | { block: AddressBlock; per: 'hop' }
  /** A listener on every node (a NodePort). */
  | { on: 'nodes' }
  /** One listener per pod, pods spread round-robin over the nodes. */
  | { on: 'pods'; pods: Array<{ name: string; version?: string }> };

export interface Enforcement {
  /** Token bucket answering 429 (API Gateway account throttle; the local provider scales it down). */
  throttle?: { rateRps: number; burst: number };
  /** Larger request bodies get 413. */
  maxBodyBytes?: number;
  /** No response headers within this time: 504. Default 60 s. */
  responseTimeoutS?: number;
  /** Keep-alive of its pooled connections toward the next hop. Default 60 s. */
  upstreamKeepAliveS?: number;
  /** Per-source request limit over a sliding window: 403 (WAF rate-based rule). */
  perSourceLimitPer5Min?: number;
}

/** The kind / cluster providers. */
export type ClusterRealization =
  /** Outside the cluster: the lab's emulator container on the host network, or LocalStack (API Gateway REST). */
  | { where: 'outside'; by: 'lb-emulator' | 'localstack-apigw' }
  /** Inside: the cluster's own kube-proxy, a gateway controller install (gateway facet product), the echo app. */
  | { where: 'inside'; by: 'kube-proxy' | 'gateway' | 'app' };

/** What a hop needs that the lab does not create, and what would. */
export interface NotCreated {
  reason: string;
  hint: string;
}

/** A resource the lab itself creates with the AWS SDK, by its realizer in harness/aws/realizers.ts. */
export type AwsSdkRealizer = 'apigw-rest-api' | 'apigw-http-api' | 'apigw-vpc-link' | 'waf-web-acl' | 'cloudfront-distribution' | 'standalone-alb';

export type AwsSdkRealization = { by: 'aws-sdk'; sdk: AwsSdkRealizer };

/** The eks provider. */
export type EksRealization =
  | { by: 'in-cluster' }
  /** The load balancer directly in front of the cluster, from a Service annotation or an Ingress (k8s/realizers.ts). */
  | { by: 'cluster-lb'; lb: 'nlb-service' | 'clb-service' | 'alb-ingress'; elsewhere: NotCreated }
  /** An annotation on the ALB Ingress right before it (WAF); anywhere else, `elsewhere`. */
  | { by: 'alb-ingress-annotation'; elsewhere: NotCreated | AwsSdkRealization }
  /** Gateway API objects for the AWS Gateway API Controller. */
  | { by: 'gateway-api-lattice' }
  | AwsSdkRealization
  | ({ by: 'not-created' } & NotCreated);

/** The SDK realizer of a hop on EKS when it is not realized by a Kubernetes object in its place, or null. */
export function sdkRealizerOf(e: EksRealization): AwsSdkRealizer | null {
  if (e.by === 'aws-sdk') return e.sdk;
  if ('elsewhere' in e && 'by' in e.elsewhere && e.elsewhere.by === 'aws-sdk') return e.elsewhere.sdk;
  return null;
}

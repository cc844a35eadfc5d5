// Cross-AZ forwarding, settled once. Every hop says which targets it may pick toward the next hop (its
// `forwarding` facet); the cost engine, the model and the local topology all derive the crossing share and
// whether it is billed from that one answer (CatalogEntry.crossAz), so they cannot disagree.
//
// What Kubernetes and AWS do by default:
// - kube-proxy, and the in-cluster gateways (Envoy Gateway, ingress-nginx) that route to the EndpointSlices
//   of a Service, spread over every ready endpoint in every zone. Only when the Service asks for it
//   (spec.trafficDistribution: PreferSameZone, formerly PreferClose, or the topology-mode annotation) do
//   they keep traffic in the zone. The lab's scenarios do not set it, so the default applies.
//   Sources: Kubernetes Service API, spec.trafficDistribution ("if the field is not set, the implementation
//   will apply its default routing strategy"), https://kubernetes.io/docs/concepts/services-networking/service/#traffic-distribution
//   and KEP-4444 / KEP-3015 (https://www.kubernetes.dev/resources/keps/4444/, .../keps/3015/); Envoy Gateway
//   "Zone Aware Routing" (enabled by BackendTrafficPolicy loadBalancer.zoneAware or by the backend Service's
//   trafficDistribution), https://gateway.envoyproxy.io/docs/tasks/traffic/zone-aware-routing/; ingress-nginx
//   uses EndpointSlices directly and honours topology hints only when the Service sets them
//   (kubernetes/ingress-nginx#9165).
// - externalTrafficPolicy: Local keeps the flow on the node that received it (Kubernetes "Using Source IP").
// - NLB: cross-zone load balancing is off by default: a node forwards to targets in its own AZ; turned on,
//   EC2 inter-AZ data transfer charges apply. https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-cross-zone.html
// - Classic LB: cross-zone is off when created by API/CLI (the in-tree cloud provider's default).
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-disable-crosszone-lb.html
//   Not billed as inter-AZ here (facts/aws-pricing.md names NLB cross-zone only).
// - ALB: cross-zone is always on at the load balancer level, and inter-AZ traffic to targets is not billed.
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/disable-cross-zone.html; facts/aws-pricing.md.
// - Managed services (CloudFront, API Gateway and its VPC link, WAF, VPC Lattice) reach the next hop from their
//   own fleet; their latency model and price include it (Lattice: no separate inter-AZ charge).
import type { CrossAz, Forwarding, ForwardingScope } from './types.ts';

/** Share of flows landing in another AZ when targets are spread evenly over `azs` zones. */
export function crossAzShare(scope: ForwardingScope, azs: number): number {
  return scope === 'any-az' && azs > 1 ? (azs - 1) / azs : 0;
}

export function crossAz(f: Forwarding, azs: number): CrossAz {
  return { ...f, share: crossAzShare(f.scope, azs) };
}

/** Every ready endpoint in every zone (kube-proxy ETP=Cluster, a gateway routing to service pods); `what` says who, briefly. */
export function anyReadyEndpoint(what: string): Forwarding {
  return { scope: 'any-az', billed: true, why: `${what}, every zone (no trafficDistribution)` };
}

export function managedFleet(who: string): Forwarding {
  return { scope: 'managed-fleet', billed: false, why: `${who}: its own fleet (inside its latency model and price)` };
}

export const NO_FORWARDING: Forwarding = { scope: 'none', billed: false, why: 'nothing behind it' };

/** NLB / Classic LB: their own AZ unless cross-zone is on. */
export function zonalLoadBalancer(who: 'NLB' | 'Classic LB', crossZone: boolean): Forwarding {
  if (!crossZone) return { scope: 'same-az', billed: false, why: `${who} cross-zone off: targets in the node's own AZ` };
  return who === 'NLB'
    ? { scope: 'any-az', billed: true, why: 'NLB cross-zone load balancing' }
    : { scope: 'any-az', billed: false, why: 'Classic LB cross-zone on: targets in every AZ' };
}

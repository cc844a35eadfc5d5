// Symbolic networks a scenario can trust ("vpc", "cloudfront", "lattice") and how each realization maps
// them. Locally every AWS address range has a stand-in inside 127.0.0.0/8, so trust rules written once
// work on loopback and on a real account alike.
import { inCidr, isIpv4Cidr } from '../lib/cidr.ts';

export const NETWORK_TOKENS = ['vpc', 'cloudfront', 'lattice'] as const;
export type NetworkToken = (typeof NETWORK_TOKENS)[number];
export type NetworkMap = Record<NetworkToken, string[]>;

/** The loopback address plan of the local provider. */
export const LOCAL_PLAN = {
  /** Internet clients. */
  clients: '127.1.0.0/16',
  /** Load balancer nodes (NLB/ALB/CLB private IPs): 127.20.<az>.<n>. */
  lbNodes: '127.20.0.0/16',
  /** API Gateway VPC-link ENIs / PrivateLink endpoint addresses: 127.21.0.x. */
  vpcLinkEnis: '127.21.0.0/16',
  /** Kubernetes nodes: 127.22.<az>.<n>. */
  nodes: '127.22.0.0/16',
  /** Pods: 127.23.<node>.<n>. */
  pods: '127.23.0.0/16',
  /** CloudFront origin-facing addresses. */
  cloudfront: '127.30.0.0/16',
  /** API Gateway's own (AWS-side) addresses. */
  apigw: '127.40.0.0/16',
  /** Stand-in for the Lattice managed prefix list 169.254.171.0/24. */
  lattice: '127.254.171.0/24',
} as const;

export const LOCAL_NETWORKS: NetworkMap = {
  vpc: ['127.16.0.0/13'],
  cloudfront: [LOCAL_PLAN.cloudfront],
  lattice: [LOCAL_PLAN.lattice],
};

export function isNetworkToken(s: string): s is NetworkToken {
  return (NETWORK_TOKENS as readonly string[]).includes(s);
}

export function isTrustEntry(s: string): boolean {
  return isIpv4Cidr(s) || isNetworkToken(s);
}

/** Trust entries as CIDRs: symbolic ones through the realization's network map; deduplicated, in order. */
export function expandTrust(entries: readonly string[], networks: NetworkMap = LOCAL_NETWORKS): string[] {
  const out: string[] = [];
  for (const e of entries) for (const c of isNetworkToken(e) ? networks[e] : [e]) if (!out.includes(c)) out.push(c);
  return out;
}

export function trusted(ip: string, entries: readonly string[], networks: NetworkMap = LOCAL_NETWORKS): boolean {
  return expandTrust(entries, networks).some((c) => inCidr(ip, c));
}

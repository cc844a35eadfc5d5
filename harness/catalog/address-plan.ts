// Symbolic networks a scenario can trust ("vpc", "cloudfront", "lattice") and how each realization maps
// them. Locally every AWS address range has a stand-in inside 127.0.0.0/8, so trust rules written once
// work on loopback and on a real account alike.
import { inCidr, ipToInt, isIpv4Cidr } from '../lib/cidr.ts';

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
  /** Listeners of resources evaluated inside another one (WAF): they forward from that resource's address. */
  attached: '127.31.0.0/16',
} as const;

/** A block of the plan a hop's listeners can sit in (realization.ts ListenerLayout). */
export type AddressBlock = Exclude<keyof typeof LOCAL_PLAN, 'clients' | 'nodes' | 'pods'>;

/** Who an address of the plan belongs to: a short class (ip-matrix tables) and words (findings). */
export const ADDRESS_OWNERS: Array<{ block: keyof typeof LOCAL_PLAN; cls: string; words: string }> = [
  { block: 'lbNodes', cls: 'lb', words: 'a load balancer address' },
  { block: 'vpcLinkEnis', cls: 'eni', words: 'a VPC-link / endpoint address' },
  { block: 'nodes', cls: 'node', words: 'a node address' },
  { block: 'pods', cls: 'pod', words: 'a pod address' },
  { block: 'cloudfront', cls: 'cloudfront', words: 'a CloudFront address' },
  { block: 'apigw', cls: 'apigw', words: 'an API Gateway address' },
  { block: 'lattice', cls: 'lattice', words: 'a Lattice address' },
];

export function addressOwner(ip: string): { cls: string; words: string } | undefined {
  return ADDRESS_OWNERS.find((o) => inCidr(ip, LOCAL_PLAN[o.block]));
}

/**
 * The k-th listener address of a block: 127.20.<az>.<k> for per-AZ layouts, <base>.<k> for one listener
 * per hop (the block's base plus k). Pods and nodes have their own layout (providers/local/topology.ts).
 */
export function listenerAddress(block: AddressBlock, k: number, az?: number): string {
  const base = ipToInt(LOCAL_PLAN[block].split('/')[0])!;
  const n = base + (az === undefined ? 0 : az * 256) + k;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

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

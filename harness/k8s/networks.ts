// How a scenario's symbolic trust entries (vpc, cloudfront, lattice) become CIDRs on a cluster. Locally the
// catalog maps them into 127.0.0.0/8; on a cluster the gateway sees cluster-side addresses instead.
import type { NetworkMap, NetworkToken } from '../catalog/address-plan.ts';
import type { RenderTarget } from './types.ts';

/**
 * kind: every hop outside the cluster reaches a node through Docker's port mapping, so the gateway sees the
 * node / Docker bridge (172.16.0.0/12, Docker's default pools) or a pod (kind's podSubnet 10.244.0.0/16).
 * All three tokens map there: on kind "the VPC" is the Docker network.
 */
export const KIND_NETWORKS: NetworkMap = {
  vpc: ['10.244.0.0/16', '172.16.0.0/12'],
  cloudfront: ['10.244.0.0/16', '172.16.0.0/12'],
  lattice: ['10.244.0.0/16', '172.16.0.0/12'],
};

/** The VPC Lattice managed prefix list range (VPC Lattice user guide); VPC and CloudFront come from the user. */
export const LATTICE_PREFIX = '169.254.171.0/24';

export function eksNetworks(env: { vpcCidr?: string; cloudfrontCidrs?: string[] }): { networks: NetworkMap; missing: Partial<Record<NetworkToken, string>> } {
  const missing: Partial<Record<NetworkToken, string>> = {};
  if (!env.vpcCidr) missing.vpc = 'trusting "vpc" needs the cluster VPC CIDR: set EXPOSURE_LAB_VPC_CIDR';
  if (!env.cloudfrontCidrs?.length)
    missing.cloudfront = 'trusting "cloudfront" needs the CloudFront origin-facing ranges as CIDRs (com.amazonaws.global.cloudfront.origin-facing prefix list): set EXPOSURE_LAB_CLOUDFRONT_CIDRS';
  return { networks: { vpc: env.vpcCidr ? [env.vpcCidr] : [], cloudfront: env.cloudfrontCidrs ?? [], lattice: [LATTICE_PREFIX] }, missing };
}

/**
 * An existing cluster (k3d, minikube, Docker Desktop, a dev cluster): the emulated hops on the host reach the
 * gateway through a NodePort, so it sees a node, a Docker / VM bridge or a pod address: all private ranges.
 * "vpc" (and the other trust tokens) therefore means RFC 1918 there, as on kind it means the Docker network.
 */
export const PRIVATE_NETWORKS: NetworkMap = {
  vpc: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  cloudfront: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  lattice: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
};

export function defaultNetworks(target: RenderTarget): NetworkMap {
  return target === 'kind' ? KIND_NETWORKS : target === 'cluster' ? PRIVATE_NETWORKS : eksNetworks({}).networks;
}

export { expandTrust } from '../catalog/address-plan.ts';

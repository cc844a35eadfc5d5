// Trust entries of a gateway hop (CIDRs or the symbolic vpc / cloudfront / lattice) as plain CIDRs for a
// generated config. Symbolic entries resolve through the realization's network map, never a hard-coded list.
import { expandTrust, type NetworkMap } from '../catalog/address-plan.ts';
import { isIpv4, isIpv4Cidr } from '../lib/cidr.ts';

/** Plain CIDRs with an explicit prefix length, checked (they go into config files verbatim). */
export function resolveTrust(entries: readonly string[], networks: NetworkMap): string[] {
  const out: string[] = [];
  for (const c of expandTrust(entries, networks)) {
    if (!isIpv4Cidr(c)) throw new Error(`trust entry ${JSON.stringify(entries)} resolves to ${JSON.stringify(c)}, which is not an IPv4 CIDR`);
    const norm = c.includes('/') ? c : `${c}/32`;
    if (!out.includes(norm)) out.push(norm);
  }
  return out;
}

/** Header names go into config files verbatim: allow only RFC 7230 token characters. */
export function assertHeaderName(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) throw new Error(`header name ${JSON.stringify(name)} is not a valid HTTP header token`);
  return name;
}

/** Listen and upstream addresses go into config files verbatim: only dotted IPv4 and a port. */
export function assertEndpoint(ep: { host: string; port: number }): string {
  if (!isIpv4(ep.host) || !Number.isInteger(ep.port) || ep.port < 1 || ep.port > 65535) {
    throw new Error(`endpoint ${JSON.stringify(ep)} is not an IPv4 address with a port in 1..65535`);
  }
  return `${ep.host}:${ep.port}`;
}

/** A bare IPv4 address (a bind source) goes into config files verbatim. */
export function assertAddress(host: string): string {
  if (!isIpv4(host)) throw new Error(`address ${JSON.stringify(host)} is not an IPv4 address`);
  return host;
}

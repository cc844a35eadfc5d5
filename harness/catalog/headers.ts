// Small pure helpers over Envelope headers and X-Forwarded-For lists, shared by the component semantics.
import type { Envelope } from './types.ts';

export function getHeader(env: Envelope, name: string): string | undefined {
  const n = name.toLowerCase();
  const hits = env.headers.filter(([k]) => k === n).map(([, v]) => v);
  return hits.length ? hits.join(', ') : undefined;
}

export function setHeader(headers: Array<[string, string]>, name: string, value: string): Array<[string, string]> {
  const n = name.toLowerCase();
  return [...headers.filter(([k]) => k !== n), [n, value]];
}

export function removeHeader(headers: Array<[string, string]>, name: string | RegExp): Array<[string, string]> {
  return headers.filter(([k]) => (typeof name === 'string' ? k !== name.toLowerCase() : !name.test(k)));
}

/** X-Forwarded-For entries, left to right, trimmed; ports (a.b.c.d:p) stripped. */
export function xffList(env: Envelope, header = 'x-forwarded-for'): string[] {
  const raw = getHeader(env, header);
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(stripPort);
}

export function stripPort(addr: string): string {
  const m = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(addr);
  return m ? m[1] : addr;
}

/** Append one address to X-Forwarded-For, as ALB/CLB/CloudFront/Envoy do. */
export function appendXff(headers: Array<[string, string]>, addr: string): Array<[string, string]> {
  const existing = headers.filter(([k]) => k === 'x-forwarded-for').map(([, v]) => v);
  const value = [...existing, addr].join(', ');
  return setHeader(headers, 'x-forwarded-for', value);
}

/** Header the lab's gateways set to the client address they determined; the echo app reads it. */
export const GATEWAY_CLIENT_HEADER = 'x-lab-gateway-client-ip';
/**
 * The gateway address a request arrived on (which replica). A real gateway that runs one process for every
 * replica (Envoy Gateway standalone) connects to the service from one address, so the service pods tell the
 * sending replica, hence its AZ, from this header instead of the socket peer.
 */
export const GATEWAY_REPLICA_HEADER = 'x-lab-gateway-replica';

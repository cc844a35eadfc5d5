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

/** IPv4 CIDR membership; the lab only uses IPv4 (loopback 127/8 stands in for every address plan). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsStr] = cidr.split('/');
  const bits = bitsStr === undefined ? 32 : Number(bitsStr);
  const a = ipToInt(ip);
  const b = ipToInt(base);
  if (a === null || b === null) return false;
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

export function ipToInt(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function isIpv4Cidr(s: string): boolean {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/.exec(s);
  return !!m && ipToInt(m[1]) !== null && (m[2] === undefined || Number(m[2]) <= 32);
}

/** Header the lab's gateways set to the client address they determined; the echo app reads it. */
export const GATEWAY_CLIENT_HEADER = 'x-lab-gateway-client-ip';

// IPv4 address and CIDR arithmetic, in one place. The lab only uses IPv4: loopback 127.0.0.0/8 stands in for
// every address plan locally, and AWS / cluster ranges are IPv4 CIDRs.

/** The address as an unsigned 32-bit number, or null when it is not a dotted IPv4 address. */
export function ipToInt(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function isIpv4(s: string): boolean {
  return ipToInt(s) !== null;
}

/** "a.b.c.d" or "a.b.c.d/n" with n <= 32. */
export function isIpv4Cidr(s: string): boolean {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/.exec(s);
  return !!m && ipToInt(m[1]) !== null && (m[2] === undefined || Number(m[2]) <= 32);
}

/** CIDR membership; a bare address is a /32. */
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

/** 127.0.0.0/8: the only place this lab sends traffic. */
export function isLoopback(ip: string): boolean {
  return inCidr(ip, '127.0.0.0/8');
}

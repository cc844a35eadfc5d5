// PROXY protocol v1 (text) and v2 (binary) headers, IPv4/TCP only: the lab's loopback plan is IPv4.
// Pure encode/parse so the L4 hops, the gateway emulation, the echo and the spoof probes share one codec.

export interface ProxyInfo {
  version: 1 | 2;
  source: string;
  sourcePort: number;
  destination: string;
  destinationPort: number;
}

export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from('PROXY ');

export function encodeProxyV1(p: Omit<ProxyInfo, 'version'>): Buffer {
  return Buffer.from(`PROXY TCP4 ${p.source} ${p.destination} ${p.sourcePort} ${p.destinationPort}\r\n`, 'latin1');
}

export function encodeProxyV2(p: Omit<ProxyInfo, 'version'>): Buffer {
  const b = Buffer.alloc(16 + 12);
  V2_SIGNATURE.copy(b, 0);
  b[12] = 0x21; // version 2, command PROXY
  b[13] = 0x11; // AF_INET, STREAM
  b.writeUInt16BE(12, 14);
  ipv4Bytes(p.source).copy(b, 16);
  ipv4Bytes(p.destination).copy(b, 20);
  b.writeUInt16BE(p.sourcePort & 0xffff, 24);
  b.writeUInt16BE(p.destinationPort & 0xffff, 26);
  return b;
}

export function encodeProxy(version: 1 | 2, p: Omit<ProxyInfo, 'version'>): Buffer {
  return version === 1 ? encodeProxyV1(p) : encodeProxyV2(p);
}

export type ProxyParse =
  | { kind: 'ok'; headers: ProxyInfo[]; consumed: number }
  | { kind: 'more' } // the buffer ends inside what may be a PROXY header
  | { kind: 'invalid'; reason: string };

/** Every PROXY header at the start of buf, outermost first (a client-forged one may follow the LB's). */
export function parseProxyHeaders(buf: Buffer, max = 4): ProxyParse {
  const headers: ProxyInfo[] = [];
  let off = 0;
  while (headers.length < max) {
    const rest = buf.subarray(off);
    const one = parseOne(rest);
    if (one.kind === 'none') break;
    if (one.kind !== 'ok') return one;
    headers.push(one.header);
    off += one.consumed;
  }
  return { kind: 'ok', headers, consumed: off };
}

/** Whether buf could still turn out to start with a PROXY header (too short to tell). */
function prefixOf(buf: Buffer, sig: Buffer): boolean {
  const n = Math.min(buf.length, sig.length);
  return buf.subarray(0, n).equals(sig.subarray(0, n));
}

type One = { kind: 'ok'; header: ProxyInfo; consumed: number } | { kind: 'none' } | { kind: 'more' } | { kind: 'invalid'; reason: string };

function parseOne(buf: Buffer): One {
  if (!buf.length) return { kind: 'none' };
  if (prefixOf(buf, V2_SIGNATURE)) {
    if (buf.length < 16) return { kind: 'more' };
    const len = buf.readUInt16BE(14);
    if (buf.length < 16 + len) return { kind: 'more' };
    if (buf[12] >> 4 !== 2) return { kind: 'invalid', reason: 'PROXY v2 with a bad version nibble' };
    const fam = buf[13];
    if ((buf[12] & 0x0f) === 0 || fam === 0x00) {
      // LOCAL command / UNSPEC: a health check; no address.
      return { kind: 'ok', header: { version: 2, source: '', sourcePort: 0, destination: '', destinationPort: 0 }, consumed: 16 + len };
    }
    if (fam !== 0x11 || len < 12) return { kind: 'invalid', reason: `PROXY v2 family 0x${fam.toString(16)} not supported (IPv4/TCP only)` };
    return {
      kind: 'ok',
      header: {
        version: 2,
        source: [...buf.subarray(16, 20)].join('.'),
        destination: [...buf.subarray(20, 24)].join('.'),
        sourcePort: buf.readUInt16BE(24),
        destinationPort: buf.readUInt16BE(26),
      },
      consumed: 16 + len,
    };
  }
  if (prefixOf(buf, V1_PREFIX)) {
    if (buf.length < V1_PREFIX.length) return { kind: 'more' };
    const end = buf.indexOf('\r\n');
    if (end < 0) return buf.length > 107 ? { kind: 'invalid', reason: 'PROXY v1 line longer than 107 bytes' } : { kind: 'more' };
    const line = buf.subarray(0, end).toString('latin1');
    const m = /^PROXY (TCP4|TCP6|UNKNOWN)(?: (\S+) (\S+) (\d+) (\d+))?$/.exec(line);
    if (!m) return { kind: 'invalid', reason: `malformed PROXY v1 line "${line}"` };
    return {
      kind: 'ok',
      header: { version: 1, source: m[2] ?? '', destination: m[3] ?? '', sourcePort: Number(m[4] ?? 0), destinationPort: Number(m[5] ?? 0) },
      consumed: end + 2,
    };
  }
  return { kind: 'none' };
}

function ipv4Bytes(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return Buffer.from(parts);
}

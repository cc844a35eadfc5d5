import { describe, it, expect } from 'vitest';
import { encodeProxyV1, encodeProxyV2, parseProxyHeaders, V2_SIGNATURE } from '../../harness/emulation/proxy-header.ts';

const p = { source: '127.1.0.7', sourcePort: 51234, destination: '127.20.1.1', destinationPort: 80 };

describe('PROXY protocol codec', () => {
  it('v1 is the text line of the spec', () => {
    expect(encodeProxyV1(p).toString()).toBe('PROXY TCP4 127.1.0.7 127.20.1.1 51234 80\r\n');
  });

  it('v2 has the signature, PROXY command, TCP over IPv4 and 12 address bytes', () => {
    const b = encodeProxyV2(p);
    expect(b.subarray(0, 12).equals(V2_SIGNATURE)).toBe(true);
    expect(b[12]).toBe(0x21);
    expect(b[13]).toBe(0x11);
    expect(b.readUInt16BE(14)).toBe(12);
    expect([...b.subarray(16, 20)]).toEqual([127, 1, 0, 7]);
    expect(b.readUInt16BE(24)).toBe(51234);
    expect(b.length).toBe(28);
  });

  it('parses an LB header followed by a client-forged one, outermost first, and leaves the HTTP bytes', () => {
    const http = Buffer.from('GET / HTTP/1.1\r\n\r\n');
    const buf = Buffer.concat([encodeProxyV2(p), encodeProxyV1({ ...p, source: '127.99.0.1' }), http]);
    const r = parseProxyHeaders(buf);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.headers.map((h) => [h.version, h.source])).toEqual([[2, '127.1.0.7'], [1, '127.99.0.1']]);
    expect(buf.subarray(r.consumed).equals(http)).toBe(true);
  });

  it('asks for more bytes on a partial header, and finds none in plain HTTP', () => {
    expect(parseProxyHeaders(encodeProxyV2(p).subarray(0, 10)).kind).toBe('more');
    expect(parseProxyHeaders(Buffer.from('PROX')).kind).toBe('more');
    const r = parseProxyHeaders(Buffer.from('GET / HTTP/1.1\r\n'));
    expect(r).toEqual({ kind: 'ok', headers: [], consumed: 0 });
  });

  it('rejects a malformed v1 line', () => {
    expect(parseProxyHeaders(Buffer.from('PROXY BOGUS\r\n')).kind).toBe('invalid');
  });
});

import { describe, expect, it } from 'vitest';
import { ProtocolError, ResponseParser } from '../../harness/load/builtin/response-parser.ts';

/** Feeds the bytes split at every possible point: framing must not depend on how TCP cut the stream. */
function parseSplitEverywhere(raw: string, wanted: string[] = []) {
  const bytes = Buffer.from(raw, 'latin1');
  const results = [];
  for (let cut = 1; cut < bytes.length; cut++) {
    const p = new ResponseParser(wanted);
    const first = p.feed(bytes.subarray(0, cut));
    const second = first ? null : p.feed(bytes.subarray(cut));
    results.push(first ?? second);
  }
  return results;
}

describe('HTTP/1.1 response parser', () => {
  it('frames a Content-Length body and reads wanted headers case-insensitively', () => {
    const raw = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Client-IP: 127.0.0.9\r\n\r\nhello';
    for (const r of parseSplitEverywhere(raw, ['x-client-ip'])) {
      expect(r).toEqual({ status: 200, close: false, headers: { 'x-client-ip': '127.0.0.9' }, bodyBytes: 5 });
    }
  });

  it('frames a chunked body with extensions and trailers', () => {
    const raw = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nabcd\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n';
    for (const r of parseSplitEverywhere(raw)) expect(r?.bodyBytes).toBe(14);
  });

  it('honours Connection: close and HTTP/1.0', () => {
    expect(new ResponseParser([]).feed(Buffer.from('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'))).toMatchObject({ status: 404, close: true });
    expect(new ResponseParser([]).feed(Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n'))).toMatchObject({ close: true });
  });

  it('reads a body without length until the connection ends', () => {
    const p = new ResponseParser([]);
    expect(p.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\nsome'))).toBeNull();
    expect(p.feed(Buffer.from('more'))).toBeNull();
    expect(p.end()).toEqual({ status: 200, close: true, headers: {}, bodyBytes: 8 });
  });

  it('skips 1xx responses and has no body for 204', () => {
    const p = new ResponseParser([]);
    expect(p.feed(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'))).toMatchObject({ status: 204, bodyBytes: 0 });
  });

  it('reports a truncated response as not completed and garbage as a protocol error', () => {
    const p = new ResponseParser([]);
    expect(p.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'))).toBeNull();
    expect(p.end()).toBeNull();
    expect(() => new ResponseParser([]).feed(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(ProtocolError);
  });
});

// A probe goes where the load goes: the entry's own path (an API Gateway stage's invoke path on LocalStack is
// /restapis/<id>/<stage>/_user_request_/, and a probe to /echo there is a 404 that reads as "not spoofable").
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../harness/measure/probe.ts';

let server: http.Server;
let port = 0;
const seen: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    if (!req.url?.startsWith('/restapis/abc/lab/_user_request_/')) {
      res.statusCode = 404;
      return res.end();
    }
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('probe path', () => {
  it("uses the entry's path when none is given", async () => {
    const r = await probe({ target: { host: '127.0.0.1', port, path: '/restapis/abc/lab/_user_request_/' }, headers: [['x-forwarded-for', '127.99.0.1']] });
    expect(r.status).toBe(200);
    expect(seen.at(-1)).toBe('/restapis/abc/lab/_user_request_/');
  });
  it('an explicit path still wins, and no source address means the OS picks one', async () => {
    const r = await probe({ target: { host: '127.0.0.1', port, path: '/restapis/abc/lab/_user_request_/' }, path: '/other', source: '' });
    expect(r.status).toBe(404);
    expect(seen.at(-1)).toBe('/other');
  });
});

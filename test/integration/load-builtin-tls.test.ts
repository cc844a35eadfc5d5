// The built-in driver over TLS (self-signed certificate, verification off as the plan requires).
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltinLoad } from '../../harness/load/builtin/run.ts';
import { basePlan, randomLoopbackNet } from './load-helpers.ts';

const ip = randomLoopbackNet();
let server: https.Server;
let port = 0;
let handshakes = 0;

beforeAll(async () => {
  const pem = selfsigned.generate([{ name: 'commonName', value: 'lab.test' }], { days: 1, keySize: 2048 });
  server = https.createServer({ key: pem.private, cert: pem.cert }, (req, res) => {
    res.setHeader('x-sni', (req.socket as import('node:tls').TLSSocket).servername || '');
    res.end('secure');
  });
  server.on('secureConnection', () => handshakes++);
  await new Promise<void>((r) => server.listen(0, ip(1), r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

describe('builtin driver over TLS', () => {
  it('completes requests on reused TLS connections and sends SNI', async () => {
    const out = await runBuiltinLoad(
      basePlan(ip(1), port, [ip(41)], { target: { host: ip(1), port, path: '/', tls: { servername: 'lab.test', rejectUnauthorized: false } }, observe: { tallyHeaders: ['x-sni'] } }),
    );
    expect(out.errors).toBe(0);
    expect(out.requests).toBe(50);
    expect(out.tallies['x-sni']).toEqual({ 'lab.test': 50 });
    expect(handshakes).toBe(out.newConnections);
    expect(handshakes).toBeLessThan(out.requests / 2);
  });

  it('pays one handshake per request in new-connection mode', async () => {
    const before = handshakes;
    const out = await runBuiltinLoad(basePlan(ip(1), port, [ip(41)], { target: { host: ip(1), port, path: '/', tls: { rejectUnauthorized: false } }, connectionMode: 'new-connection' }));
    expect(out.errors).toBe(0);
    expect(handshakes - before).toBe(50);
  });
});

// The built-in driver's HTTP/1.1 client against a real Node server on loopback: framing, reuse, close,
// timeouts, resets, refused connections and status classification.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltinLoad } from '../../harness/load/builtin/run.ts';
import { basePlan, randomLoopbackNet, startServer, type TestServer } from './load-helpers.ts';

const ip = randomLoopbackNet();
const sources = [ip(11), ip(12), ip(13)];
let server: TestServer;
const seenBodies: number[] = [];

beforeAll(async () => {
  server = await startServer(ip(1), (req, res) => {
    const url = req.url ?? '/';
    let body = 0;
    req.on('data', (c: Buffer) => (body += c.length));
    req.on('end', () => {
      if (url.startsWith('/post')) seenBodies.push(body);
      if (url === '/chunked') {
        res.write('a'.repeat(1000));
        res.write('b'.repeat(7));
        res.end('c'.repeat(3000));
      } else if (url === '/close') {
        res.setHeader('Connection', 'close');
        res.end('bye');
      } else if (url === '/slow') {
        setTimeout(() => res.end('late'), 1500);
      } else if (url === '/destroy') {
        req.socket.destroy();
      } else if (url.startsWith('/status/')) {
        res.statusCode = Number(url.slice(8));
        res.end('status');
      } else if (url === '/ip') {
        res.setHeader('x-seen-ip', req.socket.remoteAddress ?? '');
        res.setHeader('x-version', req.socket.remoteAddress === sources[0] ? 'v1' : 'v2');
        res.end('ip');
      } else {
        res.setHeader('Content-Length', '5');
        res.end('hello');
      }
    });
  });
});
afterAll(() => server.close());

const plan = (path: string, over = {}) => basePlan(server.host, server.port, sources, { target: { host: server.host, port: server.port, path }, ...over });

describe('builtin HTTP/1.1 client', () => {
  it('reads Content-Length bodies and reuses keep-alive connections per source', async () => {
    const before = server.connections;
    const out = await runBuiltinLoad(plan('/fixed'));
    expect(out.errors).toBe(0);
    expect(out.requests).toBe(50);
    expect(out.bytesReceived).toBeGreaterThan(50 * 5);
    // Reuse: far fewer connections than requests (how many depends on how slow a loaded machine makes the server).
    expect(out.newConnections).toBe(server.connections - before);
    expect(out.newConnections).toBeLessThan(out.requests / 2);
  });

  it('reads chunked bodies and counts every byte received', async () => {
    const out = await runBuiltinLoad(plan('/chunked'));
    expect(out.errors).toBe(0);
    expect(out.requests).toBe(50);
    expect(out.bytesReceived).toBeGreaterThan(50 * 4007);
  });

  it('honours Connection: close from the server with a new connection next time', async () => {
    const before = server.connections;
    const out = await runBuiltinLoad(plan('/close'));
    expect(out.errors).toBe(0);
    expect(out.requests).toBe(50);
    expect(server.connections - before).toBe(50);
  });

  it('sends the configured request body and extra headers', async () => {
    seenBodies.length = 0;
    const out = await runBuiltinLoad(plan('/post', { method: 'POST', requestBodyBytes: 1234, headers: { 'X-Forwarded-For': '6.6.6.6' } }));
    expect(out.errors).toBe(0);
    expect(seenBodies.length).toBe(50);
    expect(new Set(seenBodies)).toEqual(new Set([1234]));
  });

  it('classifies a slow server as timeouts', async () => {
    const out = await runBuiltinLoad(plan('/slow', { timeoutMs: 300, executor: { kind: 'constant-arrival-rate', rate: 10, durationS: 1 } }));
    expect(out.errorsByKind.timeout).toBe(10);
    expect(out.validity.valid).toBe(false);
  });

  it('classifies a server closing the connection mid-request as resets', async () => {
    const out = await runBuiltinLoad(plan('/destroy', { executor: { kind: 'constant-arrival-rate', rate: 20, durationS: 1 } }));
    expect(out.errorsByKind.reset).toBe(20);
  });

  it('classifies a refused connection as a connect error', async () => {
    const gone = await startServer(ip(2), () => {});
    await gone.close();
    const out = await runBuiltinLoad(basePlan(gone.host, gone.port, sources, { executor: { kind: 'constant-arrival-rate', rate: 20, durationS: 1 } }));
    expect(out.errorsByKind.connect).toBe(20);
    expect(out.achievedRps).toBe(0);
    expect(out.validity.valid).toBe(false);
  });

  it.each([404, 429, 500])('counts status %i by class and by code', async (status) => {
    const out = await runBuiltinLoad(plan(`/status/${status}`, { executor: { kind: 'constant-arrival-rate', rate: 20, durationS: 1 } }));
    expect(out.errorsByKind.byStatus).toEqual({ [String(status)]: 20 });
    expect(status < 500 ? out.errorsByKind.status4xx : out.errorsByKind.status5xx).toBe(20);
    expect(out.errors).toBe(20);
    expect(out.requests).toBe(20);
    expect(out.validity.reasons.join(' ')).toMatch(/failed/);
  });

  it('binds each request to its source address and observes the client IP and tally headers', async () => {
    const before = new Map(server.remoteAddresses);
    const out = await runBuiltinLoad(plan('/ip', { observe: { clientIpHeader: 'X-Seen-IP', tallyHeaders: ['x-version'] } }));
    expect(out.clientIp.checked).toBe(50);
    expect(out.clientIp.retained).toBe(50);
    const fresh = [...server.remoteAddresses].filter(([a, n]) => n > (before.get(a) ?? 0)).map(([a]) => a);
    expect(new Set(fresh)).toEqual(new Set(sources));
    // requestsPerSource 5 over 3 sources: sources[0] gets requests 0-4, 15-19, 30-34, 45-49.
    expect(out.tallies['x-version']).toEqual({ v1: 20, v2: 30 });
  });

  it('opens one connection per request in new-connection mode', async () => {
    const before = server.connections;
    const out = await runBuiltinLoad(plan('/fixed', { connectionMode: 'new-connection' }));
    expect(out.errors).toBe(0);
    expect(out.newConnections).toBe(50);
    expect(server.connections - before).toBe(50);
    expect(out.maxConcurrentConnections).toBeGreaterThanOrEqual(1);
  });
});

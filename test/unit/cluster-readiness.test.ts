// Readiness of a front before the load driver gets it: its name must resolve, then a run of requests must come
// back from the application (the echo's header), not merely from something on that port. Real HTTP servers on
// loopback; name resolution injected where it must fail first (a load balancer's DNS name is not there yet).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFrontReady } from '../../harness/cluster/readiness.ts';
import { ECHO_HEADERS } from '../../harness/catalog/components/service.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(() => r(null)))));
});
function serve(handler: http.RequestListener): Promise<number> {
  const s = http.createServer(handler);
  servers.push(s);
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
}

describe('front readiness (DNS, then answers from the application)', () => {
  it('waits for the name to resolve and for targets to answer, then hands over', async () => {
    let calls = 0;
    // The first requests find unhealthy targets (503), as while a load balancer's health checks still fail.
    const port = await serve((_req, res) => {
      calls++;
      if (calls <= 2) {
        res.statusCode = 503;
        return res.end();
      }
      res.setHeader(ECHO_HEADERS.version, 'v1');
      res.end('ok');
    });
    let lookups = 0;
    const resolve = async (host: string) => {
      lookups++;
      if (lookups < 3) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return ['127.0.0.1'];
    };
    const lines: string[] = [];
    const r = await waitFrontReady({ host: '127.0.0.1', port, path: '/', tls: false }, { timeoutMs: 20_000, intervalMs: 20, resolve, log: (l) => lines.push(l) });
    // An IP needs no lookup.
    expect(lookups).toBe(0);
    expect(r.attempts).toBe(5); // 2 x 503, then 3 good in a row
    const seenHosts: string[] = [];
    const port2 = await serve((req, res) => {
      seenHosts.push(req.headers.host ?? '');
      res.setHeader(ECHO_HEADERS.version, 'v1');
      res.end('ok');
    });
    const named = await waitFrontReady({ host: 'k8s-lab-nlb.elb.example', port: port2, path: '/', tls: false }, { timeoutMs: 20_000, intervalMs: 20, resolve, log: (l) => lines.push(l) });
    // The name resolved on the third try; the requests went to its address, named as the client names it.
    expect(lookups).toBe(3);
    expect(named.addresses).toEqual(['127.0.0.1']);
    expect(seenHosts).toEqual(['k8s-lab-nlb.elb.example', 'k8s-lab-nlb.elb.example', 'k8s-lab-nlb.elb.example']);
    expect(lines.some((l) => /does not resolve yet \(ENOTFOUND\)/.test(l))).toBe(true);
    expect(lines.some((l) => /resolves to 127\.0\.0\.1/.test(l))).toBe(true);
  });

  it('a 200 from something that is not the application does not count', async () => {
    const port = await serve((_req, res) => res.end('default backend'));
    const err = await waitFrontReady({ host: '127.0.0.1', port, path: '/', tls: false }, { timeoutMs: 600, intervalMs: 50 }).catch((e) => e);
    expect((err as Error).message).toMatch(/did not answer from the application 3 times in a row .*without x-lab-version/);
  });

  it('a name that never resolves fails with what was last seen', async () => {
    const err = await waitFrontReady({ host: 'nowhere.invalid', port: 80, path: '/', tls: false }, { timeoutMs: 300, intervalMs: 50, resolve: async () => Promise.reject(Object.assign(new Error('x'), { code: 'ENOTFOUND' })) }).catch((e) => e);
    expect((err as Error).message).toMatch(/nowhere\.invalid did not resolve within 0 s: .*ENOTFOUND/);
  });

  it('stops when interrupted', async () => {
    const port = await serve((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const err = await waitFrontReady({ host: '127.0.0.1', port, path: '/', tls: false }, { timeoutMs: 20_000, intervalMs: 50, signal: ac.signal }).catch((e) => e);
    expect((err as Error).message).toMatch(/interrupted/);
  });
});

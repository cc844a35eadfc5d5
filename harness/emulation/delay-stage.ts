// One precise delay stage in front of the entry, for load drivers that cannot hold a request for its path's
// modeled delay themselves (k6). It forwards bytes like an L4 hop and connects from the client's own address,
// so every hop behind it sees the true source; each request (HTTP/1.1: one in flight per connection, so the
// client's bytes after an answer start the next one) is held for the whole path's sampled delay
// (load/path-delay.ts), the same plan the built-in driver applies. Over TLS each handshake flight counts as a
// round trip of its own, as it does on the real path. One process and one timer queue for the whole path.
import net from 'node:net';
import { pathDelaySampler, type ConnectionDelayState } from '../load/path-delay.ts';
import { listen, normalize, type Running } from './l4-hop.ts';
import { relayPair, type HopRuntime } from './runtime.ts';

export async function startDelayStage(rt: HopRuntime): Promise<Running> {
  const spec = rt.spec;
  if (!spec.pathDelay) throw new Error('a delay stage needs the path-delay plan');
  const sampler = pathDelaySampler(spec.pathDelay, 1000);
  const up = spec.upstreams[0];
  if (!up) throw new Error('a delay stage needs the entry as its upstream');
  const sockets = new Set<net.Socket>();
  const l = spec.listeners[0];
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    rt.count('connections');
    const upstream = net.connect({ host: up.host, port: up.port, localAddress: normalize(client.remoteAddress) });
    relayPair(rt, sockets, client, upstream);
    const state: ConnectionDelayState = { requests: 0 };
    let lastDue = 0;
    // A request starts with the first client bytes after the server answered (or the connection opened);
    // the rest of it rides with its first chunk (the same due time, order kept).
    let answered = true;
    upstream.on('data', () => (answered = true));
    client.on('data', (chunk: Buffer) => {
      const t = performance.now();
      if (answered) {
        answered = false;
        lastDue = Math.max(lastDue, t + sampler.sample(state));
      }
      const due = lastDue;
      rt.scheduler.after(due - performance.now(), () => {
        if (!upstream.destroyed) upstream.write(chunk);
      });
    });
    upstream.pipe(client);
  });
  await listen(server, l);
  return {
    listeners: [{ host: l.host, port: (server.address() as net.AddressInfo).port, az: l.az }],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

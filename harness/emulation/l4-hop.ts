// L4 hops (NLB, Classic LB tcp/ssl, VPC link, kube-proxy, Lattice TLS passthrough): forward bytes. The
// catalog's apply() decides the source address toward the next hop, and the forwarder really connects from
// it (localAddress), so "client IP preserved" or "SNAT" is a socket fact at the next hop. PROXY headers the
// catalog adds are written, with the real client address and port, ahead of the client's own bytes.
import net from 'node:net';
import tls from 'node:tls';
import { entry } from '../catalog/index.ts';
import type { Envelope } from '../catalog/types.ts';
import { encodeProxy } from './proxy-header.ts';
import { relayPair, type HopRuntime } from './runtime.ts';
import type { BoundListener, ListenerSpec } from './spec.ts';

export interface Running {
  listeners: BoundListener[];
  close(): Promise<void>;
}

export async function startL4(rt: HopRuntime): Promise<Running> {
  const spec = rt.spec;
  const cat = entry(spec.component);
  const sockets = new Set<net.Socket>();
  const servers: net.Server[] = [];
  const bound: BoundListener[] = [];

  for (const l of spec.listeners) {
    const onConn = (client: net.Socket, port: () => number) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => client.destroy());
      handle(rt, cat, l, client, port(), sockets);
    };
    const server = spec.tls
      ? tls.createServer({ key: spec.tls.key, cert: spec.tls.cert }, (s) => onConn(s, () => (server.address() as net.AddressInfo).port))
      : net.createServer((s) => onConn(s, () => (server.address() as net.AddressInfo).port));
    await listen(server, l);
    servers.push(server);
    bound.push({ host: l.host, port: (server.address() as net.AddressInfo).port, az: l.az, node: l.node, version: l.version });
  }
  return {
    listeners: bound,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

function handle(rt: HopRuntime, cat: ReturnType<typeof entry>, l: ListenerSpec, client: net.Socket, listenPort: number, sockets: Set<net.Socket>): void {
  const t0 = performance.now();
  const spec = rt.spec;
  rt.count('connections');
  const peer = normalize(client.remoteAddress);
  const env: Envelope = { peer, proxy: [], headers: [], privateLink: spec.inboundPrivateLink || undefined };
  const out = cat.apply(env, spec.settings, { self: l.host, nodeAddress: l.node ?? l.host, listenPort, networks: spec.networks, random: rt.random });
  if (!out.ok) {
    rt.count(`refused ${out.status}`);
    client.destroy();
    return;
  }
  // Weighted routing (Lattice) names the version in its outcome; everything else takes the next upstream.
  const up = rt.pickUpstream(l, out.route);
  if (!up) {
    // No healthy target (e.g. ETP=Local on a node without a local pod): the flow is dropped.
    rt.count('no upstream');
    client.destroy();
    return;
  }
  const crossAz = up.az !== l.az;
  if (crossAz) rt.count('cross-az connections');
  const upstream = net.connect({ host: up.host, port: up.port, localAddress: out.env.peer });
  relayPair(rt, sockets, client, upstream);
  // Only the headers this hop adds: anything the client sent itself is already inside the byte stream.
  const added = out.env.proxy.slice(0, out.env.proxy.length - env.proxy.length);
  for (const p of added) {
    upstream.write(encodeProxy(p.version, { source: p.source, sourcePort: client.remotePort ?? 0, destination: l.host, destinationPort: listenPort }));
    rt.count(`proxy v${p.version} written`);
  }
  rt.recordOverhead(performance.now() - t0);

  // Request direction: each chunk gets its modeled delay, order kept (a chunk never overtakes the previous).
  let first = true;
  let lastDue = 0;
  client.on('data', (chunk: Buffer) => {
    const t = performance.now();
    if (!spec.latency && !spec.crossAzLatency) {
      upstream.write(chunk);
      rt.recordOverhead(performance.now() - t);
      return;
    }
    const d = rt.delayMs({ newConnection: first, crossAz });
    first = false;
    const due = Math.max(lastDue, t + d);
    lastDue = due;
    const pre = performance.now() - t;
    rt.scheduler.after(due - performance.now(), () => {
      const t1 = performance.now();
      if (!upstream.destroyed) upstream.write(chunk);
      rt.recordOverhead(pre + (performance.now() - t1));
    });
  });
  // Response direction passes straight back: the model is one added latency per request.
  upstream.pipe(client);
}

export function listen(server: net.Server, l: ListenerSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    const onErr = (e: Error) => reject(new Error(`cannot listen on ${l.host}:${l.port}: ${e.message}`));
    server.once('error', onErr);
    server.listen({ host: l.host, port: l.port, backlog: 1024 }, () => {
      server.off('error', onErr);
      resolve();
    });
  });
}

export function normalize(addr: string | undefined): string {
  if (!addr) return '0.0.0.0';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

// The service pods: an HTTP/1.1 echo that reports what the application would see. It does not parse
// PROXY headers (a plain app server answers them with 400), except in inspect mode, which the ip-matrix
// uses to look at exactly what arrives where the gateway pod would sit.
import net from 'node:net';
import http from 'node:http';
import type { Envelope } from '../catalog/types.ts';
import { ECHO_HEADERS, appClientIp } from '../catalog/components/service.ts';
import { GATEWAY_REPLICA_HEADER, getHeader } from '../catalog/headers.ts';
import { listen, normalize, type Running } from './l4-hop.ts';
import { sniffProxy } from './l7-hop.ts';
import type { ProxyInfo } from './proxy-header.ts';
import type { HopRuntime } from './runtime.ts';
import type { BoundListener } from './spec.ts';


/** What the echo reports in its JSON body (request header `x-lab-echo: json` or a path under /echo). */
export interface EchoReport {
  pod: string;
  version: string;
  peer: string;
  peerPort: number;
  proxy: ProxyInfo[];
  headers: Array<[string, string]>;
  appClientIp: string | null;
}

export async function startEcho(rt: HopRuntime): Promise<Running> {
  const spec = rt.spec;
  const app = spec.app!;
  const body = Buffer.alloc(app.responseBytes, 'x');
  const sockets = new Set<net.Socket>();
  const servers: net.Server[] = [];
  const bound: BoundListener[] = [];
  const proxyOf = new WeakMap<net.Socket, ProxyInfo[]>();
  // Senders whose cross-AZ round trip this pod adds (a gateway realized by a real data plane cannot).
  const senderAz = new Map((spec.crossAzFrom ?? []).map((x) => [x.host, x.az]));

  for (const l of spec.listeners) {
    const pod = l.pod ?? l.host;
    const version = l.version ?? 'v1';
    const hs = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
      const t0 = performance.now();
      rt.count('requests');
      const headers: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
      const env: Envelope = { peer: normalize(req.socket.remoteAddress), proxy: [], headers };
      const seen = appClientIp(env, app.clientIpFrom, app.clientIpHeader);
      const wantJson = req.headers['x-lab-echo'] === 'json' || (req.url ?? '').startsWith('/echo');
      const reply = () => {
        const h: Record<string, string> = { [ECHO_HEADERS.clientIp]: seen ?? '-', [ECHO_HEADERS.version]: version, [ECHO_HEADERS.pod]: pod };
        if (wantJson) {
          const report: EchoReport = { pod, version, peer: env.peer, peerPort: req.socket.remotePort ?? 0, proxy: proxyOf.get(req.socket) ?? [], headers, appClientIp: seen };
          const json = Buffer.from(JSON.stringify(report));
          res.writeHead(200, { ...h, 'content-type': 'application/json', 'content-length': String(json.length) });
          res.end(json);
        } else {
          res.writeHead(200, { ...h, 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
          res.end(body);
        }
        rt.recordOverhead(performance.now() - t0);
      };
      // Drain the request body first; the app answers after reading it.
      req.resume();
      // A gateway running every replica in one process (Envoy Gateway standalone) connects from one address;
      // it names the replica the request arrived on in a header instead.
      const az = senderAz.get(env.peer) ?? (senderAz.size ? senderAz.get(getHeader(env, GATEWAY_REPLICA_HEADER) ?? '') : undefined);
      const crossAz = az !== undefined && az !== l.az;
      if (crossAz) rt.count('cross-az requests');
      req.on('end', () => {
        // processingMs is 0 unless the run injects modeled latency (the provider decides).
        const delay = app.processingMs + (crossAz ? rt.delayMs({ newConnection: false, crossAz: true }) : 0);
        if (delay > 0) rt.scheduler.after(delay, reply);
        else reply();
      });
    });
    const onConn = (sock: net.Socket) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => sock.destroy());
      if (!app.inspect) {
        hs.emit('connection', sock);
        return;
      }
      sniffProxy(sock, (proxy) => {
        proxyOf.set(sock, proxy);
        hs.emit('connection', sock);
        sock.resume();
      });
    };
    const server = net.createServer(onConn);
    await listen(server, l);
    servers.push(server);
    bound.push({ host: l.host, port: (server.address() as net.AddressInfo).port, az: l.az, node: l.node, version });
  }
  return {
    listeners: bound,
    close: async () => {
      for (const so of sockets) so.destroy();
      await Promise.all(servers.map((sv) => new Promise<void>((r) => sv.close(() => r()))));
    },
  };
}

// L7 hops (ALB, Classic LB http/https, CloudFront, WAF, API Gateway REST/HTTP, Lattice http/https and the
// built-in gateway emulation): parse HTTP/1.1, rebuild the request with the catalog's apply(), forward it on
// keep-alive connections bound to the hop's own address. PROXY headers at the start of a connection are
// read first so the catalog decides what a listener does with them (parse, 400, or close).
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import { entry } from '../catalog/index.ts';
import type { Envelope, HopContext } from '../catalog/types.ts';
import { parseProxyHeaders, type ProxyInfo } from './proxy-header.ts';
import { listen, normalize, type Running } from './l4-hop.ts';
import { RateRule, TokenBucket, scaledThrottle, DEFAULT_THROTTLE_SCALE } from './throttle.ts';
import type { HopRuntime } from './runtime.ts';
import type { BoundListener, ListenerSpec } from './spec.ts';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'transfer-encoding']);
/** Lab-internal: the source the resource a WAF is attached to saw (AWS evaluates WAF inside that resource). */
export const ATTACHED_SOURCE_HEADER = 'x-lab-waf-source';
const DEFAULT_TIMEOUT_S = 60;
const DEFAULT_KEEPALIVE_S = 60;

interface ConnState {
  proxy: ProxyInfo[];
  requests: number;
}

export async function startL7(rt: HopRuntime): Promise<Running> {
  const spec = rt.spec;
  const cat = entry(spec.component);
  const s = spec.settings;
  const sockets = new Set<net.Socket>();
  const servers: net.Server[] = [];
  const bound: BoundListener[] = [];
  const agents = new Map<string, http.Agent>();
  const conn = new WeakMap<net.Socket, ConnState>();
  // What the real component enforces, from the catalog (realize.local): throttles, payload, timeouts, rate rules.
  const en = spec.enforce ?? {};
  const keepAliveS = en.upstreamKeepAliveS ?? DEFAULT_KEEPALIVE_S;
  const agentFor = (local: string) => {
    let a = agents.get(local);
    if (!a) {
      a = new http.Agent({ keepAlive: true, maxSockets: 512, timeout: keepAliveS * 1000, localAddress: local } as http.AgentOptions);
      agents.set(local, a);
    }
    return a;
  };
  const t = en.throttle ? scaledThrottle(en.throttle, spec.throttleScale ?? DEFAULT_THROTTLE_SCALE) : null;
  const bucket = t ? new TokenBucket(t.rateRps, t.burst, performance.now()) : null;
  const rate = en.perSourceLimitPer5Min ? new RateRule(en.perSourceLimitPer5Min) : null;
  const maxBody = en.maxBodyBytes ?? Infinity;
  const timeoutMs = (en.responseTimeoutS ?? DEFAULT_TIMEOUT_S) * 1000;

  for (const l of spec.listeners) {
    const hs = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => onRequest(l, req, res));
    hs.on('clientError', (_e, sock) => {
      rt.count('client errors');
      if (sock.writable) sock.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else sock.destroy();
    });
    let port = 0;
    const onConn = (sock: net.Socket) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => sock.destroy());
      sniffProxy(sock, (proxy) => {
        conn.set(sock, { proxy, requests: 0 });
        // Connection-level verdict: only the peer and PROXY headers matter here (no headers yet).
        const env: Envelope = { peer: normalize(sock.remoteAddress), proxy: proxy.map((p) => ({ version: p.version, source: p.source })), headers: [] };
        const pre = cat.apply(env, s, ctxFor(l, port, Math.random));
        if (!pre.ok) {
          rt.count(`refused ${pre.status || 'close'}`);
          if (pre.status === 0) sock.destroy();
          else sock.end(`HTTP/1.1 ${pre.status} ${http.STATUS_CODES[pre.status] ?? ''}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
          return;
        }
        hs.emit('connection', sock);
        sock.resume();
      });
    };
    const server = spec.tls ? tls.createServer({ key: spec.tls.key, cert: spec.tls.cert }, onConn) : net.createServer(onConn);
    await listen(server, l);
    port = (server.address() as net.AddressInfo).port;
    servers.push(server);
    bound.push({ host: l.host, port, az: l.az, node: l.node, version: l.version });
    const boundPort = port;
    void boundPort;
  }

  function ctxFor(l: ListenerSpec, port: number, random: () => number): HopContext {
    return { self: l.host, nodeAddress: l.node, listenPort: port, scheme: spec.tls ? 'https' : 'http', networks: spec.networks, random };
  }

  function fail(res: http.ServerResponse, status: number, reason: string) {
    rt.count(`status ${status || 'close'}`);
    if (status === 0) {
      res.socket?.destroy();
      return;
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'text/plain', 'x-lab-refused-by': spec.name, connection: 'close' });
    res.end(reason + '\n');
  }

  function onRequest(l: ListenerSpec, req: http.IncomingMessage, res: http.ServerResponse) {
    const t0 = performance.now();
    const sock = req.socket;
    const st = conn.get(sock) ?? { proxy: [], requests: 0 };
    const newConnection = st.requests++ === 0;
    rt.count('requests');
    const headers: Array<[string, string]> = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
    const peer = normalize(sock.remoteAddress);
    let env: Envelope = { peer, proxy: st.proxy.map((p) => ({ version: p.version, source: p.source })), headers };

    if (bucket && !bucket.take(performance.now())) return fail(res, 429, `Too Many Requests (${spec.name} throttle, scaled)`);
    const len = Number(req.headers['content-length'] ?? 0);
    if (len > maxBody) return fail(res, 413, `Request Entity Too Large (${spec.name} payload limit)`);
    let source = peer;
    if (spec.attachedToPrevious) {
      source = headers.find(([k]) => k === ATTACHED_SOURCE_HEADER)?.[1] ?? peer;
      env = { ...env, headers: headers.filter(([k]) => k !== ATTACHED_SOURCE_HEADER) };
    }
    if (rate && rate.over(source, Date.now())) return fail(res, 403, `Forbidden (${spec.name} rate-based rule)`);
    const out = cat.apply(env, s, ctxFor(l, (sock.localPort ?? 0), rt.random));
    if (!out.ok) return fail(res, out.status, out.reason);
    const up = rt.pickUpstream(l, out.route);
    if (!up) return fail(res, 503, 'Service Unavailable (no healthy target)');
    const outHeaders: Record<string, string | string[]> = {};
    for (const [k, v] of out.env.headers) {
      if (HOP_BY_HOP.has(k)) continue;
      const prev = outHeaders[k];
      outHeaders[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    if (spec.forwardSourceToAttached) outHeaders[ATTACHED_SOURCE_HEADER] = peer;
    const crossAz = up.az !== l.az;
    const pre = performance.now() - t0;
    const delay = spec.latency || (crossAz && spec.crossAzLatency) ? rt.delayMs({ newConnection, crossAz }) : 0;
    rt.scheduler.after(delay, () => {
      const t1 = performance.now();
      let body = 0;
      let done = false;
      const upReq = http.request({
        host: up.host,
        port: up.port,
        localAddress: out.env.peer,
        agent: agentFor(out.env.peer),
        method: req.method,
        path: req.url,
        headers: outHeaders,
      });
      // Integration / origin timeout: total time until the response headers, as API Gateway and CloudFront count it.
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        upReq.destroy();
        fail(res, 504, `Gateway Timeout (${spec.name}: no response within ${timeoutMs} ms)`);
      }, timeoutMs);
      res.on('close', () => clearTimeout(timer));
      upReq.on('response', (upRes) => {
        clearTimeout(timer);
        if (done) return upRes.resume();
        done = true;
        const h: Record<string, string | string[]> = {};
        for (let i = 0; i < upRes.rawHeaders.length; i += 2) {
          const k = upRes.rawHeaders[i].toLowerCase();
          if (HOP_BY_HOP.has(k)) continue;
          const prev = h[k];
          const v = upRes.rawHeaders[i + 1];
          h[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
        }
        res.writeHead(upRes.statusCode ?? 502, h);
        upRes.pipe(res);
        upRes.on('error', () => res.destroy());
      });
      upReq.on('error', (e) => {
        if (done) return res.destroy();
        done = true;
        rt.count(`upstream ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
        fail(res, 502, `Bad Gateway (${spec.name} -> ${up.host}:${up.port}: ${(e as Error).message})`);
      });
      req.on('data', (d: Buffer) => {
        body += d.length;
        if (body > maxBody && !done) {
          done = true;
          upReq.destroy();
          fail(res, 413, `Request Entity Too Large (${spec.name} payload limit)`);
        }
      });
      req.pipe(upReq);
      rt.recordOverhead(pre + (performance.now() - t1));
    });
  }

  return {
    listeners: bound,
    close: async () => {
      for (const a of agents.values()) a.destroy();
      for (const so of sockets) so.destroy();
      await Promise.all(servers.map((sv) => new Promise<void>((r) => sv.close(() => r()))));
    },
  };
}

/** Reads any PROXY headers at the start of the connection, then hands the rest of the bytes back. */
export function sniffProxy(sock: net.Socket, done: (proxy: ProxyInfo[]) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  let finished = false;
  const finish = (proxy: ProxyInfo[], consumed: number) => {
    finished = true;
    sock.removeListener('data', onData);
    sock.pause();
    const rest = buf.subarray(consumed);
    if (rest.length) sock.unshift(rest);
    done(proxy);
  };
  const onData = (d: Buffer) => {
    if (finished) return;
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    const r = parseProxyHeaders(buf);
    if (r.kind === 'more' && buf.length < 536) return;
    // Malformed PROXY bytes stay in the stream: the HTTP parser then rejects them as a bad request.
    if (r.kind === 'ok') finish(r.headers, r.consumed);
    else finish([], 0);
  };
  sock.on('data', onData);
}

// Compiles a scenario into the model's view of a request path: per hop a lognormal latency, a new-connection
// extra, a cross-AZ chance, an optional queue (replicas x capacity), rate limiter (429) and timeout (504).
// Pure: everything comes from the catalog entries and the scenario, so the model restates nothing.
import { CROSS_AZ_RTT, lognormalSigma } from '../../catalog/network.ts';
import type { ResolvedHop, Scenario } from '../../scenario/model.ts';

export interface Lognormal {
  /** ln(median ms); -Infinity when the median is 0 (the stage adds nothing). */
  mu: number;
  sigma: number;
  medianMs: number;
  p99Ms: number;
}

export interface HopModel {
  name: string;
  component: string;
  latency: Lognormal;
  /** Extra on a connection that is new at this hop (handshake CPU, conntrack). */
  newConnection: Lognormal | null;
  /** True when a new client connection is also new here (L4 pass-through up to the first terminating hop). */
  seesClientConnection: boolean;
  /** Chance that this hop forwards to a target in another AZ (adds CROSS_AZ_RTT). */
  crossAzP: number;
  crossAzWhy: string;
  /** Capacity-limited hop: `servers` FIFO servers each serving `perServerRps` on average. */
  queue: { servers: number; perServerRps: number; why: string } | null;
  /** Token bucket in front of the hop (API Gateway throttle, Lattice quota). */
  limiter: { rateRps: number; burst: number; status: number; why: string } | null;
  /** The hop answers `status` when what lies behind it takes longer than this. */
  timeout: { ms: number; status: number; why: string } | null;
  basis: string;
  confidence: string;
}

export interface ModelPathOptions {
  /** TLS version of the client's handshake (round trips per new connection: 1.3 -> 1, 1.2 -> 2). */
  tlsVersion?: '1.2' | '1.3';
  /** Client-to-CloudFront-edge RTT; default: the client's internetRttMs (no edge advantage assumed). */
  edgeRttMs?: number;
}

export interface ModelPath {
  scenario: string;
  hops: HopModel[];
  /** Round trip the client pays per request toward the first hop (fixed, from the client's internetRttMs or the edge RTT). */
  requestRttMs: number;
  /** Round trip per handshake round trip on a new client connection, and how many round trips. */
  handshake: { rttMs: number; roundTrips: number; tls: boolean; why: string };
  /** Fixed extra per request (CloudFront edge -> origin RTT on its pooled connection). */
  fixedExtraMs: number;
  crossAz: Lognormal;
  azs: number;
  /** Analytical capacity bound of the path (lowest queue or limiter rate), req/s. */
  capacityRps: number;
  capacityBy: string;
  notes: string[];
}

export function lognormal(m: { medianMs: number; p99Ms: number }): Lognormal {
  return {
    mu: m.medianMs > 0 ? Math.log(m.medianMs) : -Infinity,
    sigma: m.medianMs > 0 ? lognormalSigma(m) : 0,
    medianMs: m.medianMs,
    p99Ms: m.p99Ms,
  };
}

/** The client speaks TLS to the first hop when it asks for https, or when that listener only speaks TLS. */
function clientUsesTls(first: ResolvedHop, clientHttps: boolean): boolean {
  return clientHttps || first.entry.tls(first.settings) !== 'none';
}

/** Cross-AZ chance of the forwarding step out of hop h: the catalog's one answer (cost and local use it too). */
function crossAz(h: ResolvedHop, azs: number): { p: number; why: string } {
  const c = h.entry.crossAz(h.settings, azs);
  return { p: c.share, why: c.share > 0 ? `${c.why}: (azs-1)/azs = ${c.share.toFixed(3)}` : c.why };
}

/** Rate limits with an HTTP status, read from the catalog's documented limits (the cost engine reads the same). */
function limiterOf(h: ResolvedHop, azs: number): HopModel['limiter'] {
  const lim = h.entry.rateLimiter(h.settings, azs);
  return lim ? { rateRps: lim.rateRps, burst: lim.burst, status: lim.status, why: lim.why } : null;
}

function timeoutOf(h: ResolvedHop): HopModel['timeout'] {
  const t = h.entry.limits(h.settings).find((l) => l.unit === 's' && l.status && l.status >= 500);
  return t ? { ms: t.value * 1000, status: t.status!, why: `${t.name}: ${t.value} s -> ${t.status}` } : null;
}

export function compilePath(s: Scenario, o: ModelPathOptions = {}): ModelPath {
  const azs = s.cluster.azs;
  const client = s.hops[0];
  const first = s.hops[1];
  const internetRtt = client.latency.medianMs;
  const viaEdge = !!first?.entry.edge;
  const edgeRtt = viaEdge ? Math.min(o.edgeRttMs ?? internetRtt, internetRtt) : internetRtt;
  const notes: string[] = [];
  const hops: HopModel[] = [];
  let clientConn = true;
  for (let i = 1; i < s.hops.length; i++) {
    const h = s.hops[i];
    const cz = i < s.hops.length - 1 ? crossAz(h, azs) : { p: 0, why: 'last hop' };
    const nc = h.latency.newConnection;
    hops.push({
      name: h.name,
      component: h.component,
      latency: lognormal(h.latency),
      newConnection: nc ? lognormal(nc) : null,
      seesClientConnection: clientConn,
      crossAzP: cz.p,
      crossAzWhy: cz.why,
      queue: h.entry.queue?.(h.settings) ?? null,
      limiter: limiterOf(h, azs),
      timeout: timeoutOf(h),
      basis: h.latency.basis,
      confidence: h.latency.confidence,
    });
    if (h.entry.terminates(h.settings)) clientConn = false;
  }
  const tls = first ? clientUsesTls(first, client.settings.https === true) : false;
  const tlsRtts = tls ? ((o.tlsVersion ?? '1.3') === '1.2' ? 2 : 1) : 0;
  const handshakeRtt = viaEdge ? edgeRtt : internetRtt;
  const originRtt = viaEdge ? Math.max(0, internetRtt - edgeRtt) : 0;
  // An edge (CloudFront) reaches the origin over a pooled keep-alive connection: one edge->origin RTT per request.
  if (viaEdge) notes.push(`${first.entry.title}: client->edge RTT ${edgeRtt} ms per handshake round trip and per request; edge->origin RTT ${originRtt} ms per request (internetRttMs - edge RTT, pooled origin connection)`);
  if (viaEdge) {
    const quota = first.entry.limits(first.settings).find((l) => l.unit === 'req/s');
    if (quota) notes.push(`${first.entry.title} quota ${quota.value} req/s per distribution (${quota.note ?? ''}): not enforced by the model, flagged in sweeps`);
  }
  let capacityRps = Infinity;
  let capacityBy = 'no capacity-limited hop';
  for (const h of hops) {
    if (h.queue && h.queue.servers * h.queue.perServerRps < capacityRps) {
      capacityRps = h.queue.servers * h.queue.perServerRps;
      capacityBy = `${h.name}: ${h.queue.why}`;
    }
    if (h.limiter && h.limiter.rateRps < capacityRps) {
      capacityRps = h.limiter.rateRps;
      capacityBy = `${h.name}: ${h.limiter.why}`;
    }
  }
  return {
    scenario: s.name,
    hops,
    requestRttMs: viaEdge ? edgeRtt : internetRtt,
    handshake: {
      rttMs: handshakeRtt,
      roundTrips: 1 + tlsRtts,
      tls,
      why: `TCP 1 RTT${tls ? ` + TLS ${o.tlsVersion ?? '1.3'} ${tlsRtts} RTT` : ''} x ${handshakeRtt} ms (${viaEdge ? 'client->edge' : 'client->first hop'})`,
    },
    fixedExtraMs: originRtt,
    crossAz: lognormal(CROSS_AZ_RTT),
    azs,
    capacityRps,
    capacityBy,
    notes,
  };
}

// Compiles a scenario into the model's view of a request path: per hop a lognormal latency, a new-connection
// extra, a cross-AZ chance, an optional queue (replicas x capacity), rate limiter (429) and timeout (504).
// Pure: everything comes from the catalog entries and the scenario, so the model restates nothing.
import { CROSS_AZ_RTT, crossAzProbability, lognormalSigma } from '../../catalog/network.ts';
import type { ResolvedHop, Scenario } from '../../scenario/model.ts';
import { serviceVersions } from '../../catalog/components/service.ts';
import { rateLimiterOf } from '../../catalog/limits.ts';

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

const TERMINATES = new Set(['cloudfront', 'apigw-rest', 'apigw-http', 'alb', 'lattice', 'envoy-gateway', 'ingress-nginx', 'service']);

function terminatesClientConnection(h: ResolvedHop): boolean {
  if (h.component === 'clb') return h.settings.listener === 'http' || h.settings.listener === 'https';
  if (h.component === 'lattice') return h.settings.listener !== 'tls-passthrough';
  return TERMINATES.has(h.component);
}

function clientUsesTls(first: ResolvedHop, clientHttps: boolean): boolean {
  if (clientHttps) return true;
  switch (first.component) {
    case 'cloudfront':
      return first.settings.viewerProtocol === 'https';
    case 'apigw-rest':
    case 'apigw-http':
      return true; // API Gateway endpoints are HTTPS only
    case 'alb':
      return first.settings.https === true;
    case 'nlb':
      return first.settings.listener === 'TLS';
    case 'clb':
      return first.settings.listener === 'https' || first.settings.listener === 'ssl';
    case 'lattice':
      return first.settings.listener !== 'http';
    default:
      return false;
  }
}

/** Cross-AZ chance of the forwarding step out of hop h (targets spread evenly over `azs`). */
function crossAz(h: ResolvedHop, azs: number): { p: number; why: string } {
  const p = crossAzProbability(azs);
  switch (h.component) {
    case 'nlb':
    case 'clb':
      return h.settings.crossZone ? { p, why: `cross-zone on: (azs-1)/azs = ${p.toFixed(3)}` } : { p: 0, why: 'cross-zone off: targets in the same AZ' };
    case 'alb':
      return { p, why: `ALB cross-zone is always on: (azs-1)/azs = ${p.toFixed(3)}` };
    case 'kube-proxy':
      return h.settings.externalTrafficPolicy === 'Cluster'
        ? { p, why: `ETP=Cluster may pick a pod in any AZ: ${p.toFixed(3)}` }
        : { p: 0, why: 'ETP=Local: a pod on the receiving node' };
    default:
      // Gateway -> pods, Lattice -> targets and managed hops: same-AZ assumed (topology-aware routing), the
      // same rule the local emulation injects, so model and measured runs describe one topology.
      return { p: 0, why: 'no cross-AZ forwarding modeled' };
  }
}

function queueOf(h: ResolvedHop): HopModel['queue'] {
  const s = h.settings;
  if (h.component === 'envoy-gateway' || h.component === 'ingress-nginx') {
    return { servers: s.replicas, perServerRps: s.capacityRpsPerReplica, why: `${s.replicas} replica(s) x ${s.capacityRpsPerReplica} req/s (capacityRpsPerReplica)` };
  }
  if (h.component === 'service') {
    const replicas = serviceVersions(s).reduce((a, v) => a + v.replicas, 0);
    return { servers: replicas, perServerRps: s.capacityRpsPerReplica, why: `${replicas} replica(s) x ${s.capacityRpsPerReplica} req/s (capacityRpsPerReplica)` };
  }
  return null;
}

/** Rate limits with an HTTP status, read from the catalog's documented limits (the cost engine reads the same). */
function limiterOf(h: ResolvedHop, azs: number): HopModel['limiter'] {
  const lim = rateLimiterOf(h.entry.limits(h.settings), azs);
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
  const viaEdge = first?.component === 'cloudfront';
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
      queue: queueOf(h),
      limiter: limiterOf(h, azs),
      timeout: timeoutOf(h),
      basis: h.latency.basis,
      confidence: h.latency.confidence,
    });
    if (terminatesClientConnection(h)) clientConn = false;
  }
  const tls = first ? clientUsesTls(first, client.settings.https === true) : false;
  const tlsRtts = tls ? ((o.tlsVersion ?? '1.3') === '1.2' ? 2 : 1) : 0;
  const handshakeRtt = viaEdge ? edgeRtt : internetRtt;
  // CloudFront reaches the origin over a pooled keep-alive connection: one edge->origin RTT per request.
  const originRtt = viaEdge ? Math.max(0, internetRtt - edgeRtt) : 0;
  if (viaEdge) notes.push(`CloudFront: client->edge RTT ${edgeRtt} ms per handshake round trip and per request; edge->origin RTT ${originRtt} ms per request (internetRttMs - edge RTT, pooled origin connection)`);
  if (first?.component === 'cloudfront') {
    const quota = first.entry.limits(first.settings).find((l) => l.unit === 'req/s');
    if (quota) notes.push(`CloudFront quota ${quota.value} req/s per distribution (${quota.note ?? ''}): not enforced by the model, flagged in sweeps`);
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

// The modeled delays of a request's whole path, applied at one precise point. Delays on a sequential request
// path add up, so holding a request for the sum of every emulated hop's sampled delay before it is written
// gives the same end-to-end latency as each hop waiting in turn, without a timer in any hop process (on a
// 2-core machine those wake-ups, not the forwarding, were the lab's own cost). The driver measures from the
// intended send time, so the held time is part of the measured latency exactly as network delay would be.
// Pure and seeded: the plan is data (it crosses into worker threads), the sampler a function of plan + seed.
import { lognormalSigma } from '../catalog/network.ts';
import { seededRandom, standardNormal } from '../lib/random.ts';

/** A lognormal through (median, p99), as the catalog models every hop (facts/latency.md). */
export interface DelayTerm {
  medianMs: number;
  p99Ms: number;
}

export interface PathDelayHop {
  /** Hop name in the scenario (for reports). */
  name: string;
  /** Added to every request on a warm connection; null when the hop injects nothing. */
  perRequest: DelayTerm | null;
  /**
   * Added when the request opens a new connection at this hop. Only hops the client's own connection reaches
   * (nothing terminates it before them) see the client's new connections; behind a terminating hop the pool
   * of that hop is warm, so this is null there.
   */
  newConnection: DelayTerm | null;
  /**
   * The cross-AZ round trip on the share of flows that cross AZs toward the next hop (catalog crossAz). `per`:
   * an L4 hop the client's connection reaches chooses once per connection; a terminating hop per request.
   */
  crossAz: { share: number; rtt: DelayTerm; per: 'connection' | 'request' } | null;
}

export interface PathDelayPlan {
  hops: PathDelayHop[];
  seed: number;
}

/** What the caller keeps per client connection so per-connection draws stay fixed for its life. */
export interface ConnectionDelayState {
  /** Requests already sent on this connection (0: this request opens it). */
  requests: number;
  /** Per hop: whether this connection's flow crosses AZs there (drawn at its first request). */
  crossed?: boolean[];
}

export interface PathDelaySampler {
  /** The total delay in ms to hold one request for (its connection state is read and updated). */
  sample(conn: ConnectionDelayState): number;
}

/** Whether the plan adds anything at all (a --no-latency run adds nothing). */
export function pathDelayAddsAnything(p: PathDelayPlan | null | undefined): p is PathDelayPlan {
  return !!p && p.hops.some((h) => h.perRequest || h.newConnection || (h.crossAz && h.crossAz.share > 0));
}

function lognormal(t: DelayTerm | null, rnd: () => number): () => number {
  if (!t || t.medianMs <= 0) return () => 0;
  const mu = Math.log(t.medianMs);
  const sigma = lognormalSigma(t);
  if (sigma === 0) return () => t.medianMs;
  return () => Math.exp(mu + sigma * standardNormal(rnd));
}

/** `stream` separates independent samplers on one plan (one per driver worker). */
export function pathDelaySampler(plan: PathDelayPlan, stream = 0): PathDelaySampler {
  const rnd = seededRandom((plan.seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0);
  const hops = plan.hops.map((h) => ({
    perRequest: lognormal(h.perRequest, rnd),
    newConnection: h.newConnection ? lognormal(h.newConnection, rnd) : null,
    crossAz: h.crossAz && h.crossAz.share > 0 ? { share: h.crossAz.share, per: h.crossAz.per, rtt: lognormal(h.crossAz.rtt, rnd) } : null,
  }));
  return {
    sample(conn) {
      const isNew = conn.requests === 0;
      if (isNew || !conn.crossed) conn.crossed = hops.map((h) => !!h.crossAz && h.crossAz.per === 'connection' && rnd() < h.crossAz.share);
      conn.requests++;
      let total = 0;
      for (let i = 0; i < hops.length; i++) {
        const h = hops[i];
        total += h.perRequest();
        if (isNew && h.newConnection) total += h.newConnection();
        if (h.crossAz && (h.crossAz.per === 'connection' ? conn.crossed[i] : rnd() < h.crossAz.share)) total += h.crossAz.rtt();
      }
      return total;
    },
  };
}

// The per-request simulation: the hot loop. Typed arrays and a reused scratch buffer: no allocation per
// request. Time is in milliseconds from the start of the simulated run.
//
// Queueing: every capacity-limited hop is a FIFO multi-server queue (c replicas, exponential service with
// mean 1/capacity). A request reaches a queue at its send time plus the waits of the queues before it; the
// other latencies (lognormal jitter) are left out of the arrival time. That keeps arrivals in order (exact
// FIFO bookkeeping) and is exact in distribution for Poisson arrivals, since independent delays of a Poisson
// stream leave it Poisson. The hop's lognormal latency is the added latency at low load; waiting is added
// on top of it, so at low load the model is the catalog's and toward saturation the queue takes over.
import type { ModelPath, Lognormal } from './path.ts';
import { Rng } from './rng.ts';
import type { CoarseHist, FastHist } from './fast-hist.ts';

export interface SimulatorConfig {
  path: ModelPath;
  /** Chance that a request opens a new client connection (1 for new-connection mode). */
  pNew: number;
  /** The client gives up after this (a transport timeout: counted, no latency recorded, as the driver does). */
  clientTimeoutMs: number;
  arrivals: 'poisson' | 'uniform';
  /** Quantile table (ms) of a measured floor added to every request, e.g. the lab's own overhead. */
  floorQuantiles?: Float64Array | null;
  /** Calibrated whole-path latency that replaces the hops' own lognormals, cross-AZ and request RTT. */
  pathOverride?: Lognormal | null;
  /** Per-hop replacement of the per-replica capacity (calibrated). */
  capacityOverride?: Record<string, number>;
}

/** What one simulated window adds to the run's tallies. */
export interface Sink {
  hist: FastHist;
  /** Per-interval coarse histograms (timeline p99s). */
  intervalHists: CoarseHist[];
  intervalMs: number;
  intervalCount: number;
  intervalDone: Float64Array;
  intervalErrors: Float64Array;
  requests: number;
  ok: number;
  byStatus: Map<number, number>;
  clientTimeouts: number;
  newConnections: number;
  /** Requests past the recording start that were answered within the client timeout. */
  responses: number;
}

export class RequestSimulator {
  readonly rng: Rng;
  private readonly n: number;
  private readonly mu: Float64Array;
  private readonly sigma: Float64Array;
  private readonly newMu: Float64Array;
  private readonly newSigma: Float64Array;
  private readonly hasNew: Uint8Array;
  private readonly crossP: Float64Array;
  private readonly qIndex: Int32Array; // -1 or index into queues
  private readonly limIndex: Int32Array;
  private readonly timeoutMs: Float64Array;
  private readonly timeoutStatus: Int32Array;
  /** Per queue: servers' next free time (a binary min-heap). */
  readonly queues: Float64Array[];
  readonly queueMeanServiceMs: Float64Array;
  readonly queueHop: Int32Array;
  /** Per limiter: rate per ms, burst, tokens, last update time, status. */
  readonly limRatePerMs: Float64Array;
  readonly limBurst: Float64Array;
  readonly limTokens: Float64Array;
  readonly limLast: Float64Array;
  readonly limStatus: Int32Array;
  /** Limiters and queues in path order, for the fluid model that carries state between sampled windows. */
  readonly stations: Array<{ kind: 'limiter' | 'queue'; idx: number; rateRps: number; burst: number }> = [];
  private readonly cum: Float64Array;
  private readonly fixedMs: number;
  private readonly handshakeMs: number;
  private readonly crossMu: number;
  private readonly crossSigma: number;
  private readonly floor: Float64Array | null;
  private readonly override: Lognormal | null;

  constructor(
    readonly cfg: SimulatorConfig,
    seed: number,
  ) {
    const p = cfg.path;
    this.rng = new Rng(seed);
    const n = (this.n = p.hops.length);
    this.mu = new Float64Array(n);
    this.sigma = new Float64Array(n);
    this.newMu = new Float64Array(n);
    this.newSigma = new Float64Array(n);
    this.hasNew = new Uint8Array(n);
    this.crossP = new Float64Array(n);
    this.qIndex = new Int32Array(n).fill(-1);
    this.limIndex = new Int32Array(n).fill(-1);
    this.timeoutMs = new Float64Array(n);
    this.timeoutStatus = new Int32Array(n);
    const queues: Float64Array[] = [];
    const qMean: number[] = [];
    const qHop: number[] = [];
    const lim: Array<{ rate: number; burst: number; status: number }> = [];
    p.hops.forEach((h, i) => {
      this.mu[i] = h.latency.mu;
      this.sigma[i] = h.latency.sigma;
      if (h.newConnection && h.seesClientConnection && h.newConnection.medianMs > 0) {
        this.hasNew[i] = 1;
        this.newMu[i] = h.newConnection.mu;
        this.newSigma[i] = h.newConnection.sigma;
      }
      this.crossP[i] = h.crossAzP;
      if (h.limiter) {
        this.limIndex[i] = lim.length;
        this.stations.push({ kind: 'limiter', idx: lim.length, rateRps: h.limiter.rateRps, burst: h.limiter.burst });
        lim.push({ rate: h.limiter.rateRps, burst: h.limiter.burst, status: h.limiter.status });
      }
      if (h.queue) {
        this.qIndex[i] = queues.length;
        const perServer = cfg.capacityOverride?.[h.name] ?? h.queue.perServerRps;
        this.stations.push({ kind: 'queue', idx: queues.length, rateRps: perServer * h.queue.servers, burst: 0 });
        queues.push(new Float64Array(h.queue.servers));
        qMean.push(1000 / perServer);
        qHop.push(i);
      }
      if (h.timeout) {
        this.timeoutMs[i] = h.timeout.ms;
        this.timeoutStatus[i] = h.timeout.status;
      }
    });
    this.queues = queues;
    this.queueMeanServiceMs = Float64Array.from(qMean);
    this.queueHop = Int32Array.from(qHop);
    this.limRatePerMs = Float64Array.from(lim.map((l) => l.rate / 1000));
    this.limBurst = Float64Array.from(lim.map((l) => l.burst));
    this.limTokens = Float64Array.from(lim.map((l) => l.burst));
    this.limLast = new Float64Array(lim.length);
    this.limStatus = Int32Array.from(lim.map((l) => l.status));
    this.cum = new Float64Array(n + 1);
    this.override = cfg.pathOverride ?? null;
    this.fixedMs = this.override ? 0 : p.requestRttMs + p.fixedExtraMs;
    this.handshakeMs = p.handshake.rttMs * p.handshake.roundTrips;
    this.crossMu = p.crossAz.mu;
    this.crossSigma = p.crossAz.sigma;
    this.floor = this.override ? null : (cfg.floorQuantiles ?? null);
  }

  /** Puts every queue and bucket in a given state at time t (the fluid model's carry between sampled windows). */
  setState(tMs: number, backlogRequests: ArrayLike<number>, tokens: ArrayLike<number>): void {
    for (let q = 0; q < this.queues.length; q++) {
      const servers = this.queues[q];
      // Backlog shared evenly: each server busy for backlog / c mean service times.
      const busyUntil = tMs + (backlogRequests[q] / servers.length) * this.queueMeanServiceMs[q];
      servers.fill(busyUntil);
    }
    for (let l = 0; l < this.limTokens.length; l++) {
      this.limTokens[l] = Math.min(this.limBurst[l], Math.max(0, tokens[l]));
      this.limLast[l] = tMs;
    }
  }

  /**
   * Simulates arrivals in [t0, t1) at `rateRps`; requests sent at or after `recordFrom` are tallied.
   * Returns the time of the next arrival (so back-to-back windows continue one arrival process).
   */
  run(t0: number, t1: number, rateRps: number, recordFrom: number, sink: Sink, intervalOrigin: number): number {
    if (rateRps <= 0) return t1;
    const rng = this.rng;
    const meanGap = 1000 / rateRps;
    const poisson = this.cfg.arrivals === 'poisson';
    let t = t0 + (poisson ? rng.exponential(meanGap) : 0);
    const n = this.n;
    const cum = this.cum;
    const pNew = this.cfg.pNew;
    const clientTimeout = this.cfg.clientTimeoutMs;
    const floor = this.floor;
    const floorK = floor ? floor.length - 1 : 0;
    const override = this.override;
    while (t < t1) {
      const record = t >= recordFrom;
      const isNew = pNew >= 1 || (pNew > 0 && rng.uniform() < pNew);
      let acc = 0;
      let status = 200;
      let last = n; // hops visited
      let qArrive = t;
      for (let i = 0; i < n; i++) {
        cum[i] = acc;
        const li = this.limIndex[i];
        if (li >= 0 && !this.take(li, t)) {
          status = this.limStatus[li];
          acc += this.sigma[i] === 0 ? (this.mu[i] === -Infinity ? 0 : Math.exp(this.mu[i])) : rng.lognormal(this.mu[i], this.sigma[i]);
          last = i + 1;
          break;
        }
        let lat = 0;
        if (!override) {
          const m = this.mu[i];
          if (m !== -Infinity) lat = this.sigma[i] === 0 ? Math.exp(m) : Math.exp(m + this.sigma[i] * rng.normal());
          const cp = this.crossP[i];
          if (cp > 0 && rng.uniform() < cp) lat += Math.exp(this.crossMu + this.crossSigma * rng.normal());
        }
        if (isNew && this.hasNew[i] === 1) lat += Math.exp(this.newMu[i] + this.newSigma[i] * rng.normal());
        const qi = this.qIndex[i];
        if (qi >= 0) {
          const wait = this.admit(qi, qArrive);
          qArrive += wait;
          lat += wait;
        }
        acc += lat;
      }
      cum[last] = acc;
      if (status === 200) {
        // The outermost timeout that fires first decides: hop i answers at (entry + own) + its limit.
        let fire = Infinity;
        let fireStatus = 0;
        for (let i = 0; i < last; i++) {
          const lim = this.timeoutMs[i];
          if (lim > 0 && acc - cum[i + 1] > lim) {
            const at = cum[i + 1] + lim;
            if (at < fire) {
              fire = at;
              fireStatus = this.timeoutStatus[i];
            }
          }
        }
        if (fireStatus) {
          acc = fire;
          status = fireStatus;
        }
      }
      let total = acc + this.fixedMs + (isNew ? this.handshakeMs : 0);
      if (override) total += Math.exp(override.mu + override.sigma * rng.normal());
      if (floor) {
        const x = rng.uniform() * floorK;
        const k = x | 0;
        total += floor[k] + (floor[k + 1] - floor[k]) * (x - k);
      }
      if (record) {
        sink.requests++;
        if (isNew) sink.newConnections++;
        if (total > clientTimeout) {
          sink.clientTimeouts++;
          this.bumpInterval(sink, t + clientTimeout - intervalOrigin, -1, true);
        } else {
          sink.responses++;
          sink.hist.recordMs(total);
          if (status === 200) sink.ok++;
          else sink.byStatus.set(status, (sink.byStatus.get(status) ?? 0) + 1);
          this.bumpInterval(sink, t + total - intervalOrigin, total, status !== 200);
        }
      }
      t += poisson ? -Math.log(rng.uniform()) * meanGap : meanGap;
    }
    return t;
  }

  private bumpInterval(sink: Sink, atMs: number, latencyMs: number, error: boolean): void {
    let k = Math.floor(atMs / sink.intervalMs);
    if (k < 0) k = 0;
    else if (k >= sink.intervalCount) k = sink.intervalCount - 1;
    sink.intervalDone[k]++;
    if (error) sink.intervalErrors[k]++;
    if (latencyMs >= 0) sink.intervalHists[k].recordMs(latencyMs);
  }

  /** Token bucket: refill to `now`, take one token if there is one. */
  private take(l: number, now: number): boolean {
    const dt = now - this.limLast[l];
    if (dt > 0) {
      const tk = this.limTokens[l] + dt * this.limRatePerMs[l];
      this.limTokens[l] = tk > this.limBurst[l] ? this.limBurst[l] : tk;
      this.limLast[l] = now;
    }
    if (this.limTokens[l] >= 1) {
      this.limTokens[l] -= 1;
      return true;
    }
    return false;
  }

  /** FIFO c-server queue: the earliest free server takes the request; returns the wait. */
  private admit(q: number, t: number): number {
    const heap = this.queues[q];
    const top = heap[0];
    const start = top > t ? top : t;
    const service = -Math.log(this.rng.uniform()) * this.queueMeanServiceMs[q];
    siftDownReplace(heap, start + service);
    return start - t;
  }
}

/** Replaces the heap's minimum with v and restores the heap. */
function siftDownReplace(h: Float64Array, v: number): void {
  const len = h.length;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= len) break;
    const r = l + 1;
    const c = r < len && h[r] < h[l] ? r : l;
    if (h[c] >= v) break;
    h[i] = h[c];
    i = c;
  }
  h[i] = v;
}

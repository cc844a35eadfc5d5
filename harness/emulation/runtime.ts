// What every hop process shares: latency sampling, upstream choice, counters and its own overhead histogram.
import type net from 'node:net';
import { newHistogram, recordMs, type Histogram } from '../load/histogram.ts';
import { DelayScheduler } from './scheduler.ts';
import { lognormalSampler } from './prng.ts';
import { deriveSeed, seededRandom } from '../lib/random.ts';
import type { HopSpec, HopStats, ListenerSpec, UpstreamSpec } from './spec.ts';

export class HopRuntime {
  readonly scheduler = new DelayScheduler();
  readonly overhead: Histogram = newHistogram();
  readonly random: () => number;
  readonly counters: Record<string, number> = {};
  private sample: () => number;
  private sampleNew: () => number;
  private sampleCrossAz: () => number;
  private rr = new Map<string, number>();

  constructor(readonly spec: HopSpec) {
    this.random = seededRandom(deriveSeed(spec.seed, spec.name + ':route'));
    const lat = seededRandom(deriveSeed(spec.seed, spec.name + ':latency'));
    this.sample = spec.latency ? lognormalSampler(spec.latency, lat) : () => 0;
    this.sampleNew = spec.latency?.newConnection ? lognormalSampler(spec.latency.newConnection, lat) : () => 0;
    this.sampleCrossAz = spec.crossAzLatency ? lognormalSampler(spec.crossAzLatency, lat) : () => 0;
  }

  count(name: string, n = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + n;
  }

  /** Modeled delay for one request (or chunk) on a connection. */
  delayMs(opts: { newConnection: boolean; crossAz: boolean }): number {
    return this.sample() + (opts.newConnection ? this.sampleNew() : 0) + (opts.crossAz ? this.sampleCrossAz() : 0);
  }

  recordOverhead(ms: number): void {
    recordMs(this.overhead, ms);
  }

  /** Round-robin over the upstreams this listener may use. */
  pickUpstream(l: ListenerSpec, route?: string): UpstreamSpec | null {
    const c = this.spec.upstreams.filter(
      (u) => (!this.spec.sameAzOnly || u.az === l.az) && (!this.spec.sameNodeOnly || u.node === l.node) && (!route || !u.version || u.version === route),
    );
    if (!c.length) return null;
    const key = `${l.host}|${route ?? ''}`;
    const i = this.rr.get(key) ?? 0;
    this.rr.set(key, i + 1);
    return c[i % c.length];
  }

  stats(): HopStats {
    return {
      overheadMs: summarizeMs(this.overhead),
      schedulerLateMs: this.scheduler.lateness.totalCount ? summarizeMs(this.scheduler.lateness) : null,
      counters: { ...this.counters },
    };
  }
}

function summarizeMs(h: Histogram): { p50: number; p99: number; max: number; count: number } {
  return {
    p50: h.getValueAtPercentile(50) / 1000,
    p99: h.getValueAtPercentile(99) / 1000,
    max: h.maxValue / 1000,
    count: h.totalCount,
  };
}

/**
 * Ties a relayed connection's two sockets together (a byte relay: the delay stage, an L4 hop): each is tracked
 * in `sockets` until it closes, either closing or failing closes the other, and upstream failures are counted.
 */
export function relayPair(rt: HopRuntime, sockets: Set<net.Socket>, client: net.Socket, upstream: net.Socket): void {
  sockets.add(upstream);
  upstream.setNoDelay(true);
  client.setNoDelay(true);
  upstream.on('close', () => {
    sockets.delete(upstream);
    client.destroy();
  });
  upstream.on('error', (e) => {
    rt.count(`upstream ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    client.destroy();
  });
  client.on('close', () => upstream.destroy());
}

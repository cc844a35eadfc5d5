// The load driver's worker: one per thread; schedules requests at their intended times, sends them over pooled
// connections, and reports per-interval figures to the main thread. Latency is always measured from the
// intended send time, so a request delayed by the driver or by a queue for a free connection carries that
// delay in its latency instead of hiding it (no coordinated omission).
import { performance } from 'node:perf_hooks';
import type { LoadPlan } from '../types.ts';
import { newHistogram, recordMs, encodeHistogram, type Histogram } from '../histogram.ts';
import { ArrivalSchedule, arrivalStages, measuredDurationS } from './schedule.ts';
import { Connection, type TransportError } from './connection.ts';
import type { ParsedResponse } from './response-parser.ts';
import { buildRequest } from './request.ts';
import { emptyReport, type IntervalReport } from './interval-report.ts';
import { DeadlineQueue } from '../../lib/deadline-queue.ts';
import { pathDelayAddsAnything, pathDelaySampler, type PathDelaySampler } from '../path-delay.ts';

/** A request sent more than this after its intended time is "late". 2 ms: above setTimeout/setImmediate
 *  jitter of an idle loop (~0.1-1 ms), below anything the lab treats as a hop's added latency. */
export const LATE_THRESHOLD_MS = 2;
/** Timers wake this early and the last stretch is spun with setImmediate, because setTimeout fires on
 *  whole milliseconds and up to ~1 ms late, which would add that error to every latency. */
const SPIN_MS = 1.5;
/** Timeouts, expiries of queued requests and interval roll-over are checked on this period. */
const SWEEP_MS = 10;
/**
 * Connection attempts in progress per worker. Without a cap, a burst (start, a source switch, a slow
 * server) opens hundreds of connections at once, overflows the server's accept backlog, and the kernel's
 * 1 s SYN retransmit then shows up as second-long latencies that belong to the driver, not the target.
 * Requests held back by the cap wait in the queue and carry that wait in their latency.
 */
const MAX_CONNECTING = 16;
/** Queued requests examined per drain beyond a blocked one (bounds the work per completion). */
const DRAIN_LOOKAHEAD = 64;
/** Distinct observed values kept per interval; the rest are lumped, bounding memory on odd headers. */
const MAX_DISTINCT_VALUES = 1000;

export interface WorkerInit {
  plan: LoadPlan;
  index: number;
  count: number;
}

export type ToWorker = { type: 'start'; startAtEpochMs: number } | { type: 'stop' };
export type FromWorker = { type: 'ready' } | { type: 'interval'; report: IntervalReport } | { type: 'done' };

interface Pending {
  intended: number;
  measured: boolean;
  source: string;
  /** Closed model: the virtual user's next iteration. */
  then?: () => void;
}

interface Bucket {
  report: IntervalReport;
  hist: Histogram;
}

export class LoadWorker {
  private readonly plan: LoadPlan;
  private readonly index: number;
  private readonly count: number;
  private readonly request: Buffer;
  private readonly wanted: string[];
  private readonly warmupMs: number;
  private readonly endMs: number;
  private readonly intervalMs: number;
  private readonly lastInterval: number;
  private readonly connectionLimit: number;
  private t0 = 0;
  private schedule: ArrivalSchedule | null = null;
  private nextI: number;
  private nextT: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly idle = new Map<string, Connection[]>();
  private readonly open = new Set<Connection>();
  private queue: Pending[] = [];
  private queueHead = 0;
  private inFlight = 0;
  /** Connections whose TCP (and TLS) setup has not finished yet. */
  private readonly connecting = new Set<Connection>();
  private activeVus = 0;
  private generating = false;
  private stopped = false;
  private bucket: Bucket;
  /** The path's modeled delays, applied here once per request (null: nothing to add). */
  private readonly delays: PathDelaySampler | null;
  private readonly held = new DeadlineQueue();

  constructor(init: WorkerInit, private readonly post: (m: FromWorker) => void) {
    this.plan = init.plan;
    this.index = init.index;
    this.count = init.count;
    this.nextI = init.index;
    this.request = buildRequest(init.plan);
    const obs = init.plan.observe ?? {};
    this.wanted = [...(obs.clientIpHeader ? [obs.clientIpHeader] : []), ...(obs.tallyHeaders ?? [])].map((h) => h.toLowerCase());
    this.warmupMs = init.plan.warmupS * 1000;
    const durationMs = measuredDurationS(init.plan.executor) * 1000;
    this.endMs = this.warmupMs + durationMs;
    this.intervalMs = init.plan.intervalS * 1000;
    this.lastInterval = Math.max(0, Math.ceil(durationMs / this.intervalMs) - 1);
    // A closed model needs one connection per virtual user, whatever maxConnections says.
    const vus = init.plan.executor.kind === 'constant-vus' ? share(init.plan.executor.vus, init.index, init.count) : 0;
    this.connectionLimit = Math.max(1, vus, share(init.plan.maxConnections, init.index, init.count));
    this.bucket = { report: emptyReport(0), hist: newHistogram() };
    this.delays = pathDelayAddsAnything(init.plan.pathDelay) ? pathDelaySampler(init.plan.pathDelay, init.index) : null;
  }

  start(startAtEpochMs: number): void {
    this.t0 = startAtEpochMs - performance.timeOrigin;
    this.generating = true;
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    const ex = this.plan.executor;
    const delay = Math.max(0, this.t0 - performance.now());
    if (ex.kind === 'constant-vus') {
      setTimeout(() => this.startVus(share(ex.vus, this.index, this.count)), delay);
    } else {
      this.schedule = new ArrivalSchedule(arrivalStages(ex, this.plan.warmupS));
      this.nextT = this.schedule.timeOf(this.nextI);
      this.timer = setTimeout(() => this.pump(), delay);
    }
  }

  /** Abort: queued requests count as unsent, in-flight ones are abandoned uncounted, sockets are closed. */
  stop(): void {
    if (this.stopped) return;
    const b = this.current(this.now());
    for (let k = this.queueHead; k < this.queue.length; k++) if (this.queue[k].measured) b.report.unsent++;
    this.queue = [];
    this.queueHead = 0;
    this.finish();
  }

  private now(): number {
    return performance.now() - this.t0;
  }

  private pump(): void {
    this.timer = null;
    this.immediate = null;
    if (this.stopped) return;
    const now = this.now();
    while (this.nextT !== null && this.nextT <= now) {
      this.dispatch(this.nextI, this.nextT);
      this.nextI += this.count;
      this.nextT = this.schedule!.timeOf(this.nextI);
    }
    if (this.nextT === null) {
      this.generating = false;
      this.maybeFinish();
      return;
    }
    const wait = this.nextT - this.now();
    if (wait > SPIN_MS) this.timer = setTimeout(() => this.pump(), wait - SPIN_MS);
    else this.immediate = setImmediate(() => this.pump());
  }

  private startVus(vus: number): void {
    if (this.stopped) return;
    this.activeVus = vus;
    for (let v = 0; v < vus; v++) this.vuIteration();
    this.generating = false; // the VUs themselves keep the run going until endMs
    this.maybeFinish();
  }

  private vuIteration(): void {
    const now = this.now();
    if (this.stopped || now >= this.endMs) {
      this.activeVus--;
      this.maybeFinish();
      return;
    }
    const i = this.nextI;
    this.nextI += this.count;
    this.dispatch(i, now, () => this.vuIteration());
  }

  private dispatch(i: number, intended: number, then?: () => void): void {
    const p = this.plan;
    // '' = no source binding: the OS picks the address (an empty source list).
    const source = p.sources.length ? p.sources[Math.floor(i / p.requestsPerSource) % p.sources.length] : '';
    const req: Pending = { intended, measured: intended >= this.warmupMs && intended < this.endMs, source, then };
    const conn = this.queue.length > this.queueHead ? null : this.acquire(source);
    if (conn) this.send(conn, req);
    else this.queue.push(req);
  }

  private acquire(source: string): Connection | null {
    if (this.plan.connectionMode === 'keep-alive') {
      const list = this.idle.get(source);
      while (list && list.length > 0) {
        const c = list.pop()!;
        if (c.usable) return c;
      }
    }
    if (this.connecting.size >= MAX_CONNECTING) return null;
    if (this.open.size >= this.connectionLimit) {
      // Keep-alive connections belong to a source; at the limit, one idle for another source makes room.
      const victim = this.anyIdle();
      if (!victim) return null;
      this.forget(victim);
    }
    const c = new Connection(
      { host: this.plan.target.host, port: this.plan.target.port, tls: this.plan.target.tls ?? null },
      source,
      this.wanted,
      (up) => this.onConnected(up),
      (closed) => this.onClosed(closed),
    );
    this.open.add(c);
    this.connecting.add(c);
    const b = this.current(this.now());
    if (this.now() >= this.warmupMs) b.report.newConnections++;
    if (this.open.size > b.report.maxConnections) b.report.maxConnections = this.open.size;
    return c;
  }

  private anyIdle(): Connection | null {
    for (const list of this.idle.values()) {
      while (list.length > 0) {
        const c = list.pop()!;
        if (c.usable) return c;
      }
    }
    return null;
  }

  private onConnected(c: Connection): void {
    this.connecting.delete(c);
    if (!this.stopped) this.drainQueue();
  }

  /** Closes a connection now and frees its slot (the socket's own close event comes later). */
  private forget(c: Connection): void {
    this.connecting.delete(c);
    c.destroy();
    this.open.delete(c);
  }

  private onClosed(c: Connection): void {
    this.connecting.delete(c);
    this.open.delete(c);
    const list = this.idle.get(c.source);
    if (list) {
      const at = list.indexOf(c);
      if (at >= 0) list.splice(at, 1);
    }
    if (!this.stopped) this.drainQueue();
  }

  private send(conn: Connection, req: Pending): void {
    const now = this.now();
    const lag = now - req.intended;
    if (req.measured) {
      const b = this.current(now);
      if (lag > LATE_THRESHOLD_MS) b.report.late++;
      if (lag > b.report.maxLagMs) b.report.maxLagMs = lag;
      b.report.bytesSent += this.request.length;
    }
    this.inFlight++;
    const hold = this.delays ? this.delays.sample(conn.delay) : 0;
    if (hold <= 0) {
      this.write(conn, req);
      return;
    }
    // Held on its connection as the network would hold it, from when the connection is up (so a new
    // connection's own set-up is not hidden inside the hold); the write's lateness counts like a send's.
    conn.whenConnected(() => this.held.hold(performance.now() + hold, (lateMs) => {
      if (req.measured && lateMs > 0) {
        const b = this.current(this.now());
        if (lateMs > LATE_THRESHOLD_MS && lag <= LATE_THRESHOLD_MS) b.report.late++;
        if (lag + lateMs > b.report.maxLagMs) b.report.maxLagMs = lag + lateMs;
      }
      if (!conn.usable) {
        this.onDone(conn, req, 'reset', null);
        return;
      }
      this.write(conn, req);
    }), (kind) => this.onDone(conn, req, kind, null));
  }

  private write(conn: Connection, req: Pending): void {
    conn.send(this.request, performance.now() + this.plan.timeoutMs, (err, res) => this.onDone(conn, req, err, res));
  }

  private onDone(conn: Connection, req: Pending, err: TransportError | null, res: ParsedResponse | null): void {
    if (this.stopped) return;
    this.inFlight--;
    const now = this.now();
    const received = conn.takeBytesIn();
    if (req.measured) this.record(this.current(now), req, now, err, res, received);
    if (this.plan.connectionMode === 'keep-alive' && conn.usable) {
      let list = this.idle.get(conn.source);
      if (!list) this.idle.set(conn.source, (list = []));
      list.push(conn);
    } else {
      this.forget(conn);
    }
    this.drainQueue();
    if (req.then) req.then();
    this.maybeFinish();
  }

  private record(b: Bucket, req: Pending, now: number, err: TransportError | null, res: ParsedResponse | null, received: number): void {
    const r = b.report;
    r.bytesReceived += received;
    if (err || !res) {
      r.errors++;
      r.errorsByKind[err ?? 'other']++;
      return;
    }
    r.responses++;
    recordMs(b.hist, now - req.intended);
    if (res.status >= 400) {
      r.errors++;
      if (res.status < 500) r.errorsByKind.status4xx++;
      else r.errorsByKind.status5xx++;
      const key = String(res.status);
      r.errorsByKind.byStatus[key] = (r.errorsByKind.byStatus[key] ?? 0) + 1;
    }
    const obs = this.plan.observe;
    if (obs?.clientIpHeader) {
      const seen = res.headers[obs.clientIpHeader.toLowerCase()];
      r.ipChecked++;
      if (seen === req.source) r.ipRetained++;
      else bump(r.ipOther, seen ?? '(header missing)');
    }
    for (const h of obs?.tallyHeaders ?? []) {
      bump((r.tallies[h] ??= {}), res.headers[h.toLowerCase()] ?? '(header missing)');
    }
  }

  /**
   * Sends queued requests in order of intended time as connections allow. A request whose source has no
   * usable connection yet does not block the ones behind it: up to DRAIN_LOOKAHEAD entries are tried, so
   * rapid source rotation cannot stall the queue behind one source's pending connect.
   */
  private drainQueue(): void {
    let scanned = 0;
    let k = this.queueHead;
    while (k < this.queue.length && scanned < DRAIN_LOOKAHEAD) {
      const req = this.queue[k];
      const conn = this.acquire(req.source);
      if (!conn) {
        if (this.open.size >= this.connectionLimit && !this.hasIdle()) return; // nothing can move until a response
        k++;
        scanned++;
        continue;
      }
      // Remove entry k, keeping order: the head moves forward when k is the head.
      if (k === this.queueHead) this.queueHead++;
      else this.queue.splice(k, 1);
      this.send(conn, req);
    }
    if (this.queueHead >= this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    }
  }

  private hasIdle(): boolean {
    for (const list of this.idle.values()) if (list.length > 0) return true;
    return false;
  }

  private sweep(): void {
    if (this.stopped) return;
    const wall = performance.now();
    for (const c of this.open) if (c.deadline <= wall) c.expire();
    // A queued request that waited a whole timeout for a connection is given up: it was never sent.
    const now = this.now();
    while (this.queueHead < this.queue.length && this.queue[this.queueHead].intended + this.plan.timeoutMs <= now) {
      const gone = this.queue[this.queueHead++];
      if (gone.measured) this.current(now).report.unsent++;
      gone.then?.();
    }
    this.current(now);
    this.maybeFinish();
  }

  /** The bucket for time `now`, flushing the previous one when an interval boundary has passed. */
  private current(now: number): Bucket {
    const idx = Math.min(this.lastInterval, Math.max(0, Math.floor((now - this.warmupMs) / this.intervalMs)));
    if (idx !== this.bucket.report.idx) {
      this.flush();
      this.bucket = { report: emptyReport(idx), hist: newHistogram() };
    }
    this.bucket.report.maxConnections = Math.max(this.bucket.report.maxConnections, this.open.size);
    return this.bucket;
  }

  private flush(): void {
    const { report, hist } = this.bucket;
    report.hist = encodeHistogram(hist).data;
    capDistinct(report.ipOther);
    for (const t of Object.values(report.tallies)) capDistinct(t);
    this.post({ type: 'interval', report });
  }

  private maybeFinish(): void {
    if (this.stopped || this.generating || this.activeVus > 0 || this.inFlight > 0 || this.queueHead < this.queue.length) return;
    this.finish();
  }

  private finish(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.held.close();
    for (const c of this.open) c.destroy();
    this.open.clear();
    this.idle.clear();
    this.flush();
    this.post({ type: 'done' });
  }
}

/** Worker `index`'s part of `total` when split as evenly as possible over `count` workers. */
export function share(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function capDistinct(counts: Record<string, number>): void {
  const keys = Object.keys(counts);
  if (keys.length <= MAX_DISTINCT_VALUES) return;
  keys.sort((a, b) => counts[b] - counts[a]);
  let rest = 0;
  for (const k of keys.slice(MAX_DISTINCT_VALUES)) {
    rest += counts[k];
    delete counts[k];
  }
  counts['(other values)'] = (counts['(other values)'] ?? 0) + rest;
}

// What each hop adds in this run with nothing injected, and the run's lab floor: sequential keep-alive probes
// enter the chain at every hop that can be entered (and at the service itself), interleaved in rounds so a
// busy moment of the machine falls on every entry alike. A hop's added latency is the difference between
// entering at it and entering at the next probed hop; the floor is client -> service directly (driver,
// loopback, echo). The path's modeled delays are applied by the driver, never by these probes, so what they
// see is the lab's own cost for an emulated hop and the real component's for a measured one.
import http from 'node:http';
import https from 'node:https';
import type { LoadTarget } from '../load/types.ts';
import { newHistogram, recordMs, summarize, type Histogram } from '../load/histogram.ts';
import type { HopRealization, LatencySummary } from '../result/types.ts';

/** A client address the load never uses, so probes take nothing from a per-source rate rule of the run. */
export const PROBE_SOURCE = '127.1.255.254';

export interface HopProbeResult {
  /** Per hop (index as in Realized.hops): the entry's own latency, or why it was not probed. */
  entries: Array<{ latency: LatencySummary; n: number } | { skipped: string } | null>;
  /** Client -> service directly. */
  floor: { latency: LatencySummary; n: number } | null;
}

export async function probeHops(entries: Array<LoadTarget | null>, o: { probes?: number; rounds?: number; source?: string; signal?: AbortSignal } = {}): Promise<HopProbeResult> {
  const perEntry = o.probes ?? 200;
  const rounds = o.rounds ?? 10;
  const source = o.source ?? PROBE_SOURCE;
  const hists = entries.map(() => newHistogram());
  const counts = entries.map(() => 0);
  const skipped = entries.map<string | null>((e) => (e ? null : 'the chain cannot be entered here'));
  const agents = entries.map((e) =>
    e ? (e.tls ? new https.Agent({ keepAlive: true, maxSockets: 1, localAddress: source, rejectUnauthorized: false, servername: e.tls.servername } as https.AgentOptions) : new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: source } as http.AgentOptions)) : null,
  );
  try {
    // One unmeasured request per entry first: connection set-up (and TLS) is not what a warm request costs.
    for (let i = 0; i < entries.length; i++) if (entries[i]) await once(i, null);
    for (let r = 0; r < rounds && !o.signal?.aborted; r++) {
      for (let i = 0; i < entries.length; i++) {
        if (!entries[i] || skipped[i]) continue;
        for (let k = 0; k < Math.ceil(perEntry / rounds) && !skipped[i]; k++) await once(i, hists[i]);
      }
    }
  } finally {
    for (const a of agents) a?.destroy();
  }
  const out: HopProbeResult['entries'] = entries.map((e, i) => (skipped[i] ? { skipped: skipped[i]! } : counts[i] ? { latency: summarize(hists[i]), n: counts[i] } : null));
  const last = out.length - 1;
  const f = out[last];
  return { entries: out, floor: f && 'latency' in f ? f : null };

  async function once(i: number, h: Histogram | null): Promise<void> {
    const e = entries[i]!;
    const t0 = performance.now();
    const status = await new Promise<number | string>((resolve) => {
      const req = (e.tls ? https : http).get(
        { host: e.host, port: e.port, path: e.path, agent: agents[i]!, headers: { host: e.hostHeader ?? e.host }, timeout: 5000 },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', (err) => resolve(err.message));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve(err.message));
    });
    const ms = performance.now() - t0;
    if (status !== 200) {
      skipped[i] = typeof status === 'number' ? `entering here answers ${status}` : `entering here fails (${status})`;
      return;
    }
    if (h) {
      recordMs(h, ms);
      counts[i]++;
    }
  }
}

/**
 * Each hop's added latency: its entry minus the next probed entry (p50 from p50, p99 from p99: a reading aid,
 * not a distribution of the difference). Hops that cannot be entered get null; the hop before them then
 * carries their share, which its `what` says.
 */
export function addedPerHop(hops: HopRealization[], r: HopProbeResult, n: number): Array<HopRealization['addedMs']> {
  const lat = r.entries.map((e) => (e && 'latency' in e ? e.latency : null));
  return hops.map((h, i) => {
    const mine = lat[i];
    if (!mine || i === hops.length - 1) return null;
    let j = i + 1;
    while (j < hops.length && !lat[j]) j++;
    const next = lat[j];
    if (!next) return null;
    const covers = hops.slice(i, j).map((x) => x.name);
    return {
      p50: round(mine.p50 - next.p50),
      p99: round(mine.p99 - next.p99),
      probes: n,
      fidelity: 'measured' as const,
      what: `probes entering at ${h.name} minus probes entering at ${hops[j].name}${covers.length > 1 ? ` (covers ${covers.join(' + ')})` : ''}, nothing injected`,
    };
  });
}

const round = (x: number) => Math.round(x * 1000) / 1000;

// The emulation's figures, measured in one process so every comparison is interleaved within one run (the
// machine is shared: compare ratios, never a figure from another moment). bench/emulation.ts calls these
// inside a lab network namespace (kernel NAT available) or, without root, on loopback. Nothing is asserted.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { loadScenarioOrThrow } from '../harness/scenario/resolve.ts';
import { provisionLocal, type LocalOptions } from '../harness/providers/local/index.ts';
import { loadShapeFor } from '../harness/run/bench.ts';
import { loadPlanFor } from '../harness/run/drive.ts';
import { runLoad } from '../harness/load/index.ts';
import type { LoadOutcome } from '../harness/load/types.ts';
import type { Realized } from '../harness/providers/types.ts';
import { addedPerHop, probeHops } from '../harness/measure/hop-probes.ts';
import { DeadlineQueue } from '../harness/lib/deadline-queue.ts';
import { decodeHistogram, mergeHistograms, newHistogram, recordMs, summarize } from '../harness/load/histogram.ts';
import { lognormalSampler } from '../harness/emulation/prng.ts';
import { seededRandom } from '../harness/lib/random.ts';

/** A way to realize the emulated hops: kernel NAT (only inside a lab namespace) or one process per hop; and
 *  where modeled delays are applied (once per request by the driver, or inside every hop process). */
export interface Variant {
  label: string;
  kernelNat: boolean;
  delaysAt: 'path' | 'hops';
}

export const KERNEL: Variant = { label: 'kernel NAT + driver delays', kernelNat: true, delaysAt: 'path' };
export const PROCESSES: Variant = { label: 'processes + driver delays', kernelNat: false, delaysAt: 'path' };
export const BEFORE: Variant = { label: 'processes + per-hop timers (before)', kernelNat: false, delaysAt: 'hops' };

type Log = (l: string) => void;

/**
 * Realizes a scenario for one variant. `builtinGateway`: the gateway hop runs on the built-in emulation, for
 * figures that keep several realizations up at once (Envoy Gateway standalone binds fixed ports: one per
 * network namespace); the real gateway's own cost is bench/gateway.ts's figure.
 */
async function up(scenario: string, v: Variant, injectLatency: boolean, seed: number, log: Log, builtinGateway = false): Promise<Realized> {
  const local: LocalOptions = { kernelNat: v.kernelNat, delaysAt: v.delaysAt };
  const s = loadScenarioOrThrow(scenario);
  if (builtinGateway) for (const h of s.hops) if (h.entry.gateway && (h.settings as { realization?: string }).realization !== undefined) (h.settings as { realization: string }).realization = 'builtin';
  return provisionLocal(s, { runId: `perf-${scenario}-${v.kernelNat ? 'k' : 'p'}${v.delaysAt === 'hops' ? 'h' : ''}`, injectLatency, seed, log: () => {} }, local).catch((e) => {
    log(`${scenario} (${v.label}) failed to start: ${(e as Error).message}`);
    throw e;
  });
}

async function drive(r: Realized, scenario: string, rate: number, durationS: number, warmupS: number): Promise<LoadOutcome> {
  const shape = loadShapeFor(loadScenarioOrThrow(scenario), { rate, durationS, warmupS });
  const plan = loadPlanFor(shape, r);
  if (r.delays?.plan) plan.pathDelay = r.delays.plan;
  return runLoad(plan, { driver: 'builtin' });
}

const f3 = (x: number) => x.toFixed(3);

/** How precisely the driver's hold queue applies a sub-millisecond delay (its own error, in ms). */
export async function holdPrecision(o: { n?: number; log: Log }): Promise<{ p50: number; p99: number; max: number }> {
  const n = o.n ?? 2000;
  const sample = lognormalSampler({ medianMs: 0.1, p99Ms: 0.5 }, seededRandom(1));
  const q = new DeadlineQueue();
  const h = newHistogram();
  for (let i = 0; i < n; i++) {
    const d = sample();
    const t = performance.now();
    await new Promise<void>((r) => q.hold(t + d, () => r()));
    recordMs(h, Math.abs(performance.now() - t - d));
  }
  const s = summarize(h);
  return { p50: s.p50, p99: s.p99, max: s.max };
}

export interface OverheadRow {
  scenario: string;
  variant: string;
  emulatedHops: number;
  p50: number;
  p99: number;
  /** (chain - direct) / emulated hops, same run. */
  perHopP50: number;
  perHopP99: number;
  valid: boolean;
  /** Probe-measured added latency of each hop (nothing injected); a real data plane is marked [real]. */
  added: Array<{ hop: string; realizedBy: string; p50: number; p99: number }>;
}

/**
 * Lab overhead per emulated hop: --no-latency, each chain vs direct at an open-model rate, every chain
 * realized at once and driven in interleaved slots, `rounds` times; percentiles of the merged slots.
 */
export async function overhead(o: { scenarios: string[]; variants: Variant[]; rate: number; slotS: number; rounds: number; log: Log }): Promise<OverheadRow[]> {
  const setups: Array<{ scenario: string; v: Variant; r: Realized }> = [];
  try {
    setups.push({ scenario: 'direct', v: PROCESSES, r: await up('direct', PROCESSES, false, 1, o.log, true) });
    // Every chain is up at once (interleaved slots): the gateway on the built-in emulation, see up().
    for (const s of o.scenarios) for (const v of o.variants) setups.push({ scenario: s, v, r: await up(s, v, false, 1, o.log, true) });
    const lat = setups.map(() => [] as LoadOutcome[]);
    for (let round = 0; round < o.rounds; round++) {
      for (let i = 0; i < setups.length; i++) lat[i].push(await drive(setups[i].r, setups[i].scenario, o.rate, o.slotS, 1));
    }
    // Probes entering at each hop of each chain, after the load.
    const added: OverheadRow['added'][] = [];
    for (const s of setups) {
      const p = s.r.entries ? await probeHops(s.r.entries, { probes: 300 }) : null;
      const a = p ? addedPerHop(s.r.hops, p, 300) : [];
      added.push(s.r.hops.flatMap((h, i) => (a[i] ? [{ hop: h.name, realizedBy: `${h.realizedBy.split(' (')[0]}${h.fidelity === 'measured' ? ' [real]' : ''}`, p50: a[i]!.p50, p99: a[i]!.p99 }] : [])));
    }
    const merged = lat.map((runs) => {
      // Percentiles over every slot's requests (exact: the slots' histograms merged).
      const s = summarize(mergeHistograms(runs.map((r) => decodeHistogram(r.histogram))));
      return { p50: s.p50, p99: s.p99, valid: runs.every((r) => r.validity.valid) };
    });
    const d = merged[0];
    return setups.slice(1).map((s, k) => {
      const m = merged[k + 1];
      const n = s.r.hops.filter((h) => h.fidelity === 'emulated').length;
      return { scenario: s.scenario, variant: s.v.label, emulatedHops: n, p50: m.p50, p99: m.p99, perHopP50: (m.p50 - d.p50) / n, perHopP99: (m.p99 - d.p99) / n, valid: m.valid && d.valid, added: added[k + 1] };
    }).concat([{ scenario: 'direct', variant: 'control', emulatedHops: 0, p50: d.p50, p99: d.p99, perHopP50: 0, perHopP99: 0, valid: d.valid, added: [] }]);
  } finally {
    await Promise.all(setups.map((s) => s.r.teardown()));
  }
}

export interface RateRow {
  scenario: string;
  variant: string;
  rate: number;
  achieved: number;
  p50: number;
  p99: number;
  valid: boolean;
  reasons: string[];
}

/** The highest valid rate: each rate a short open-model run with modeled latency injected, one realization. */
export async function maxRate(o: { scenario: string; variant: Variant; rates: number[]; durationS: number; log: Log }): Promise<RateRow[]> {
  const r = await up(o.scenario, o.variant, true, 1, o.log);
  const rows: RateRow[] = [];
  try {
    for (const rate of o.rates) {
      const out = await drive(r, o.scenario, rate, o.durationS, 1);
      rows.push({ scenario: o.scenario, variant: o.variant.label, rate, achieved: out.achievedRps, p50: out.latencyMs.p50, p99: out.latencyMs.p99, valid: out.validity.valid, reasons: out.validity.reasons });
      o.log(`  ${o.scenario} ${o.variant.label} ${rate} req/s: achieved ${out.achievedRps.toFixed(0)}, p50 ${f3(out.latencyMs.p50)} ms, p99 ${f3(out.latencyMs.p99)} ms, ${out.validity.valid ? 'valid' : `INVALID (${out.validity.reasons[0] ?? ''})`}`);
      if (!out.validity.valid && out.achievedRps < rate * 0.9) break; // saturated: higher rates only queue
    }
  } finally {
    await r.teardown();
  }
  return rows;
}

export interface CpuRow {
  scenario: string;
  variant: string;
  requests: number;
  /** CPU time per request by process (driver included), microseconds: measured from /proc, robust to a shared machine. */
  perProcessUs: Array<{ what: string; us: number }>;
  totalUs: number;
  /** cores / CPU per request: the rate this machine could carry if nothing else ran on it (computed). */
  impliedMaxRps: number;
}

/** utime + stime of a process and all its threads, in microseconds (null when it is gone). */
function procCpuUs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) / CLK_TCK) * 1e6;
  } catch {
    return null;
  }
}
const CLK_TCK = 100;

/**
 * CPU time per request of every process on the path (the driver's whole process included), from /proc: a
 * figure a busy machine does not distort the way it distorts latency. Its inverse on this machine's cores is
 * the rate the path could carry with nothing else running, and says which process sets the limit.
 */
export async function cpuPerRequest(o: { scenario: string; variant: Variant; rate: number; durationS: number; log: Log }): Promise<CpuRow> {
  const r = await up(o.scenario, o.variant, true, 1, o.log);
  try {
    await drive(r, o.scenario, Math.min(o.rate, 500), 1, 0); // warm every process first
    const pids = r.processes.map((p) => ({ what: p.what, pid: p.pid }));
    const before = pids.map((p) => procCpuUs(p.pid) ?? 0);
    const self0 = process.cpuUsage();
    const out = await drive(r, o.scenario, o.rate, o.durationS, 0);
    const self = process.cpuUsage(self0);
    const after = pids.map((p) => procCpuUs(p.pid) ?? 0);
    const n = Math.max(1, out.requests);
    const perProcessUs = [{ what: 'load driver (whole process)', us: (self.user + self.system) / n }, ...pids.map((p, i) => ({ what: p.what, us: (after[i] - before[i]) / n }))];
    const totalUs = perProcessUs.reduce((a, b) => a + b.us, 0);
    return { scenario: o.scenario, variant: o.variant.label, requests: out.requests, perProcessUs, totalUs, impliedMaxRps: (os.availableParallelism() * 1e6) / totalUs };
  } finally {
    await r.teardown();
  }
}

export interface SpreadRow {
  variant: string;
  runs: Array<{ p50: number; p99: number; valid: boolean }>;
  p50MaxOverMin: number;
  p99MaxOverMin: number;
}

/** Back-to-back identical runs (each provisioned, driven and torn down), variants alternating run by run. */
export async function spread(o: { scenario: string; variants: Variant[]; runs: number; rate: number; durationS: number; warmupS: number; log: Log }): Promise<SpreadRow[]> {
  const rows = o.variants.map((v) => ({ variant: v.label, runs: [] as SpreadRow['runs'] }));
  for (let i = 0; i < o.runs; i++) {
    for (let k = 0; k < o.variants.length; k++) {
      const r = await up(o.scenario, o.variants[k], true, 1, o.log);
      try {
        const out = await drive(r, o.scenario, o.rate, o.durationS, o.warmupS);
        rows[k].runs.push({ p50: out.latencyMs.p50, p99: out.latencyMs.p99, valid: out.validity.valid });
      } finally {
        await r.teardown();
      }
    }
    o.log(`  run ${i + 1}/${o.runs}: ${rows.map((r) => `${r.variant}: p50 ${f3(r.runs[i].p50)} p99 ${f3(r.runs[i].p99)}`).join(' | ')}`);
  }
  return rows.map((r) => ({
    ...r,
    p50MaxOverMin: Math.max(...r.runs.map((x) => x.p50)) / Math.min(...r.runs.map((x) => x.p50)),
    p99MaxOverMin: Math.max(...r.runs.map((x) => x.p99)) / Math.min(...r.runs.map((x) => x.p99)),
  }));
}

export interface Figures {
  where: string;
  cpu: CpuRow[];
  /** os.loadavg() at the start and at the end: how shared the machine was. */
  loadAvg: [number[], number[]];
  cpus: number;
  hold: { p50: number; p99: number; max: number };
  overhead: OverheadRow[];
  rates: RateRow[];
  spread: SpreadRow[];
}

/** Every figure, in one run (called inside a lab namespace when kernel NAT is available). */
export async function allFigures(o: { kernel: boolean; quick?: boolean; log: Log }): Promise<Figures> {
  const q = !!o.quick;
  const load0 = os.loadavg();
  const variants = o.kernel ? [KERNEL, PROCESSES] : [PROCESSES];
  o.log('hold queue precision...');
  const hold = await holdPrecision({ n: q ? 500 : 2000, log: o.log });
  o.log('lab overhead per emulated hop (--no-latency, chain vs direct, interleaved)...');
  const ov = await overhead({ scenarios: ['public-nlb', 'alb-nlb-gateway'], variants, rate: 200, slotS: q ? 2 : 4, rounds: q ? 2 : 3, log: o.log });
  o.log('max valid rate (modeled latency injected)...');
  const rates: RateRow[] = [];
  const ladder = q ? [1000, 4000, 10000] : [1000, 2000, 4000, 6000, 8000, 10000, 12000];
  for (const s of ['public-nlb', 'alb-nlb-gateway']) rates.push(...(await maxRate({ scenario: s, variant: variants[0], rates: ladder, durationS: q ? 2 : 3, log: o.log })));
  o.log('CPU time per request by process (from /proc)...');
  const cpu: CpuRow[] = [];
  for (const s of ['public-nlb', 'alb-nlb-gateway']) for (const v of variants) cpu.push(await cpuPerRequest({ scenario: s, variant: v, rate: 2000, durationS: q ? 2 : 4, log: o.log }));
  o.log('back-to-back identical runs at 200 req/s...');
  const sp = await spread({ scenario: 'public-nlb', variants: o.kernel ? [KERNEL, BEFORE] : [PROCESSES, BEFORE], runs: q ? 4 : 10, rate: 200, durationS: q ? 4 : 10, warmupS: q ? 1 : 2, log: o.log });
  return { cpu, loadAvg: [load0, os.loadavg()], cpus: os.availableParallelism(), where: o.kernel ? 'inside a lab network namespace (kernel NAT available)' : 'host namespace (loopback processes only)', hold, overhead: ov, rates, spread: sp };
}

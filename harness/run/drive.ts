// The part of a bench run that needs the realized topology: provision, drive the load, probe, tear down. It
// returns plain data, so it runs the same in this process or in a child inside the run's own lab network
// namespace (harness/labns/), where kernel NAT realizes the L4 hops and every process of the run lives.
import { loadScenarioOrThrow } from '../scenario/resolve.ts';
import { getProvider } from '../providers/index.ts';
import type { ProviderName, Realized } from '../providers/types.ts';
import type { LoadOutcome, LoadPlan, LoadShape } from '../load/types.ts';
import { runLoad } from '../load/index.ts';
import type { EmulationRecord, HopRealization, RunResult, SpoofFinding } from '../result/types.ts';
import { addedPerHop, probeHops } from '../measure/hop-probes.ts';
import { UserError } from '../lib/errors.ts';
import { runSpoofProbes } from '../measure/spoof.ts';
import { pathDelayAddsAnything } from '../load/path-delay.ts';
import type { Profile } from '../cost/types.ts';
import { applyOverlay, loadOverlay } from '../calibration/overlay.ts';

export interface DriveInput {
  scenario: string;
  provider: ProviderName;
  driver: 'builtin' | 'k6';
  /** k6: processes sharing the load with the k6-operator's execution segments. */
  runners?: number;
  /** A calibration overlay to apply to the scenario (the child re-loads the scenario by name). */
  calibration?: string;
  shape: LoadShape;
  injectLatency: boolean;
  seed: number;
  runId: string;
  /** Why the run is not in a lab network namespace (said in the emulation record). */
  fallbackReason?: string;
}

export interface Driven {
  hops: HopRealization[];
  tools: Record<string, string>;
  notes: string[];
  sources: number;
  outcome: LoadOutcome | null;
  spoofing?: SpoofFinding[];
  incidents: string[];
  error?: string;
  emulation?: EmulationRecord;
  floor?: RunResult['floor'];
}

/** The load aimed at what a realizer realized: its entry, its client sources, the echo's headers. */
export function loadPlanFor(shape: LoadShape, r: Realized): LoadPlan {
  return { ...shape, target: r.entry, sources: r.sources, observe: r.observe };
}

/**
 * The load plan aimed at a realization, with the path's modeled delays: the built-in driver holds each
 * request for them; a driver that cannot (k6) sends through one precise delay stage in front of the entry.
 */
export async function aimLoad(shape: LoadShape, r: Realized, driver: 'builtin' | 'k6', notes: string[]): Promise<{ plan: LoadPlan; delays: EmulationRecord['delays'] }> {
  const plan = loadPlanFor(shape, r);
  let delays: EmulationRecord['delays'] = r.delays ? 'none' : 'hops';
  if (r.delays && pathDelayAddsAnything(r.delays.plan)) {
    if (driver === 'builtin') {
      plan.pathDelay = r.delays.plan;
      delays = 'driver';
      notes.push('modeled delays: applied once per request by the built-in driver (held before the write, measured from the intended send time)');
    } else {
      plan.target = await r.delays.entryStage();
      delays = 'delay-stage';
      notes.push(`modeled delays: applied by one delay stage in front of the entry (${driver} cannot hold requests)`);
    }
  }
  return { plan, delays };
}

/**
 * Realizes the scenario, drives it and probes it. A UserError before anything was realized is thrown (the
 * run folder then holds nothing); any later failure is returned as `error` with what was measured.
 */
/** What only an in-process run can carry (functions, the parsed profile): the eks provider's confirmation. */
export interface DriveExtras {
  log: (l: string) => void;
  signal?: AbortSignal;
  yes?: boolean;
  confirm?: (summary: string) => Promise<boolean>;
  cost?: { profile?: Profile; rateRps?: number };
}

export async function driveRealizer(o: DriveInput & DriveExtras): Promise<Driven> {
  const loaded = loadScenarioOrThrow(o.scenario, () => {});
  const scenario = o.calibration ? applyOverlay(loaded, loadOverlay(o.calibration)).scenario : loaded;
  const provider = getProvider(o.provider);
  if (provider.shape !== 'realizer') throw new Error(`${o.provider} is not a realizing provider`);
  const out: Driven = { hops: [], tools: {}, notes: [], sources: 0, outcome: null, incidents: [] };
  let realized: Realized | undefined;
  try {
    o.log(`provisioning ${scenario.name} with provider ${o.provider}...`);
    const r = await provider.provision(scenario, { runId: o.runId, signal: o.signal, injectLatency: o.injectLatency, seed: o.seed, log: o.log, yes: o.yes, confirm: o.confirm, cost: o.cost });
    realized = r;
    out.hops = r.hops;
    out.incidents = r.incidents;
    Object.assign(out.tools, r.tools);
    const { plan, delays } = await aimLoad(o.shape, r, o.driver, out.notes);
    if (r.emulation) out.emulation = { ...r.emulation, ...(o.fallbackReason ? { reason: o.fallbackReason } : {}), delays };
    out.sources = plan.sources.length;
    o.log(`load: ${o.shape.executor.kind === 'constant-arrival-rate' ? `${o.shape.executor.rate} req/s for ${o.shape.executor.durationS} s` : o.shape.executor.kind} (+${o.shape.warmupS} s warm-up) from ${plan.sources.length} source addresses to ${plan.target.host}:${plan.target.port}`);
    const runners = o.runners ?? 1;
    if (runners > 1) o.log(`load: ${runners} k6 runners with the k6-operator's execution segments, ${Math.floor(plan.sources.length / runners)}+ source addresses each`);
    out.outcome = await runLoad(plan, { driver: o.driver, signal: o.signal, runners, scenario: scenario.name, log: o.log });
    // Figures the provider reads back at teardown (a real gateway's access log) cover the measured part only:
    // the window the driver measured ends now (its workers start late on a loaded machine, so the window is
    // counted back from the end rather than forward from the call).
    const loadEnd = Date.now();
    r.markLoadWindow?.({ fromMs: loadEnd - out.outcome.durationS * 1000, toMs: loadEnd });
    // Forged X-Forwarded-For / PROXY / mapped-header probes through the same realized topology.
    if (!o.signal?.aborted) {
      o.log('spoof probes: forged X-Forwarded-For, PROXY v1/v2 and mapped headers...');
      out.spoofing = await runSpoofProbes(r, scenario);
    }
    // Each hop's added latency and the lab floor, in this realization, after the load (probes must not take
    // throttle tokens or rate-rule budget the load would have had).
    if (!o.signal?.aborted && r.entries) {
      o.log('hop probes: entering the chain at each hop with nothing injected...');
      const probes = await probeHops(r.entries, { signal: o.signal });
      const added = addedPerHop(r.hops, probes, 200);
      r.hops.forEach((h, i) => {
        const e = probes.entries[i];
        if (added[i]) h.addedMs = added[i];
        else if (e && 'skipped' in e && i < r.hops.length - 1) h.addedMs = null;
        if (e && 'skipped' in e) (h.notes ??= []).push(`hop probe: ${e.skipped}`);
      });
      if (probes.floor) out.floor = { latencyMs: probes.floor.latency, probes: probes.floor.n, note: `client -> ${r.hops[r.hops.length - 1].name} directly, ${probes.floor.n} sequential keep-alive probes after the load, same realization (driver side: one keep-alive connection, not the load's workers)` };
    }
  } catch (e) {
    if (e instanceof UserError && !realized) throw e;
    out.error = (e as Error).message;
    o.log(`run failed: ${out.error}`);
  } finally {
    if (realized) {
      await realized.teardown();
      o.log('torn down every process the run started');
      out.hops = realized.hops; // overhead figures are filled in at teardown
    }
  }
  return out;
}

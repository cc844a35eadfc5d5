// Several short measurement windows of one or two configurations, each realized once: what the regression
// gate compares. The gate's unit of evidence is a run (most noise is between runs), so it needs many short
// runs per side; realizing a side for each of them would cost more than the windows themselves (the 2-minute
// budget of `make regress`, docs/regression-gate.md). Two sides run interleaved (A B A B ...) so both share
// the session's machine state.
//
// driveWindows runs where the realization lives (in the run's lab network namespace when there is one, like
// drive.ts); runWindows is the caller's side: it picks that place and turns every window into a result.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioOrThrow } from '../scenario/resolve.ts';
import { getProvider } from '../providers/index.ts';
import type { ProviderName, Realized } from '../providers/types.ts';
import type { LoadOutcome, LoadPlan, LoadShape } from '../load/types.ts';
import { runLoad } from '../load/index.ts';
import type { EmulationRecord, HopRealization, RunResult, SpoofFinding } from '../result/types.ts';
import { runSpoofProbes } from '../measure/spoof.ts';
import { UserError } from '../lib/errors.ts';
import type { Scenario } from '../scenario/model.ts';
import { aimLoad, type DriveExtras } from './drive.ts';
import { loadShapeFor } from './bench.ts';
import { buildResult } from './result-builder.ts';
import { gitRevision, hostInfo, labVersion } from './meta.ts';
import { emulationChoice, kernelEmulation } from '../labns/capability.ts';
import { currentLabNamespace } from '../labns/current.ts';
import { runInLabNamespace } from '../labns/run-inside.ts';

export interface WindowsInput {
  /** Scenario reference (name or file) of each side. */
  sides: string[];
  /** Side index of each window in time order, e.g. [0, 1, 0, 1] for A B A B. */
  order: number[];
  provider: ProviderName;
  driver: 'builtin' | 'k6';
  /** One load shape per side (the scenario's client habits differ). */
  shapes: LoadShape[];
  injectLatency: boolean;
  seed: number;
  runId: string;
  fallbackReason?: string;
}

export interface SideOutcome {
  hops: HopRealization[];
  tools: Record<string, string>;
  notes: string[];
  sources: number;
  spoofing?: SpoofFinding[];
  incidents: string[];
  emulation?: EmulationRecord;
}

export interface WindowOutcome {
  side: number;
  startedAt: string;
  endedAt: string;
  outcome: LoadOutcome | null;
  error?: string;
}

export interface DrivenWindows {
  sides: SideOutcome[];
  windows: WindowOutcome[];
  /** True when every side stayed realized for all its windows; false: realized again for each window. */
  together: boolean;
  notes: string[];
}

interface Live {
  r: Realized;
  plan: LoadPlan;
}

/**
 * Runs the windows in the given order, each in a fresh realization of its side; probes spoofing once per
 * side (on its first window); tears everything down, also on failure or abort.
 */
export async function driveWindows(o: WindowsInput & DriveExtras): Promise<DrivenWindows> {
  const scenarios = o.sides.map((s) => loadScenarioOrThrow(s, () => {}));
  const provider = getProvider(o.provider);
  if (provider.shape !== 'realizer') throw new Error(`${o.provider} is not a realizing provider`);
  const sides: SideOutcome[] = scenarios.map(() => ({ hops: [], tools: {}, notes: [], sources: 0, incidents: [] }));
  const windows: WindowOutcome[] = [];
  const notes: string[] = [];
  const live: Array<Live | undefined> = [];
  const realize = async (i: number, k: number): Promise<Live> => {
    const r = await provider.provision(scenarios[i], { runId: `${o.runId}-${i}-${k}`, signal: o.signal, injectLatency: o.injectLatency, seed: o.seed, log: o.log });
    const side = sides[i];
    side.hops = r.hops;
    side.incidents = [...new Set([...side.incidents, ...r.incidents])];
    Object.assign(side.tools, r.tools);
    const sideNotes: string[] = [];
    const { plan, delays } = await aimLoad(o.shapes[i], r, o.driver, sideNotes);
    for (const n of sideNotes) if (!side.notes.includes(n)) side.notes.push(n);
    if (r.emulation) side.emulation = { ...r.emulation, ...(o.fallbackReason ? { reason: o.fallbackReason } : {}), delays };
    side.sources = plan.sources.length;
    return { r, plan };
  };
  const probe = async (i: number, l: Live) => {
    if (sides[i].spoofing || o.signal?.aborted) return;
    sides[i].spoofing = await runSpoofProbes(l.r, scenarios[i]);
  };
  const teardown = async (i: number) => {
    const l = live[i];
    live[i] = undefined;
    if (!l) return;
    await l.r.teardown();
    sides[i].hops = l.r.hops;
  };
  const window = async (i: number, l: Live) => {
    const startedAt = new Date().toISOString();
    try {
      const outcome = await runLoad(l.plan, { driver: o.driver, signal: o.signal, runners: 1, scenario: scenarios[i].name, log: () => {} });
      const end = Date.now();
      l.r.markLoadWindow?.({ fromMs: end - outcome.durationS * 1000, toMs: end });
      windows.push({ side: i, startedAt, endedAt: new Date().toISOString(), outcome });
      const v = outcome.validity;
      o.log(`window ${windows.length}/${o.order.length} (${o.sides.length > 1 ? (i === 0 ? 'A' : 'B') : 'run'}): p50 ${outcome.latencyMs.p50.toFixed(2)} ms, p99 ${outcome.latencyMs.p99.toFixed(2)} ms, ${outcome.achievedRps.toFixed(0)} req/s${v.valid ? '' : ' INVALID'}`);
    } catch (e) {
      windows.push({ side: i, startedAt, endedAt: new Date().toISOString(), outcome: null, error: (e as Error).message });
      o.log(`window ${windows.length} failed: ${(e as Error).message}`);
    }
  };
  // Each window realizes its side afresh. Both sides realized side by side cannot share one network namespace:
  // Envoy Gateway binds fixed ports (dataplanes/envoy-gateway.ts: one run with Envoy Gateway per namespace),
  // and trying it hung the second realization of public-nlb. One namespace per side would allow it; until
  // then every window pays its realization (docs/regression-gate.md).
  const together = false;
  try {
    for (let k = 0; k < o.order.length && !o.signal?.aborted; k++) {
      const i = o.order[k];
      live[i] = await realize(i, k);
      await window(i, live[i]!);
      await probe(i, live[i]!);
      await teardown(i);
      if (windows[windows.length - 1].error) break;
    }
  } finally {
    for (let i = 0; i < live.length; i++) {
      await teardown(i).catch((e) => o.log(`teardown of side ${i + 1}: ${(e as Error).message}`));
    }
    o.log('torn down every process the windows started');
  }
  return { sides, windows, together, notes };
}

export interface WindowsOptions {
  sides: string[];
  order: number[];
  provider: ProviderName;
  driver: 'builtin' | 'k6';
  rate: number;
  durationS: number;
  warmupS: number;
  injectLatency: boolean;
  seed: number;
  /** Folder for the windows' result.json files (runs/<nn>-<label>.json). */
  outDir: string;
  labels: string[];
  signal?: AbortSignal;
  log: (line: string) => void;
}

export interface WindowsRun {
  /** Results per side, in time order. */
  results: RunResult[][];
  files: string[];
  notes: string[];
}

/** Runs the windows where they belong and writes one result.json per window. */
export async function runWindows(o: WindowsOptions): Promise<WindowsRun> {
  const warnings: string[] = [];
  const scenarios: Scenario[] = o.sides.map((s) =>
    loadScenarioOrThrow(s, (w) => {
      warnings.push(`${w.field}: ${w.message} (hint: ${w.hint})`);
      o.log(`warning: ${w.file}:${w.line}: ${w.field}: ${w.message}`);
    }),
  );
  const provider = getProvider(o.provider);
  const avail = await provider.available();
  if (!avail.ok) throw new UserError(`provider ${o.provider} cannot run here: ${avail.reason}`, avail.hint);
  const shapes = scenarios.map((s) => loadShapeFor(s, o));
  const settings = (i: number, k: number, notes: string[]) => ({ rate: o.rate, durationS: o.durationS, warmupS: o.warmupS, driver: o.driver, injectLatency: o.injectLatency, seed: o.seed, connectionMode: shapes[i].connectionMode, gateWindow: k + 1, notes });
  const meta = { labVersion: labVersion(), gitRevision: gitRevision(), host: hostInfo() };
  const results: RunResult[][] = scenarios.map(() => []);
  const notes: string[] = [];
  if (provider.shape === 'simulator') {
    // The model provider: every window is a simulation with its own seed (modeled figures, no noise between runs
    // beyond sampling).
    for (let k = 0; k < o.order.length && !o.signal?.aborted; k++) {
      const i = o.order[k];
      const startedAt = new Date();
      const sim = await provider.simulate(scenarios[i], shapes[i], { seed: o.seed + k, log: () => {} });
      results[i].push(buildResult({ scenario: scenarios[i], provider: o.provider, load: { shape: shapes[i], sources: 0 }, outcome: sim.outcome, hops: sim.hops, startedAt, endedAt: new Date(), meta: { ...meta, tools: {}, settings: settings(i, k, sim.notes) }, interrupted: false, incidents: [], warnings }));
    }
  } else {
    const input: WindowsInput = { sides: o.sides, order: o.order, provider: o.provider, driver: o.driver, shapes, injectLatency: o.injectLatency, seed: o.seed, runId: `${Date.now().toString(36)}-${process.pid}` };
    const d = await driveWindowsWhere(input, o);
    notes.push(...d.notes);
    d.windows.forEach((w, k) => {
      const side = d.sides[w.side];
      results[w.side].push(
        buildResult({
          scenario: scenarios[w.side],
          provider: o.provider,
          load: { shape: shapes[w.side], sources: side.sources },
          outcome: w.outcome,
          hops: side.hops,
          startedAt: new Date(w.startedAt),
          endedAt: new Date(w.endedAt),
          meta: { ...meta, tools: side.tools, settings: settings(w.side, k, [...side.notes, ...d.notes]) },
          interrupted: !!o.signal?.aborted || !!w.outcome?.interrupted,
          error: w.error,
          incidents: side.incidents,
          emulation: side.emulation,
          warnings,
          spoofing: side.spoofing,
        }),
      );
    });
  }
  const files: string[] = [];
  mkdirSync(join(o.outDir, 'runs'), { recursive: true });
  results.forEach((rs, i) =>
    rs.forEach((r, n) => {
      const f = join(o.outDir, 'runs', `${String(n + 1).padStart(2, '0')}-${o.labels[i]}.json`);
      writeFileSync(f, JSON.stringify(r, null, 2) + '\n');
      files.push(f);
    }),
  );
  return { results, files, notes };
}

async function driveWindowsWhere(input: WindowsInput, o: WindowsOptions): Promise<DrivenWindows> {
  const local = input.provider === 'local' && !currentLabNamespace();
  const choice = emulationChoice();
  if (local && choice !== 'loopback') {
    const k = await kernelEmulation();
    if (k.ok) return runInLabNamespace<DrivenWindows>({ module: 'harness/run/windows.ts', fn: 'driveWindows', input: { ...input } }, { log: o.log, signal: o.signal });
    if (choice === 'netns') throw new UserError(`EXPOSURE_LAB_EMULATION=netns, but ${k.reason}`, k.hint);
    o.log(`emulation: loopback processes (${k.reason}); ${k.hint}`);
    return driveWindows({ ...input, fallbackReason: `loopback processes: ${k.reason}`, log: o.log, signal: o.signal });
  }
  return driveWindows({ ...input, ...(choice === 'loopback' && local ? { fallbackReason: 'loopback processes: EXPOSURE_LAB_EMULATION=loopback' } : {}), log: o.log, signal: o.signal });
}

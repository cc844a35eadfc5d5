// One bench run, start to finish: load the scenario, realize it with a provider, drive load, probe, price,
// and write the run folder. Teardown always happens, and whatever was measured is always written.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioOrThrow } from '../scenario/resolve.ts';
import { getProvider } from '../providers/index.ts';
import type { ProviderName } from '../providers/types.ts';
import type { LoadOutcome, LoadShape } from '../load/types.ts';
import { requireK6 } from '../load/k6/run.ts';
import type { EmulationRecord, HopRealization, RunResult } from '../result/types.ts';
import { UserError } from '../lib/errors.ts';
import { buildResult } from './result-builder.ts';
import { runFolderName } from './ids.ts';
import { gitRevision, hostInfo, labVersion } from './meta.ts';
import { writeRunFolder } from '../report/run-folder.ts';
import type { Scenario } from '../scenario/model.ts';
import { costForRun, loadProfile } from '../cost/index.ts';
import type { Profile } from '../cost/types.ts';
import type { SpoofFinding } from '../result/types.ts';
import { applyOverlay, loadOverlay, type OverlayApplication } from '../calibration/overlay.ts';
import { driveRealizer, type DriveInput, type Driven } from './drive.ts';
import { emulationChoice, kernelEmulation } from '../labns/capability.ts';
import { currentLabNamespace } from '../labns/current.ts';
import { runInLabNamespace } from '../labns/run-inside.ts';

export { loadPlanFor } from './drive.ts';

export interface BenchOptions {
  scenario: string;
  provider: ProviderName;
  driver: 'builtin' | 'k6';
  /** k6: processes sharing the load with the k6-operator's execution segments (default 1). */
  runners?: number;
  /** Target request rate (req/s) of the constant-arrival-rate executor. */
  rate: number;
  durationS: number;
  warmupS: number;
  /** Overrides the scenario client's connection mode. */
  connectionMode?: 'keep-alive' | 'new-connection';
  /** Cost profile used to price the run. */
  profile?: string;
  outDir: string;
  injectLatency: boolean;
  seed: number;
  signal?: AbortSignal;
  log: (line: string) => void;
  /** Live progress on stderr (TTY only). */
  progress?: boolean;
  /** Model provider: measured result.json files to calibrate hop distributions and capacity from. */
  calibrateFrom?: string[];
  /** A calibration overlay (`exposure-lab calibrate`): fitted hop distributions replace the catalog's (local, model). */
  calibration?: string;
  /** eks: create the AWS resources without asking (--yes). */
  yes?: boolean;
  /** eks: asks before anything is created (the CLI prompts on a terminal). */
  confirm?: (summary: string) => Promise<boolean>;
}

export const BENCH_DEFAULTS = {
  provider: 'local' as ProviderName,
  driver: 'builtin' as const,
  rate: 200,
  durationS: 10,
  warmupS: 2,
  outDir: 'reports/runs',
  seed: 1,
  profile: 'profiles/medium.yaml',
};

/** What the run asks of the load: the scenario client's habits and the bench options; no target yet. */
export function loadShapeFor(scenario: Scenario, o: Pick<BenchOptions, 'rate' | 'durationS' | 'warmupS' | 'connectionMode'>): LoadShape {
  const client = scenario.hops[0].settings;
  return {
    executor: { kind: 'constant-arrival-rate', rate: o.rate, durationS: o.durationS },
    warmupS: o.warmupS,
    requestsPerSource: client.requestsPerSource,
    connectionMode: o.connectionMode ?? client.connectionMode,
    method: 'GET',
    requestBodyBytes: 0,
    timeoutMs: 5000,
    workers: 0,
    maxConnections: 512,
    intervalS: 1,
  };
}

export async function runBench(o: BenchOptions): Promise<{ dir: string; result: RunResult }> {
  const warnings: string[] = [];
  let scenario = loadScenarioOrThrow(o.scenario, (w) => {
    warnings.push(`${w.field}: ${w.message} (hint: ${w.hint})`);
    o.log(`warning: ${w.file}:${w.line}: ${w.field}: ${w.message}`);
  });
  // A bad overlay fails before anything is started, like a bad scenario.
  let overlay: OverlayApplication | undefined;
  if (o.calibration) {
    if (o.provider !== 'local' && o.provider !== 'model') {
      throw new UserError(`--calibration applies to the local and model providers, not ${o.provider}`, `a ${o.provider} run measures the real components: drop --calibration, or run --provider local or model`);
    }
    const applied = applyOverlay(scenario, loadOverlay(o.calibration));
    scenario = applied.scenario;
    overlay = applied.application;
    o.log(`calibration ${o.calibration}: ${overlay.applied.length ? overlay.applied.map((a) => `${a.hop} ${a.medianMs}/${a.p99Ms} ms`).join(', ') : 'no hop of this scenario is in it'}`);
  }
  // A bad profile fails before anything is started.
  const profile = o.profile ? loadProfile(o.profile) : undefined;
  const provider = getProvider(o.provider);
  const avail = await provider.available();
  if (!avail.ok) throw new UserError(`provider ${o.provider} cannot run here: ${avail.reason}`, avail.hint);
  const runners = o.runners ?? 1;
  if (runners > 1 && o.driver !== 'k6') throw new UserError(`bench: --runners ${runners} needs --driver k6`, 'runners are k6 processes with the k6-operator\'s execution segments; the built-in driver scales with worker threads instead');
  // The k6 driver is checked before anything is provisioned: a missing or wrong k6 costs nothing.
  const k6 = o.driver === 'k6' && provider.shape === 'realizer' ? await requireK6() : undefined;

  const startedAt = new Date();
  const dir = join(o.outDir, runFolderName(scenario.name, startedAt));
  mkdirSync(dir, { recursive: true });
  const shape: LoadShape = { ...loadShapeFor(scenario, o), progress: o.progress };

  let sources = 0;
  let outcome: LoadOutcome | null = null;
  let hops: HopRealization[] = [];
  let error: string | undefined;
  const tools: Record<string, string> = k6 ? { k6: k6.version } : {};
  const notes: string[] = [];
  let calibration: unknown;
  let spoofing: SpoofFinding[] | undefined;
  let incidents: string[] = [];
  let emulation: EmulationRecord | undefined;
  let floor: RunResult['floor'];
  if (provider.shape === 'simulator') {
    try {
      const sim = await provider.simulate(scenario, shape, { seed: o.seed, log: o.log, calibrateFrom: o.calibrateFrom, profile: o.profile });
      outcome = sim.outcome;
      hops = sim.hops;
      notes.push(...sim.notes);
      calibration = sim.calibration;
    } catch (e) {
      error = (e as Error).message;
      o.log(`run failed: ${error}`);
    }
  } else {
    const input: DriveInput = { scenario: o.scenario, provider: o.provider, driver: o.driver, runners, ...(o.calibration ? { calibration: o.calibration } : {}), shape, injectLatency: o.injectLatency, seed: o.seed, runId: `${startedAt.getTime().toString(36)}-${process.pid}` };
    const d = await driveWhere(input, o, profile);
    outcome = d.outcome;
    hops = d.hops;
    sources = d.sources;
    spoofing = d.spoofing;
    incidents = d.incidents;
    error = d.error;
    emulation = d.emulation;
    floor = d.floor;
    Object.assign(tools, d.tools);
    notes.push(...d.notes);
  }
  const interrupted = !!o.signal?.aborted || !!outcome?.interrupted;
  // The run prices itself: what it measured per request, scaled to the profile's rate (modeled).
  const cost = profile && outcome && outcome.requests > 0 ? costForRun(scenario, outcome, profile) : undefined;
  const result = buildResult({
    scenario,
    provider: o.provider,
    load: { shape, sources },
    outcome,
    hops,
    startedAt,
    endedAt: new Date(),
    meta: {
      labVersion: labVersion(),
      gitRevision: gitRevision(),
      host: hostInfo(),
      tools,
      settings: { rate: o.rate, durationS: o.durationS, warmupS: o.warmupS, driver: o.driver, ...(runners > 1 ? { runners } : {}), injectLatency: o.injectLatency, seed: o.seed, connectionMode: shape.connectionMode, notes, ...(calibration ? { calibration } : {}), ...(overlay ? { calibrationOverlay: overlay } : {}) },
    },
    interrupted,
    error,
    incidents,
    emulation,
    floor,
    warnings,
    cost,
    spoofing,
  });
  await writeRunFolder(dir, result); // result.json, report.md, report.html, charts/*.svg
  return { dir, result };
}

/**
 * Where the realized part of a local run executes: inside a lab network namespace of its own when the kernel
 * can realize L4 hops there (root, iptables), else here with every hop a loopback process. Said once per
 * process when it falls back; EXPOSURE_LAB_EMULATION=netns makes a missing capability an error instead.
 */
async function driveWhere(input: DriveInput, o: BenchOptions, profile: Profile | undefined): Promise<Driven> {
  const local = input.provider === 'local' && !currentLabNamespace();
  const choice = emulationChoice();
  if (local && choice !== 'loopback') {
    const k = await kernelEmulation();
    if (k.ok) {
      return runInLabNamespace<Driven>({ module: 'harness/run/drive.ts', fn: 'driveRealizer', input: { ...input } }, { log: o.log, signal: o.signal });
    }
    if (choice === 'netns') throw new UserError(`EXPOSURE_LAB_EMULATION=netns, but ${k.reason}`, k.hint);
    saidOnce(o.log, `emulation: loopback processes (${k.reason}); ${k.hint}`);
    return driveRealizer({ ...input, fallbackReason: `loopback processes: ${k.reason}`, log: o.log, signal: o.signal });
  }
  return driveRealizer({ ...input, ...(choice === 'loopback' && local ? { fallbackReason: 'loopback processes: EXPOSURE_LAB_EMULATION=loopback' } : {}), log: o.log, signal: o.signal, yes: o.yes, confirm: o.confirm, cost: { profile, rateRps: o.rate } });
}

let said = false;
function saidOnce(log: (l: string) => void, line: string): void {
  if (said) return;
  said = true;
  log(line);
}

// One bench run, start to finish: load the scenario, realize it with a provider, drive load, probe, price,
// and write the run folder. Teardown always happens, and whatever was measured is always written.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioOrThrow } from '../scenario/resolve.ts';
import { getProvider } from '../providers/index.ts';
import type { ProviderName, Realized } from '../providers/types.ts';
import type { LoadOutcome, LoadPlan, LoadShape } from '../load/types.ts';
import { runLoad } from '../load/index.ts';
import type { HopRealization, RunResult } from '../result/types.ts';
import { UserError } from '../lib/errors.ts';
import { buildResult } from './result-builder.ts';
import { runFolderName } from './ids.ts';
import { gitRevision, hostInfo, labVersion } from './meta.ts';
import { writeRunFolder } from '../report/run-folder.ts';
import type { Scenario } from '../scenario/model.ts';
import { costForRun, loadProfile } from '../cost/index.ts';
import { runSpoofProbes } from '../measure/spoof.ts';
import type { SpoofFinding } from '../result/types.ts';

export interface BenchOptions {
  scenario: string;
  provider: ProviderName;
  driver: 'builtin' | 'k6';
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

/** The load aimed at what a realizer realized: its entry, its client sources, the echo's headers. */
export function loadPlanFor(shape: LoadShape, r: Realized): LoadPlan {
  return { ...shape, target: r.entry, sources: r.sources, observe: r.observe };
}

export async function runBench(o: BenchOptions): Promise<{ dir: string; result: RunResult }> {
  const warnings: string[] = [];
  const scenario = loadScenarioOrThrow(o.scenario, (w) => {
    warnings.push(`${w.field}: ${w.message} (hint: ${w.hint})`);
    o.log(`warning: ${w.file}:${w.line}: ${w.field}: ${w.message}`);
  });
  // A bad profile fails before anything is started.
  const profile = o.profile ? loadProfile(o.profile) : undefined;
  const provider = getProvider(o.provider);
  const avail = await provider.available();
  if (!avail.ok) throw new UserError(`provider ${o.provider} cannot run here: ${avail.reason}`, avail.hint);

  const startedAt = new Date();
  const dir = join(o.outDir, runFolderName(scenario.name, startedAt));
  mkdirSync(dir, { recursive: true });
  const shape: LoadShape = { ...loadShapeFor(scenario, o), progress: o.progress };

  let realized: Realized | undefined;
  let sources = 0;
  let outcome: LoadOutcome | null = null;
  let hops: HopRealization[] = [];
  let error: string | undefined;
  const tools: Record<string, string> = {};
  const notes: string[] = [];
  let calibration: unknown;
  let spoofing: SpoofFinding[] | undefined;
  try {
    if (provider.shape === 'simulator') {
      const sim = await provider.simulate(scenario, shape, { seed: o.seed, log: o.log, calibrateFrom: o.calibrateFrom, profile: o.profile });
      outcome = sim.outcome;
      hops = sim.hops;
      notes.push(...sim.notes);
      calibration = sim.calibration;
    } else {
      o.log(`provisioning ${scenario.name} with provider ${o.provider}...`);
      const r = await provider.provision(scenario, { runId: `${startedAt.getTime().toString(36)}-${process.pid}`, signal: o.signal, injectLatency: o.injectLatency, seed: o.seed, log: o.log, yes: o.yes, confirm: o.confirm, cost: { profile, rateRps: o.rate } });
      realized = r;
      hops = r.hops;
      Object.assign(tools, r.tools);
      const plan = loadPlanFor(shape, r);
      sources = plan.sources.length;
      o.log(`load: ${o.rate} req/s for ${o.durationS} s (+${o.warmupS} s warm-up) from ${plan.sources.length} source addresses to ${plan.target.host}:${plan.target.port}`);
      outcome = await runLoad(plan, { driver: o.driver, signal: o.signal });
      // Forged X-Forwarded-For / PROXY / mapped-header probes through the same realized topology.
      if (!o.signal?.aborted) {
        o.log('spoof probes: forged X-Forwarded-For, PROXY v1/v2 and mapped headers...');
        spoofing = await runSpoofProbes(r, scenario);
      }
    }
  } catch (e) {
    if (e instanceof UserError && !realized) throw e;
    error = (e as Error).message;
    o.log(`run failed: ${error}`);
  } finally {
    if (realized) {
      await realized.teardown();
      o.log('torn down every process the run started');
    }
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
      settings: { rate: o.rate, durationS: o.durationS, warmupS: o.warmupS, driver: o.driver, injectLatency: o.injectLatency, seed: o.seed, connectionMode: shape.connectionMode, notes, ...(calibration ? { calibration } : {}) },
    },
    interrupted,
    error,
    incidents: realized?.incidents ?? [],
    warnings,
    cost,
    spoofing,
  });
  await writeRunFolder(dir, result); // result.json, report.md, report.html, charts/*.svg
  return { dir, result };
}

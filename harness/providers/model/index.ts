// The model provider: no processes. runBench calls simulate() instead of provision() + a load driver, and
// every figure it returns is modeled.
import type { Simulated, SimulateOptions, Simulator } from '../types.ts';
import type { Scenario } from '../../scenario/model.ts';
import type { LoadShape } from '../../load/types.ts';
import { readResult, resultFile } from '../../result/store.ts';
import { loadScenarioOrThrow } from '../../scenario/resolve.ts';
import { loadProfile } from '../../cost/profile.ts';
import type { Profile } from '../../cost/types.ts';
import { calibrate, calibrationRecord, type Calibration } from './calibrate.ts';
import { simulateScenario, type ModelOptions } from './simulate.ts';
import { peakHour } from './schedule.ts';

/** Daily shapes apply to simulated runs of at least a day's hour. */
const SHAPE_MIN_DURATION_S = 3600;

export const modelProvider: Simulator = {
  shape: 'simulator',
  name: 'model',
  available: async () => ({ ok: true }),
  simulate: async (scenario: Scenario, plan: LoadShape, opts: SimulateOptions): Promise<Simulated> => {
    const calibration = opts.calibrateFrom?.length ? loadCalibration(opts.calibrateFrom) : undefined;
    const profile = opts.profile ? loadProfile(opts.profile) : undefined;
    const o: ModelOptions = { seed: opts.seed, calibration, ...profileOptions(profile, plan) };
    const run = simulateScenario(scenario, plan, o);
    opts.log(`model: ${run.notes[0]}`);
    return { outcome: run.outcome, hops: run.hops, notes: run.notes, calibration: calibration ? calibrationRecord(calibration) : undefined };
  },
};

/** What a traffic profile changes in a modeled run: the share of new connections, and the daily shape for long runs. */
export function profileOptions(profile: Profile | undefined, plan: LoadShape): Pick<ModelOptions, 'newConnectionShare' | 'shape'> {
  if (!profile) return {};
  const out: Pick<ModelOptions, 'newConnectionShare' | 'shape'> = {};
  if (plan.connectionMode === 'keep-alive' && profile.requestsPerSecond > 0) {
    out.newConnectionShare = Math.min(1, profile.newConnectionsPerSecond / profile.requestsPerSecond);
  }
  const e = plan.executor;
  const duration = e.kind === 'constant-arrival-rate' ? e.durationS : e.kind === 'ramping-arrival-rate' ? e.stages.reduce((a, s) => a + s.durationS, 0) : 0;
  if (profile.hourlyShape && duration >= SHAPE_MIN_DURATION_S) out.shape = { hourly: profile.hourlyShape, startHour: duration >= 86400 ? 0 : peakHour(profile.hourlyShape) };
  return out;
}

/** Reads result.json files (or run folders), each checked against the result schema, and fits a calibration from them. */
export function loadCalibration(files: string[]): Calibration {
  const inputs = files.map((f) => ({ file: resultFile(f), result: readResult(f) }));
  return calibrate(inputs, (name) => loadScenarioOrThrow(name));
}

export { simulateScenario } from './simulate.ts';

// `exposure-lab sweep`: the model provider across request rates for several scenarios. Thin: parse, call the
// pure sweep and renderers, write the folder, print tables. Every figure is modeled. With --run or --all it is
// the leak sweep instead (sweep-leaks.ts): what runs left behind in AWS and Kubernetes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { numberOption, parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { runStamp } from '../../run/ids.ts';
import { loadScenarioOrThrow } from '../../scenario/resolve.ts';
import { loadProfile, sweepCost } from '../../cost/index.ts';
import { loadCalibration } from '../../providers/model/index.ts';
import { calibrationRecord } from '../../providers/model/calibrate.ts';
import { rpsRange, sweepScenarios } from '../../providers/model/sweep.ts';
import type { Crossing } from '../../result/sweep.ts';
import { scenarioText } from '../../report/sweep.ts';
import { writeSweepFolder } from '../../report/sweep-folder.ts';
import { applyOverlay, loadOverlay, type OverlayApplication } from '../../calibration/overlay.ts';
import { LEAK_SWEEP_HELP, leakSweep } from './sweep-leaks.ts';

/** --run / --all select the leak sweep; scenario names and --rps the model sweep. */
export function isLeakSweep(argv: string[]): boolean {
  return argv.some((a) => a === '--all' || a === '--run' || a.startsWith('--run='));
}

const DEFAULTS = { points: 50, durationS: 3600, budget: 100_000, out: 'reports/sweeps', profile: 'profiles/medium.yaml', seed: 1, clientTimeoutS: 60 };

export function parseRps(raw: string | undefined): { from: number; to: number } {
  const m = /^(\d+(?:\.\d+)?)\.\.(\d+(?:\.\d+)?)$/.exec(raw ?? '');
  const from = m ? Number(m[1]) : NaN;
  const to = m ? Number(m[2]) : NaN;
  if (!m || !(from > 0) || !(to >= from)) throw new UserError(`sweep: --rps must be <from>..<to> with 0 < from <= to, got "${raw ?? ''}"`, 'e.g. --rps 10..50000');
  return { from, to };
}

export const sweep: Command = {
  name: 'sweep',
  summary: 'model p50/p99, errors and cost against request rate (--rps); with --run/--all: list/delete what runs left in AWS and Kubernetes',
  help: `Usage: exposure-lab sweep <scenario...> --rps <from>..<to> [options]

Simulates each scenario with the model provider (no processes) at log-spaced request rates and reports
p50/p99, error rate (429/504/timeouts) and monthly cost per rate, the saturation point of each scenario
and the rates where scenarios cross over. Writes <out>/<UTC time>/sweep.json, report.md and SVG charts;
the folder is the last line on stdout. Every figure is modeled.

Options (defaults in brackets):
  --rps <from>..<to>            request-rate range, daily mean req/s (required)
  --points <n>                  log-spaced rates in the range [${DEFAULTS.points}]
  --duration-s <s>              simulated seconds per point [${DEFAULTS.durationS}]
  --budget <n>                  requests simulated one by one per point; above it, stratified sampling [${DEFAULTS.budget}]
  --profile <file>              traffic profile: cost, daily shape (peak hour simulated), connection mix [${DEFAULTS.profile}]
  --calibrate-from <result.json...>   measured runs to calibrate from (repeat the flag or list after it)
  --calibration <file>                hop latency from a calibration overlay (exposure-lab calibrate)
  --client-timeout-s <s>        the client's own timeout [${DEFAULTS.clientTimeoutS}]
  --seed <n>                    [${DEFAULTS.seed}]
  --no-charts                   skip SVG charts
  --out <dir>                   parent folder [${DEFAULTS.out}]

Example: exposure-lab sweep public-nlb apigw-nlb-gateway --rps 10..50000 --points 20

${LEAK_SWEEP_HELP}`,
  async run(argv) {
    if (isLeakSweep(argv)) return leakSweep.run(argv);
    const { values, positionals } = parseOptions('sweep', argv, {
      rps: { type: 'string' },
      points: { type: 'string' },
      'duration-s': { type: 'string' },
      budget: { type: 'string' },
      profile: { type: 'string' },
      'calibrate-from': { type: 'string', multiple: true },
      'client-timeout-s': { type: 'string' },
      seed: { type: 'string' },
      'no-charts': { type: 'boolean' },
      out: { type: 'string' },
      calibration: { type: 'string' },
    });
    // `--calibrate-from a.json b.json`: result files given after the flag arrive as positionals.
    const calFiles = [...(values['calibrate-from'] ?? [])];
    const names: string[] = [];
    for (const p of positionals) (p.endsWith('.json') ? calFiles : names).push(p);
    if (!names.length) throw new UserError('sweep: which scenarios?', 'exposure-lab sweep public-nlb apigw-nlb-gateway --rps 10..50000');
    const { from, to } = parseRps(values.rps);
    const points = numberOption('sweep', 'points', values.points, DEFAULTS.points, 1);
    const durationS = numberOption('sweep', 'duration-s', values['duration-s'], DEFAULTS.durationS, 1);
    const budget = numberOption('sweep', 'budget', values.budget, DEFAULTS.budget, 1000);
    const seed = numberOption('sweep', 'seed', values.seed, DEFAULTS.seed, 0);
    const clientTimeoutS = numberOption('sweep', 'client-timeout-s', values['client-timeout-s'], DEFAULTS.clientTimeoutS, 0.001);
    const overlay = values.calibration ? loadOverlay(values.calibration) : undefined;
    const applications: OverlayApplication[] = [];
    const scenarios = names.map((n) => {
      const sc = loadScenarioOrThrow(n);
      if (!overlay) return sc;
      const a = applyOverlay(sc, overlay);
      applications.push(a.application);
      return a.scenario;
    });
    const profile = loadProfile(values.profile || DEFAULTS.profile);
    const calibration = calFiles.length ? loadCalibration(calFiles) : undefined;
    const rps = rpsRange(from, to, Math.round(points));

    const costs = sweepCost(scenarios, profile, rps);
    const costAt = new Map(costs.points.map((p) => [p.rps, p.costs]));
    const started = performance.now();
    let done = 0;
    const total = scenarios.length * rps.length;
    const data = sweepScenarios(
      scenarios,
      { rps, durationS, budgetPerPoint: budget, seed, profile, calibration, clientTimeoutMs: clientTimeoutS * 1000 },
      (s, r) => costAt.get(r)?.[s.name] ?? null,
      () => {
        done++;
        if (process.stderr.isTTY) process.stderr.write(`\rsimulated ${done}/${total} points`);
      },
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    const wallS = (performance.now() - started) / 1000;
    data.crossovers.push(
      ...costs.crossovers.map((c): Crossing => ({ metric: 'monthly cost', lowerBelow: c.cheaperBelow, lowerAbove: c.cheaperAbove, rps: c.rps })),
    );
    data.crossovers.sort((a, b) => a.rps - b.rps);
    data.notes.push(`monthly cost from the cost engine with profile ${profile.name} (${profile.source}) at each daily mean rate; region ${profile.region}`);
    data.notes.push(`simulated in ${wallS.toFixed(1)} s wall time`);
    for (const a of applications) {
      data.notes.push(`calibration overlay ${a.file} (${a.name}): ${a.applied.length ? `fitted models for ${a.applied.map((x) => `${x.hop} ${x.medianMs}/${x.p99Ms} ms (${x.confidence})`).join(', ')}` : 'no fitted model for this scenario'}${a.catalog.length ? `; catalog models for ${a.catalog.join(', ')}` : ''}`);
    }

    const stamp = runStamp();
    const dir = join(values.out || DEFAULTS.out, stamp);
    mkdirSync(dir, { recursive: true });
    const cal = calibration ? calibrationRecord(calibration) : undefined;
    await writeSweepFolder(dir, data, { calibration: cal, profileSource: profile.source, wallS, charts: !values['no-charts'] });
    for (const s of data.scenarios) console.log(scenarioText(s, data.peakFactor) + '\n');
    for (const c of data.crossovers) console.log(`crossover (${c.metric}, modeled): ${c.lowerBelow} lower below ${c.rps.toPrecision(3)} req/s, ${c.lowerAbove} above`);
    console.log(dir);
    return 0;
  },
};

// The regression gate as a command runs it (docs/regression-gate.md). Two designs:
// - fresh interleaved: --baseline-scenario A and --scenario B both run now, windows alternating A B A B ...;
// - stored history: a baseline history file (`baseline record`) against fresh windows of the current side
//   (or a recorded run set, --current).
// The baseline is checked to compare (scenario, provider, lab version, machine class, load) before anything
// runs and again with what ran; the verdict is the round-1 statistics over run-level figures
// (harness/analysis/gate/). Writes verdict.json, summary.md, junit.xml and the run sets into one folder.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../lib/errors.ts';
import type { ProviderName } from '../providers/types.ts';
import type { RunResult } from '../result/types.ts';
import {
  admit,
  appendSession,
  compareMetadata,
  evaluateGate,
  gateExitCode,
  historyFromResults,
  historyRuns,
  parseBaseline,
  runMetadata,
  runSample,
  type Admission,
  type BaselineHistory,
  type DifferenceKey,
  type GateSettings,
  type GateVerdict,
  type RunMetadata,
} from '../analysis/gate/index.ts';
import { renderGateJunit, renderGateMarkdown, type GateContext } from '../report/gate-render.ts';
import { loadScenarioOrThrow } from '../scenario/resolve.ts';
import { BENCH_DEFAULTS } from './bench.ts';
import { runWindows } from './windows.ts';
import { runStamp } from './ids.ts';
import { hostInfo, labVersion } from './meta.ts';

export interface RegressOptions {
  /** Baseline history file (or a legacy result.json): the stored-history design. */
  baseline?: string;
  /** A baseline configuration to run now: the fresh interleaved design. */
  baselineScenario?: string;
  /** Current side [the baseline's scenario]. */
  scenario?: string;
  /** A recorded run set (baseline history format) as the current side instead of fresh runs. */
  current?: string;
  provider?: ProviderName;
  driver?: 'builtin' | 'k6';
  rate?: number;
  durationS?: number;
  warmupS?: number;
  /** Runs per side [the design's default]. */
  runs?: number;
  injectLatency?: boolean;
  seed?: number;
  settings: GateSettings;
  /** Metadata refusals the user accepts (they become warnings). */
  allow: DifferenceKey[];
  /** After the verdict, append the current run set to the --baseline history (a human's decision). */
  accept?: boolean;
  failInconclusive?: boolean;
  outDir: string;
  junit?: string;
  signal?: AbortSignal;
  log: (s: string) => void;
}

export interface RegressRun {
  dir: string;
  verdict: GateVerdict;
  admission: Admission;
  context: GateContext;
  files: string[];
  exitCode: number;
}

/** The gate refuses a baseline that does not compare: exit 2 with what differs and what to do. */
function refuse(a: Admission, where: string): never {
  throw new UserError(`regress: ${where}: ${a.message}`, 'fix what the lines above name, or accept a difference on purpose with --allow <key> (scenario, provider, lab-version, machine, load, fidelity, realization)', 2);
}

function readHistory(file: string, what: string): { history: BaselineHistory; legacy: boolean } {
  if (!existsSync(file)) {
    throw new UserError(`regress: no ${what} at ${file}`, 'record one here: exposure-lab baseline record <scenario> (then commit reports/baselines/<scenario>.json)', 2);
  }
  return parseBaseline(readFileSync(file, 'utf8'), file);
}

const lastMeta = (h: BaselineHistory): RunMetadata => h.sessions[h.sessions.length - 1].metadata;
const lastOf = <T>(xs: T[]): T => xs[xs.length - 1];

export async function runRegress(o: RegressOptions): Promise<RegressRun> {
  if (o.baselineScenario && (o.baseline && !o.accept)) {
    throw new UserError('regress: --baseline-scenario runs the baseline now; --baseline names a stored one: choose one', 'fresh interleaved: --baseline-scenario <file> --scenario <file>; stored: --baseline reports/baselines/<scenario>.json', 2);
  }
  if (!o.baselineScenario && !o.baseline) throw new UserError('regress: which baseline?', 'a stored one: --baseline reports/baselines/<scenario>.json (exposure-lab baseline record <scenario>), or run both now: --baseline-scenario <file> --scenario <file>', 2);
  if (o.accept && !o.baseline) throw new UserError('regress: --accept appends the current runs to a baseline history: name it with --baseline <file>', 'e.g. --baseline reports/baselines/public-nlb.json --accept', 2);
  if (o.current && o.baselineScenario) throw new UserError('regress: --current (a recorded run set) needs a stored --baseline, not --baseline-scenario', 'drop --current to run the current side now', 2);

  const plan = o.settings.runs;
  let design: 'interleaved' | 'history';
  let baseRuns: RunResult[] | null = null;
  let curRuns: RunResult[] | null = null;
  let history: BaselineHistory | null = null;
  let legacy = false;
  let current: BaselineHistory | null = null;
  let planText: string;
  const notes: string[] = [];
  const stamp = runStamp();
  let scenarioName: string;
  let dir: string;

  if (o.baselineScenario) {
    design = 'interleaved';
    const curRef = o.scenario ?? o.baselineScenario;
    const a = loadScenarioOrThrow(o.baselineScenario, () => {});
    const b = loadScenarioOrThrow(curRef, () => {});
    scenarioName = b.name;
    if (a.name !== b.name) {
      const ad = admit([{ key: 'scenario', field: 'metadata.name', baseline: a.name, current: b.name, severity: 'refuse', why: 'the two scenario files describe different topologies', fix: 'compare two versions of one scenario (same metadata.name)' }], o.allow);
      if (!ad.ok) refuse(ad, 'the two sides');
    }
    const n = o.runs ?? plan.interleaved.perSide;
    const durationS = o.durationS ?? plan.interleaved.durationS;
    const warmupS = o.warmupS ?? plan.interleaved.warmupS;
    const rate = o.rate ?? BENCH_DEFAULTS.rate;
    planText = `${n} pairs x ${durationS} s (+${warmupS} s warm-up) at ${rate} req/s, interleaved A B A B`;
    dir = join(o.outDir, `${stamp}-${scenarioName}`);
    o.log(`regress: ${planText}; A = ${o.baselineScenario}, B = ${curRef}`);
    const w = await runWindows({
      sides: [o.baselineScenario, curRef],
      labels: ['baseline', 'current'],
      order: Array.from({ length: 2 * n }, (_, k) => k % 2),
      provider: o.provider ?? BENCH_DEFAULTS.provider,
      driver: o.driver ?? BENCH_DEFAULTS.driver,
      rate,
      durationS,
      warmupS,
      injectLatency: o.injectLatency ?? true,
      seed: o.seed ?? BENCH_DEFAULTS.seed,
      outDir: dir,
      signal: o.signal,
      log: o.log,
    });
    notes.push(...w.notes);
    [baseRuns, curRuns] = w.results;
  } else {
    design = 'history';
    ({ history, legacy } = readHistory(o.baseline!, 'baseline'));
    const bm = lastMeta(history);
    if (o.current) {
      current = readHistory(o.current, 'current run set').history;
      scenarioName = current.scenario;
      planText = `${lastOf(current.sessions).runs.length} recorded runs (${o.current}) against ${historyRuns(history).runs.length} baseline runs in ${history.sessions.length} session(s)`;
      dir = join(o.outDir, `${stamp}-${scenarioName}`);
    } else {
      const curRef = o.scenario ?? history.scenario;
      const s = loadScenarioOrThrow(curRef, () => {});
      scenarioName = s.name;
      const provider = o.provider ?? (bm.provider as ProviderName);
      const driver = o.driver ?? (bm.load.driver === 'k6' ? 'k6' : 'builtin');
      const rate = o.rate ?? bm.load.targetRps;
      const durationS = o.durationS ?? (legacy ? plan.history.durationS : bm.load.durationS);
      const warmupS = o.warmupS ?? (legacy ? plan.history.warmupS : bm.load.warmupS);
      const n = o.runs ?? plan.history.perSide;
      // What the current side will be, checked before anything runs: a refusal costs nothing.
      const host = hostInfo();
      const expected: RunMetadata = { ...bm, scenario: s.name, provider, labVersion: labVersion(), machine: { platform: host.platform, cpus: host.cpus, ...(host.cpuModel ? { cpuModel: host.cpuModel } : {}), node: host.node }, load: { ...bm.load, driver, targetRps: rate, durationS, warmupS } };
      const pre = admit(compareMetadata(bm, expected), o.allow);
      if (!pre.ok) refuse(pre, `baseline ${o.baseline}`);
      planText = `${n} runs x ${durationS} s (+${warmupS} s warm-up) at ${rate} req/s against ${historyRuns(history).runs.length} baseline runs in ${history.sessions.length} session(s)`;
      dir = join(o.outDir, `${stamp}-${scenarioName}`);
      o.log(`regress: ${planText}; current = ${curRef}`);
      const w = await runWindows({ sides: [curRef], labels: ['current'], order: Array.from({ length: n }, () => 0), provider, driver, rate, durationS, warmupS, injectLatency: o.injectLatency ?? bm.load.injectLatency ?? true, seed: o.seed ?? BENCH_DEFAULTS.seed, outDir: dir, signal: o.signal, log: o.log });
      notes.push(...w.notes);
      curRuns = w.results[0];
    }
  }

  if (curRuns && !curRuns.length) throw new UserError('regress: no current run completed', 'see the log above for why; nothing was compared', 2);
  if (baseRuns && !baseRuns.length) throw new UserError('regress: no baseline run completed', 'see the log above for why; nothing was compared', 2);
  if (curRuns) current = historyFromResults(curRuns, lastOf(curRuns).meta.startedAt);
  const baseHistory = baseRuns ? historyFromResults(baseRuns, baseRuns[0].meta.startedAt) : history!;
  // What ran, compared with the baseline: the realization is known only now.
  const admission = admit(compareMetadata(lastMeta(baseHistory), lastMeta(current!)), o.allow);
  if (!admission.ok) refuse(admission, design === 'history' ? `baseline ${o.baseline}` : 'the two sides');

  let verdict: GateVerdict;
  if (design === 'interleaved') {
    const nPairs = Math.min(baseRuns!.length, curRuns!.length);
    verdict = evaluateGate({ design, baseline: baseRuns!.slice(0, nPairs).map(runSample), current: curRuns!.slice(0, nPairs).map(runSample) }, o.settings);
  } else {
    const h = historyRuns(baseHistory);
    verdict = evaluateGate({ design, baseline: h.runs, baselineSessions: h.sessions, current: lastOf(current!.sessions).runs }, o.settings);
    if (legacy) verdict.notes.push('the baseline is a single result.json (one run): latency cannot be told from noise with one run; record a history with exposure-lab baseline record');
  }
  verdict.notes.push(...notes);

  const context: GateContext = {
    scenario: scenarioName,
    baseline: design === 'interleaved' ? `${o.baselineScenario} (run now)` : `${o.baseline} (${baseHistory.sessions.length} session(s), ${historyRuns(baseHistory).runs.length} runs)`,
    current: o.current ? `${o.current} (recorded run set)` : `${o.scenario ?? (design === 'interleaved' ? o.baselineScenario : baseHistory.scenario)} (run now)`,
    plan: planText,
    admission,
  };
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'verdict.json'), join(dir, 'summary.md'), o.junit ?? join(dir, 'junit.xml'), join(dir, 'current-runs.json')];
  const exitCode = gateExitCode(verdict, { failInconclusive: o.failInconclusive });
  writeFileSync(files[0], JSON.stringify({ ...verdict, exitCode, context: { ...context, admission: undefined }, differences: [...admission.warnings, ...admission.infos] }, null, 2) + '\n');
  writeFileSync(files[1], renderGateMarkdown(verdict, context));
  mkdirSync(dirname(files[2]), { recursive: true });
  writeFileSync(files[2], renderGateJunit(verdict, context));
  // The run sets in the baseline format: `baseline promote <file>` (or --accept) adds one to a baseline.
  writeFileSync(files[3], JSON.stringify(current, null, 2) + '\n');
  if (baseRuns) {
    files.push(join(dir, 'baseline-runs.json'));
    writeFileSync(files[4], JSON.stringify(baseHistory, null, 2) + '\n');
  }
  if (o.accept && o.baseline) {
    const target = existsSync(o.baseline) ? parseBaseline(readFileSync(o.baseline, 'utf8'), o.baseline) : null;
    const merged = target && !target.legacy ? appendSession(target.history, lastOf(current!.sessions)) : current!;
    writeFileSync(o.baseline, JSON.stringify(merged, null, 2) + '\n');
    o.log(`regress --accept: the current run set is now the newest session of ${o.baseline} (${merged.sessions.length} session(s)): commit it`);
    files.push(o.baseline);
  }
  return { dir, verdict, admission, context, files, exitCode };
}

// An architecture-review comparison: every scenario benched under the same load and profile, in sequence (a
// 2-core machine cannot run two loads without each skewing the other), N repeats each, then one report
// folder reports/compare/<UTC time>/ with compare.json, report.md, report.html and charts/*.svg.
// Ctrl-C stops the current run; what completed is still written.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBench, type BenchOptions } from './bench.ts';
import { runStamp } from './ids.ts';
import { UserError } from '../lib/errors.ts';
import { loadScenarioOrThrow } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/model.ts';
import { loadProfile, sweepCost, logSpaced, type Profile } from '../cost/index.ts';
import { sweepToPoints } from '../analysis/compare.ts';
import { COMPARE_VERSION, type CompareDoc } from '../result/compare.ts';
import { writeCompareFolder } from '../report/compare-folder.ts';

export interface CompareOptions extends Omit<BenchOptions, 'scenario' | 'outDir' | 'profile'> {
  scenarios: string[];
  repeat: number;
  profile: string;
  /** Parent of the comparison folder. */
  outDir: string;
}

export const COMPARE_DEFAULTS = { repeat: 1, outDir: 'reports/compare' };

/** Request rates of the cost-vs-rate sweep: 1 to 100k req/s, log spaced. */
export const SWEEP_RPS = logSpaced(1, 100_000, 41);

export async function runCompare(o: CompareOptions): Promise<{ dir: string; doc: CompareDoc }> {
  if (!o.scenarios.length) throw new UserError('compare: which scenarios?', 'exposure-lab compare public-nlb alb-nlb-gateway (names: exposure-lab list)');
  // Load every scenario and the profile first: a typo must fail before minutes of load, not after.
  const scenarios: Scenario[] = o.scenarios.map((s) => loadScenarioOrThrow(s));
  const profile: Profile = loadProfile(o.profile);
  const started = new Date();
  const dir = join(o.outDir, runStamp(started));
  mkdirSync(dir, { recursive: true });
  const doc: CompareDoc = {
    kind: 'exposure-lab-compare',
    version: COMPARE_VERSION,
    createdAt: started.toISOString(),
    endedAt: started.toISOString(),
    settings: { provider: o.provider, rate: o.rate, durationS: o.durationS, warmupS: o.warmupS, profile: o.profile, repeat: o.repeat, injectLatency: o.injectLatency, seed: o.seed },
    profile: { name: profile.name, requestsPerSecond: profile.requestsPerSecond, hoursPerMonth: profile.hoursPerMonth },
    scenarios: scenarios.map((s) => s.name),
    runs: [],
    failed: [],
    features: {},
    costSweep: null,
    interrupted: false,
  };
  try {
    const swept = sweepCost(scenarios, profile, SWEEP_RPS);
    doc.costSweep = { profile: profile.name, points: sweepToPoints(swept.points), crossovers: swept.crossovers, fidelity: 'modeled' };
  } catch (e) {
    o.log(`cost sweep skipped: ${(e as Error).message}`);
  }
  const total = scenarios.length * o.repeat;
  let n = 0;
  outer: for (let rep = 1; rep <= o.repeat; rep++) {
    // Repeats interleave scenarios (a b c, a b c) so slow drift of the machine spreads over all of them.
    for (const s of scenarios) {
      if (o.signal?.aborted) break outer;
      n++;
      o.log(`compare: run ${n}/${total}: ${s.name} (repeat ${rep}/${o.repeat})`);
      try {
        const { dir: runDir, result } = await runBench({ ...o, scenario: s.file, profile: o.profile, outDir: join(dir, 'runs'), seed: o.seed + rep - 1 });
        doc.runs.push({ scenario: s.name, repeat: rep, dir: runDir, result });
        if (!doc.features[s.name]) doc.features[s.name] = result.features ?? {};
      } catch (e) {
        if (o.signal?.aborted) break outer;
        doc.failed.push({ scenario: s.name, repeat: rep, error: (e as Error).message });
        o.log(`compare: ${s.name} failed: ${(e as Error).message}`);
      }
    }
  }
  doc.interrupted = !!o.signal?.aborted;
  doc.endedAt = new Date().toISOString();
  await writeCompareFolder(dir, doc);
  return { dir, doc };
}

export function writeJson(file: string, v: unknown): void {
  writeFileSync(file, JSON.stringify(v, null, 2) + '\n');
}

// The regression gate as a command runs it: read the baseline, get the current run (a file, or a fresh bench
// of the baseline's scenario under the baseline's load), compare, and write verdict.json, summary.md and
// JUnit XML into one folder.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { UserError } from '../lib/errors.ts';
import { dirname, join } from 'node:path';
import type { RunResult } from '../result/types.ts';
import { readResult } from '../result/store.ts';
import { regress, type RegressVerdict, type Thresholds } from '../analysis/regress.ts';
import { renderJunit } from '../report/junit.ts';
import { renderRegressMarkdown } from '../report/regress-markdown.ts';
import { runBench, BENCH_DEFAULTS, type BenchOptions } from './bench.ts';
import { runStamp } from './ids.ts';

export interface RegressOptions {
  baseline: string;
  current?: string;
  /** Bench options for a fresh current run; unset fields follow the baseline's own settings. */
  bench?: Partial<Omit<BenchOptions, 'log' | 'signal'>>;
  thresholds: Thresholds;
  outDir: string;
  junit?: string;
  signal?: AbortSignal;
  log: (s: string) => void;
}

export interface RegressRun {
  dir: string;
  verdict: RegressVerdict;
  currentDir: string | null;
  files: string[];
}

/** Bench options that reproduce the baseline's load, overridden by what the user passed. */
export function benchLikeBaseline(base: RunResult, given: RegressOptions['bench'] = {}): Omit<BenchOptions, 'log' | 'signal'> {
  const s = base.meta.settings as Record<string, any>;
  return {
    scenario: given.scenario ?? base.scenario,
    provider: given.provider ?? base.provider,
    driver: given.driver ?? (s.driver === 'k6' ? 'k6' : 'builtin'),
    // A distributed k6 baseline is re-run with the same runners (the same execution segments).
    ...(s.driver === 'k6' && typeof s.runners === 'number' && !given.driver ? { runners: s.runners } : {}),
    rate: given.rate ?? base.load.targetRps,
    durationS: given.durationS ?? (typeof s.durationS === 'number' ? s.durationS : base.load.durationS),
    warmupS: given.warmupS ?? base.load.warmupS,
    connectionMode: given.connectionMode ?? base.load.connectionMode,
    profile: given.profile ?? BENCH_DEFAULTS.profile,
    outDir: given.outDir ?? BENCH_DEFAULTS.outDir,
    injectLatency: given.injectLatency ?? (s.injectLatency !== false),
    seed: given.seed ?? (typeof s.seed === 'number' ? s.seed : BENCH_DEFAULTS.seed),
  };
}

export async function runRegress(o: RegressOptions): Promise<RegressRun> {
  if (!existsSync(o.baseline)) {
    throw new UserError(`no baseline at ${o.baseline}`, 'make one from a trusted run: exposure-lab baseline promote reports/runs/<UTC time>-<scenario> (then commit reports/baselines/<scenario>.json)');
  }
  const base = readResult(o.baseline);
  let cur: RunResult;
  let currentDir: string | null = null;
  if (o.current) {
    cur = readResult(o.current);
  } else {
    const b = benchLikeBaseline(base, o.bench);
    o.log(`regress: no --current: benching ${b.scenario} like the baseline (${b.rate} req/s for ${b.durationS} s, provider ${b.provider})`);
    const run = await runBench({ ...b, signal: o.signal, log: o.log });
    cur = run.result;
    currentDir = run.dir;
  }
  const verdict = regress(base, cur, o.thresholds);
  const dir = join(o.outDir, `${runStamp()}-${cur.scenario}`);
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'verdict.json'), join(dir, 'summary.md'), o.junit ?? join(dir, 'junit.xml')];
  writeFileSync(files[0], JSON.stringify({ ...verdict, baselineFile: o.baseline, currentFile: o.current ?? (currentDir ? join(currentDir, 'result.json') : null) }, null, 2) + '\n');
  writeFileSync(files[1], renderRegressMarkdown(verdict));
  mkdirSync(dirname(files[2]), { recursive: true });
  writeFileSync(files[2], renderJunit(verdict));
  return { dir, verdict, currentDir, files };
}

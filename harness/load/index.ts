// Entry point of the load side: pick a driver, run a plan, get a LoadOutcome.
import type { LoadOutcome, LoadPlan } from './types.ts';
import { runBuiltinLoad } from './builtin/run.ts';
import { runK6 } from './k6/run.ts';

export type { LoadPlan, LoadOutcome, Executor, LoadTarget } from './types.ts';
export { runBuiltinLoad } from './builtin/run.ts';
export { encodeHistogram, decodeHistogram, mergeEncoded, summarize } from './histogram.ts';
export { writeK6Script, runK6 } from './k6/index.ts';

export interface RunLoadOptions {
  driver: 'builtin' | 'k6';
  signal?: AbortSignal;
  /** k6 only: runners sharing the load with the k6-operator's execution segments. */
  runners?: number;
  scenario?: string;
  log?: (line: string) => void;
}

export async function runLoad(plan: LoadPlan, opts: RunLoadOptions): Promise<LoadOutcome> {
  if (opts.driver === 'k6') return runK6(plan, { signal: opts.signal, runners: opts.runners, scenario: opts.scenario, log: opts.log });
  if ((opts.runners ?? 1) > 1) throw new Error('--runners splits the load across k6 processes: use it with --driver k6');
  return runBuiltinLoad(plan, { signal: opts.signal });
}

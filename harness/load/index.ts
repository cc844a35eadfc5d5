// Entry point of the load side: pick a driver, run a plan, get a LoadOutcome.
import type { LoadOutcome, LoadPlan } from './types.ts';
import { runBuiltinLoad } from './builtin/run.ts';
import { runK6 } from './k6/run.ts';

export type { LoadPlan, LoadOutcome, Executor, LoadTarget } from './types.ts';
export { runBuiltinLoad } from './builtin/run.ts';
export { encodeHistogram, decodeHistogram, mergeEncoded, summarize } from './histogram.ts';
export { writeK6Script, readK6Summary, runK6 } from './k6/index.ts';

export async function runLoad(plan: LoadPlan, opts: { driver: 'builtin' | 'k6'; signal?: AbortSignal }): Promise<LoadOutcome> {
  return opts.driver === 'k6' ? runK6(plan, { signal: opts.signal }) : runBuiltinLoad(plan, { signal: opts.signal });
}

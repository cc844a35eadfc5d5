// Wall time of a gate run, so that defaults can be checked against `make regress`'s 2-minute budget.
import type { RunPlan } from './settings.ts';

/** Fixed and per-run costs of a gate run besides the measured windows, in seconds. */
export interface Overheads {
  /** CLI start (tsx) and reading the baseline. */
  startS: number;
  /** Realizing one side (start the processes, probes, tear down) once for all its runs. */
  realizeS: number;
  /** Between two measurement windows of one realization (settle, collect the run's figures). */
  perWindowS: number;
  /** Writing verdict.json, summary.md, JUnit. */
  renderS: number;
  source: string;
}

export const DEFAULT_OVERHEADS: Overheads = {
  startS: 4,
  realizeS: 2.5,
  perWindowS: 0.3,
  renderS: 1,
  source:
    'measured 2026-11-30 on this 2-core machine while shared: one `exposure-lab bench public-nlb` invocation takes 6.5 s (median of 39) beyond its load window; `exposure-lab list` alone 2-6 s',
};

export interface Budget {
  history: number;
  interleaved: number;
  text: string;
}

/**
 * Stored baseline: one realization of the current side, N windows. Fresh interleaved: both sides realized
 * side by side, 2N windows alternating A B A B. Either way every window pays its warm-up.
 */
export function gateBudgetS(runs: { interleaved: RunPlan; history: RunPlan }, o: Overheads): Budget {
  const w = (r: RunPlan) => r.durationS + r.warmupS + o.perWindowS;
  const h = runs.history;
  const i = runs.interleaved;
  const history = o.startS + o.realizeS + h.perSide * w(h) + o.renderS;
  const interleaved = o.startS + 2 * o.realizeS + 2 * i.perSide * w(i) + o.renderS;
  const text =
    `stored baseline: ${o.startS} + ${o.realizeS} + ${h.perSide} x (${h.durationS} + ${h.warmupS} + ${o.perWindowS}) + ${o.renderS} = ${history.toFixed(0)} s; ` +
    `interleaved: ${o.startS} + 2 x ${o.realizeS} + 2 x ${i.perSide} x (${i.durationS} + ${i.warmupS} + ${o.perWindowS}) + ${o.renderS} = ${interleaved.toFixed(0)} s`;
  return { history, interleaved, text };
}

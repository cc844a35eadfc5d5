// Wall time of a gate run, so that defaults can be checked against `make regress`'s 2-minute budget.
import type { RunPlan } from './settings.ts';

/** Fixed and per-run costs of a gate run besides the measured windows, in seconds. */
export interface Overheads {
  /** CLI start (tsx) and reading the baseline. */
  startS: number;
  /** Realizing a side and tearing it down: paid by every window (regress realizes each window afresh, run/windows.ts). */
  realizeS: number;
  /** Between two measurement windows of one realization (settle, collect the run's figures). */
  perWindowS: number;
  /** Writing verdict.json, summary.md, JUnit. */
  renderS: number;
  source: string;
}

export const DEFAULT_OVERHEADS: Overheads = {
  startS: 4,
  realizeS: 3,
  perWindowS: 0.3,
  renderS: 1,
  source:
    'measured 2026-11-30 on this 2-core machine while shared: a public-nlb window of 4 + 1 s takes 8.0-8.5 s in `regress` (realize in the lab namespace, load, spoof probes on a side\'s first window, tear down); CLI start and the lab namespace 4 s',
};

export interface Budget {
  history: number;
  interleaved: number;
  text: string;
}

/**
 * Stored baseline: N windows of the current side. Fresh interleaved: 2N windows alternating A B A B. Every
 * window pays its warm-up and a realization (two realizations side by side hung in round 2 of issue 13).
 */
export function gateBudgetS(runs: { interleaved: RunPlan; history: RunPlan }, o: Overheads): Budget {
  const w = (r: RunPlan) => r.durationS + r.warmupS + o.realizeS + o.perWindowS;
  const h = runs.history;
  const i = runs.interleaved;
  const history = o.startS + h.perSide * w(h) + o.renderS;
  const interleaved = o.startS + 2 * i.perSide * w(i) + o.renderS;
  const text =
    `stored baseline: ${o.startS} + ${h.perSide} x (${h.durationS} + ${h.warmupS} + ${o.realizeS} + ${o.perWindowS}) + ${o.renderS} = ${history.toFixed(0)} s; ` +
    `interleaved: ${o.startS} + 2 x ${i.perSide} x (${i.durationS} + ${i.warmupS} + ${o.realizeS} + ${o.perWindowS}) + ${o.renderS} = ${interleaved.toFixed(0)} s`;
  return { history, interleaved, text };
}

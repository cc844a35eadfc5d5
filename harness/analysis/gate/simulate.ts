// Monte Carlo of the gate over a variance model: how often it cries wolf on identical configurations
// (A/A) and how often it catches a given change (A/B). Seeded: the same call gives the same counts.
import { median } from 'simple-statistics';
import { seededRandom } from '../../lib/random.ts';
import { evaluateGate, type GateInput, type MetricName } from './gate.ts';
import type { GateSettings } from './settings.ts';
import { simulateSession, type SimEffect, type SimRunSettings, type VarianceModel } from './variance-model.ts';

export interface SimDesign {
  design: 'interleaved' | 'history';
  /** Fresh runs per side (interleaved: pairs). */
  runsPerSide: number;
  /** History design: sessions in the stored baseline and runs in each. */
  historySessions?: number;
  historyRunsPerSession?: number;
  run: SimRunSettings;
}

export interface SimOutcome {
  trials: number;
  /** Trials whose overall verdict was REGRESSION / inconclusive. */
  regression: number;
  inconclusive: number;
  byMetric: Partial<Record<MetricName, { regression: number; improved: number; inconclusive: number; medianMde: number; medianMdeRelative: number }>>;
}

/** Draws one gate input from the model: `effect` applies to the current side (null: A/A). */
export function simulateInput(model: VarianceModel, rand: () => number, d: SimDesign, effect: SimEffect | null): GateInput {
  const fx: Record<string, SimEffect> = effect ? { B: effect } : {};
  if (d.design === 'interleaved') {
    const labels = Array.from({ length: 2 * d.runsPerSide }, (_, i) => (i % 2 ? 'B' : 'A'));
    const runs = simulateSession(model, rand, d.run, labels, fx);
    return { design: 'interleaved', baseline: runs.filter((_, i) => i % 2 === 0), current: runs.filter((_, i) => i % 2 === 1) };
  }
  const sessions = d.historySessions ?? 1;
  const k = d.historyRunsPerSession ?? d.runsPerSide;
  const baseline = [];
  const ids: string[] = [];
  for (let s = 0; s < sessions; s++) {
    baseline.push(...simulateSession(model, rand, d.run, new Array(k).fill('A')));
    ids.push(...new Array<string>(k).fill(`s${s}`));
  }
  const current = simulateSession(model, rand, d.run, new Array(d.runsPerSide).fill('B'), fx);
  return { design: 'history', baseline, baselineSessions: ids, current };
}

export function simulateGate(model: VarianceModel, settings: GateSettings, d: SimDesign, effect: SimEffect | null, trials: number, seed: number): SimOutcome {
  const rand = seededRandom(seed);
  const out: SimOutcome = { trials, regression: 0, inconclusive: 0, byMetric: {} };
  const mdes = new Map<MetricName, { abs: number[]; rel: number[] }>();
  for (let t = 0; t < trials; t++) {
    const v = evaluateGate(simulateInput(model, rand, d, effect), settings);
    if (v.verdict === 'regression') out.regression++;
    if (v.verdict === 'inconclusive') out.inconclusive++;
    for (const m of v.metrics) {
      const row = (out.byMetric[m.metric] ??= { regression: 0, improved: 0, inconclusive: 0, medianMde: NaN, medianMdeRelative: NaN });
      if (m.status === 'regression') row.regression++;
      if (m.status === 'improved') row.improved++;
      if (m.status === 'inconclusive') row.inconclusive++;
      if (m.mde) {
        const e = mdes.get(m.metric) ?? { abs: [], rel: [] };
        e.abs.push(m.mde.absolute);
        e.rel.push(m.mde.relative ?? NaN);
        mdes.set(m.metric, e);
      }
    }
  }
  for (const [metric, e] of mdes) {
    out.byMetric[metric]!.medianMde = median(e.abs);
    out.byMetric[metric]!.medianMdeRelative = median(e.rel.filter(Number.isFinite).length ? e.rel.filter(Number.isFinite) : [NaN]);
  }
  return out;
}

/** Wilson score interval of a binomial proportion k/n at 95%. */
export function wilson(k: number, n: number, z = 1.959964): { p: number; lo: number; hi: number } {
  if (n === 0) return { p: NaN, lo: 0, hi: 1 };
  const p = k / n;
  const den = 1 + (z * z) / n;
  const mid = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return { p, lo: Math.max(0, mid - half), hi: Math.min(1, mid + half) };
}

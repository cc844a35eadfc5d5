// The regression gate's decision, metric by metric, over runs (not requests or intervals).
//
// Two designs:
// - interleaved: both sides run fresh in one session, alternating A B A B ...; run i of each side forms a
//   pair that shares the machine's state, and the exact Wilcoxon signed-rank test compares the pairs.
// - history: a stored baseline of several runs, possibly from several sessions, against fresh current
//   runs; the exact Wilcoxon rank-sum test compares them, after allowing for the drift between sessions
//   (learned from the history once it has enough sessions, a measured prior until then).
//
// A metric is a REGRESSION only with statistical evidence (one-sided p <= alpha) AND a material effect
// (the estimate passes a relative and an absolute floor). Every metric states the minimum detectable effect
// of the settings and noise at hand; when that is above what the gate promises to see, the metric is
// inconclusive rather than passed. Pure: run samples in, verdict out.
import { chiSquaredDistributionTable, median, sampleStandardDeviation } from 'simple-statistics';
import { seededRandom } from '../../lib/random.ts';
import { normalQuantile } from '../stats.ts';
import { pairedShiftEstimate, rankSumTest, shiftEstimate, signedRankTest, type RankTestResult, type ShiftEstimate } from './rank.ts';
import type { RunSample } from './sample.ts';
import { DEFAULT_GATE_SETTINGS, type GateSettings, type MetricRule } from './settings.ts';

export type MetricStatus = 'pass' | 'regression' | 'improved' | 'inconclusive' | 'skipped';
export type MetricName = 'p50 latency' | 'p99 latency' | 'error rate' | 'throughput' | 'client IP retention' | 'spoofable probes';

export type GateInput =
  /** baseline[i] and current[i] ran next to each other (A B A B ...); equal lengths. */
  | { design: 'interleaved'; baseline: RunSample[]; current: RunSample[] }
  /** baselineSessions[i] names the session of baseline[i]; current runs are one fresh session. */
  | { design: 'history'; baseline: RunSample[]; baselineSessions: string[]; current: RunSample[] };

/** A change in the metric's unit and relative to the baseline, with its 95% interval. */
export interface Effect {
  /** current - baseline in the metric's unit (ms; ratio points for rates). */
  absolute: number;
  absoluteLo: number;
  absoluteHi: number;
  /** current / baseline - 1 (null when the baseline is 0). */
  relative: number | null;
  relativeLo: number | null;
  relativeHi: number | null;
  /** Achieved coverage of the interval (exact rank intervals cover at least 95%). */
  coverage: number;
  method: string;
}

export interface DetectableEffect {
  /** Smallest change the settings catch with the gate's power, in the metric's unit (Infinity: none). */
  absolute: number;
  relative: number | null;
  /** "this gate can see a p50 change of +0.42 ms (+31%) or more (95% power, alpha 0.25%)" */
  text: string;
}

export interface MetricVerdict {
  metric: MetricName;
  unit: 'ms' | '%' | 'probes';
  status: MetricStatus;
  /** Typical value of each side in the metric's unit (median of runs; pooled ratio for errors). */
  baseline: number | null;
  current: number | null;
  effect: Effect | null;
  /** One-sided p-value in the worse direction (null for exact metrics). */
  p: number | null;
  test: string;
  /** Runs that entered the comparison, per side. */
  runs: { baseline: number; current: number };
  /** Allowance for session drift subtracted before testing (history design), in the metric's unit. */
  driftAllowance: number | null;
  mde: DetectableEffect | null;
  threshold: string;
  detail: string;
}

export interface GateVerdict {
  verdict: 'pass' | 'regression' | 'inconclusive';
  design: GateInput['design'];
  metrics: MetricVerdict[];
  /** Session drift used for a history, and where it came from. */
  drift: { lnP50: number; lnP99: number; source: string } | null;
  notes: string[];
  settings: GateSettings;
}

interface ContinuousSpec {
  metric: MetricName;
  unit: 'ms' | '%';
  scale: 'log' | 'linear';
  worse: 'higher' | 'lower';
  /**
   * Latency is read only from runs whose figure is unbiased: valid runs, and runs invalid only for late sends
   * whose bias bound on this percentile is immaterial (RunSample.latencyUsable).
   */
  validOnly: boolean;
  usable?: 'p50' | 'p99';
  value: (r: RunSample) => number;
  rule: MetricRule;
  /** Drift standard deviation on the test's scale (history design). */
  drift: number;
}

const zCache = new Map<number, number>();
const Z = (p: number): number => {
  let z = zCache.get(p);
  if (z === undefined) zCache.set(p, (z = normalQuantile(p)));
  return z;
};
/**
 * Student t quantile by the Cornish-Fisher expansion around the normal one (Abramowitz-Stegun 26.7.5);
 * within 1% of the exact value for df >= 5 and 0.2% for df >= 8 at the levels used here.
 */
export function tQuantile(p: number, df: number): number {
  const z = Z(p);
  if (!Number.isFinite(df)) return z;
  const v = Math.max(df, 1);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v ** 3);
}

const article = (w: string): string => (/^[aeiou]/i.test(w) ? 'an' : 'a');

/** Asymptotic relative efficiency of the Wilcoxon tests against the t-test under normal noise (3/pi). */
const WILCOXON_ARE = 3 / Math.PI;

function fmtPct(x: number, digits = 1): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)}%`;
}

function fmtIn(unit: ContinuousSpec['unit'], x: number): string {
  if (unit === 'ms') return `${x >= 0 ? '+' : ''}${Math.abs(x) < 1 ? x.toFixed(3) : x.toFixed(2)} ms`;
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pp`;
}

function pooledSd(groups: number[][]): number {
  let ss = 0;
  let df = 0;
  for (const g of groups) {
    if (g.length < 2) continue;
    const s = sampleStandardDeviation(g);
    ss += s * s * (g.length - 1);
    df += g.length - 1;
  }
  return df > 0 ? Math.sqrt(ss / df) : NaN;
}

/** Pooled robust spread: 1.4826 x the median absolute deviation from each group's median (NaN below 6 values). */
function robustSd(groups: number[][]): number {
  const dev: number[] = [];
  for (const g of groups) {
    if (g.length < 2) continue;
    const m = median(g);
    for (const x of g) dev.push(Math.abs(x - m));
  }
  return dev.length >= 6 ? 1.4826 * median(dev) : NaN;
}

/**
 * Lag-1 autocorrelation of runs in time order, pooled over sessions (deviations from each session's mean),
 * clamped to [0, 0.8]: a negative estimate from a few runs is noise, and beyond 0.8 the runs carry little
 * separate evidence at all.
 */
export function lag1(sessions: number[][]): number {
  let num = 0;
  let den = 0;
  for (const g of sessions) {
    if (g.length < 3) continue;
    const m = g.reduce((s, x) => s + x, 0) / g.length;
    for (let i = 0; i < g.length; i++) {
      den += (g[i] - m) ** 2;
      if (i > 0) num += (g[i] - m) * (g[i - 1] - m);
    }
  }
  return den > 0 ? Math.min(0.8, Math.max(0, num / den)) : 0;
}

/** Variance of the mean of n AR(1) runs with lag-1 correlation r, over that of n independent ones. */
export function arInflation(r: number, n: number): number {
  let g = 1;
  for (let j = 1; j < n; j++) g += 2 * (1 - j / n) * r ** j;
  return g;
}

function groupBy<T>(xs: T[], key: (x: T, i: number) => string): T[][] {
  const m = new Map<string, T[]>();
  xs.forEach((x, i) => {
    const k = key(x, i);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  });
  return [...m.values()];
}

/**
 * Session drift (standard deviation of a session's offset, on the test's scale) learned from a history:
 * the point estimate, and a 90% upper confidence bound, because a spread read from 3-5 session means is
 * itself very uncertain and an underestimate would make the gate cry wolf.
 */
export function learnedDrift(values: number[], sessions: string[]): { sd: number; upper: number; sessions: number } {
  const groups = groupBy(values, (_, i) => sessions[i]).filter((g) => g.length >= 2);
  if (groups.length < 2) return { sd: NaN, upper: NaN, sessions: groups.length };
  const means = groups.map((g) => g.reduce((s, x) => s + x, 0) / g.length);
  const within = pooledSd(groups);
  const meanSize = groups.reduce((s, g) => s + g.length, 0) / groups.length;
  // Method of moments: the spread of session means minus what within-session noise alone would give.
  const spread = sampleStandardDeviation(means) ** 2;
  const noise = (within * within) / meanSize;
  const df = groups.length - 1;
  const chiLow = chiSquaredLower10(df);
  return { sd: Math.sqrt(Math.max(0, spread - noise)), upper: Math.sqrt(Math.max(0, (spread * df) / chiLow - noise)), sessions: groups.length };
}

/** 10% lower quantile of chi-square with df degrees of freedom (simple-statistics' table to df 30, then Wilson-Hilferty). */
function chiSquaredLower10(df: number): number {
  const row = (chiSquaredDistributionTable as unknown as Record<number, Record<string, number> | undefined>)[df];
  if (row) return row['0.9'];
  const z = -1.281552;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

/** The drift allowed for: the prior until the history has enough sessions, then its own 90% upper bound. */
export function driftFor(prior: number, learned: { sd: number; upper: number; sessions: number }, s: GateSettings): { sd: number; source: string } {
  if (!(learned.sessions >= s.minSessionsToLearn) || !Number.isFinite(learned.upper)) {
    return { sd: prior, source: `prior (history has ${learned.sessions} session${learned.sessions === 1 ? '' : 's'}; learned from ${s.minSessionsToLearn})` };
  }
  return { sd: learned.upper, source: `learned from ${learned.sessions} sessions (estimate ${learned.sd.toFixed(3)}, 90% upper bound ${learned.upper.toFixed(3)} used)` };
}

interface Prepared {
  kind: 'paired' | 'unpaired';
  b: number[];
  c: number[];
  /** Paired differences (interleaved) */
  d: number[];
  bSessions: string[];
}

function prepare(input: GateInput, spec: ContinuousSpec, pairing: 'paired' | 'unpaired'): Prepared {
  const unbiased = (r: RunSample) => (spec.usable && r.latencyUsable ? r.latencyUsable[spec.usable] : r.valid);
  const ok = (r: RunSample) => (!spec.validOnly || unbiased(r)) && r.requests > 0 && Number.isFinite(spec.value(r)) && (spec.scale === 'linear' || spec.value(r) > 0);
  const tr = (x: number) => (spec.scale === 'log' ? Math.log(x) : x);
  if (input.design === 'interleaved' && pairing === 'paired') {
    const b: number[] = [];
    const c: number[] = [];
    const d: number[] = [];
    const n = Math.min(input.baseline.length, input.current.length);
    for (let i = 0; i < n; i++) {
      const rb = input.baseline[i];
      const rc = input.current[i];
      if (!ok(rb) || !ok(rc)) continue;
      b.push(tr(spec.value(rb)));
      c.push(tr(spec.value(rc)));
      d.push(tr(spec.value(rc)) - tr(spec.value(rb)));
    }
    return { kind: pairing, b, c, d, bSessions: b.map(() => 'session') };
  }
  const bSessions: string[] = [];
  const b: number[] = [];
  input.baseline.forEach((r, i) => {
    if (!ok(r)) return;
    b.push(tr(spec.value(r)));
    bSessions.push(input.design === 'history' ? (input.baselineSessions[i] ?? 'baseline') : 'session');
  });
  const c = input.current.filter(ok).map((r) => tr(spec.value(r)));
  return { kind: 'unpaired', b, c, d: [], bSessions };
}

/** Sign so that "worse" is always "larger" inside the tests. */
const orient = (spec: ContinuousSpec) => (spec.worse === 'higher' ? 1 : -1);

function continuousVerdict(input: GateInput, spec: ContinuousSpec, s: GateSettings, driftSd: number): MetricVerdict {
  const p = prepare(input, spec, input.design === 'interleaved' && s.interleavedTest === 'signed-rank' ? 'paired' : 'unpaired');
  const sign = orient(spec);
  const nb = p.b.length;
  const nc = p.c.length;
  const base: MetricVerdict = {
    metric: spec.metric,
    unit: spec.unit,
    status: 'inconclusive',
    baseline: nb ? (spec.scale === 'log' ? Math.exp(median(p.b)) : median(p.b)) : null,
    current: nc ? (spec.scale === 'log' ? Math.exp(median(p.c)) : median(p.c)) : null,
    effect: null,
    p: null,
    test: '',
    runs: { baseline: nb, current: nc },
    driftAllowance: null,
    mde: null,
    threshold: thresholdText(spec),
    detail: '',
  };
  if (nb < 2 || nc < 2) {
    return { ...base, test: 'none', detail: `too few ${spec.validOnly ? 'valid ' : ''}runs to compare (${nb} baseline, ${nc} current; at least 2 each, ${minRunsText(input.design, s.alpha, s.interleavedTest === 'signed-rank')} for a verdict)` };
  }
  if (new Set([...p.b, ...p.c]).size === 1) {
    // Every run of both sides shows the same value (typically: no errors, or exactly the target rate).
    const lv = level0(spec, p);
    const minP = p.kind === 'paired' ? 2 ** -p.d.length : 1 / binom(nb + nc, nc);
    const mde = detectable(spec, s, lv, (countingFloor(spec, input, lv) * Math.sqrt(1 / nb + 1 / nc)) / Math.sqrt(WILCOXON_ARE), minP, input.design, Infinity);
    const zero: Effect = { absolute: 0, absoluteLo: 0, absoluteHi: 0, relative: 0, relativeLo: 0, relativeHi: 0, coverage: 1, method: 'all runs equal' };
    const status = mustDetectMissed(spec, mde, lv) ? 'inconclusive' : 'pass';
    return { ...base, status, effect: zero, p: 1, test: 'all runs equal: no test needed', mde, detail: `every run of both sides: ${spec.unit === 'ms' ? `${base.baseline} ms` : `${((base.baseline ?? 0) * 100).toFixed(2)}%`}; ${mde.text}` };
  }
  // Spread of the comparison: run-to-run (within sessions) over the run counts, as seen by a Wilcoxon test.
  const paired = p.kind === 'paired';
  const level = base.baseline ?? NaN;
  const rawSd = paired ? sampleStandardDeviation(p.d) : pooledSd([...groupBy(p.b, (_, i) => p.bSessions[i]), p.c]);
  const sd = Math.max(Number.isFinite(rawSd) ? rawSd : 0, countingFloor(spec, input, level));
  let spread = paired ? Math.sqrt(1 / p.d.length) : Math.sqrt(1 / nb + 1 / nc);
  if (input.design === 'history') {
    // Consecutive runs of one session share part of the machine's state (lag-1 correlation r), so a
    // session's mean varies more than sd^2/n: inflate each side by the AR(1) factor of its session length.
    const groupsB = groupBy(p.b, (_, i) => p.bSessions[i]);
    const r = lag1([...groupsB, p.c]);
    const kB = nb / groupsB.length;
    spread = Math.sqrt(arInflation(r, kB) / nb + arInflation(r, nc) / nc);
  }
  const se = (sd * spread) / Math.sqrt(WILCOXON_ARE);
  // A stored baseline comes from other sessions: the difference carries the current session's drift and
  // the baseline's (averaged over its sessions). Interleaved sides share one session: no drift.
  const sessionsB = new Set(p.bSessions).size || 1;
  const driftDiff = input.design === 'history' ? driftSd * Math.sqrt(1 + 1 / sessionsB) : 0;
  const total = Math.hypot(driftDiff, se);
  // The exact rank test runs on current runs moved back by this allowance; it then rejects about when the
  // shift exceeds z(1-alpha) x total, i.e. at level alpha with the drift counted as noise. The rank test's
  // own threshold follows the bulk of the runs, not an outlier run that inflates the sample SD, so the
  // allowance uses the robust (MAD) spread when it is smaller: a larger allowance, never a smaller one.
  const robust = paired ? robustSd([p.d]) : robustSd([...groupBy(p.b, (_, i) => p.bSessions[i]), p.c]);
  const seTest = Number.isFinite(robust) ? Math.min(se, (Math.max(robust, countingFloor(spec, input, level)) * spread) / Math.sqrt(WILCOXON_ARE)) : se;
  const margin = Z(1 - s.alpha) * (Math.hypot(driftDiff, seTest) - seTest);
  // Tests run on the oriented scale: positive = worse.
  let worse: RankTestResult;
  let better: RankTestResult;
  let est: ShiftEstimate;
  if (paired) {
    const d = p.d.map((x) => sign * x);
    worse = signedRankTest(d, margin);
    better = signedRankTest(d, -margin);
    est = pairedShiftEstimate(p.d);
  } else {
    const b = p.b.map((x) => sign * x);
    const c = p.c.map((x) => sign * x);
    worse = rankSumTest(b, c, margin);
    better = rankSumTest(b, c, -margin);
    est = shiftEstimate(p.b, p.c);
  }
  const test = `${worse.test === 'wilcoxon-signed-rank' ? `Wilcoxon signed-rank over ${p.d.length} interleaved pairs` : `Wilcoxon rank-sum over ${nb} baseline / ${nc} current runs${input.design === 'interleaved' ? ' (interleaved)' : ''}`}${spec.scale === 'log' ? ' (log scale)' : ''}, exact${worse.ties ? ' with ties' : ''}`;
  const effect = spec.metric === 'error rate' ? errorRateEffect(input, s.seed) : effectOf(spec, est, level);
  const change = { abs: effect.absolute, rel: effect.relative };
  const pWorse = worse.pGreater;
  const pBetter = better.pLess;
  const materialWorse = isMaterial(spec, change, sign);
  const materialBetter = isMaterial(spec, change, -sign);
  const df = paired ? p.d.length - 1 : nb + nc - new Set(p.bSessions).size - 1;
  // With 6-12 runs a side the Wilcoxon test falls short of its asymptotic efficiency at alpha 0.0025; the
  // factor n/(n + 1.5) (n: harmonic mean of the side sizes) is calibrated by simulation so that the power at
  // the (median) stated MDE is 93-98% with interleaved runs or a one-session history (docs/regression-gate.md).
  const nEff = paired ? p.d.length : 2 / (1 / nb + 1 / nc);
  const seMde = se / Math.sqrt(nEff / (nEff + 1.5));
  const mde = detectable(spec, s, level, Math.hypot(driftDiff, seMde), worse.minPGreater, input.design, df);
  const driftAllowance = input.design === 'history' ? toUnit(spec, margin, level) : null;
  const row: MetricVerdict = { ...base, effect, p: pWorse, test, driftAllowance, mde };
  const changeText = `${fmtIn(spec.unit, change.abs)}${change.rel !== null ? ` (${fmtPct(change.rel)})` : ''}`;
  const ciText = `95% CI ${fmtIn(spec.unit, effect.absoluteLo)} .. ${fmtIn(spec.unit, effect.absoluteHi)}`;
  const pText = `one-sided p = ${pWorse.toPrecision(2)}${margin > 0 ? ` beyond the drift allowance ${fmtIn(spec.unit, sign * (driftAllowance ?? 0))}` : ''}`;
  if (pWorse <= s.alpha && materialWorse) {
    return { ...row, status: 'regression', detail: `${changeText}, ${ciText}, ${pText} <= ${s.alpha}: worse by a material amount` };
  }
  if (pBetter <= s.alpha && materialBetter) {
    return { ...row, status: 'improved', detail: `${changeText}, ${ciText}: better by a material amount (one-sided p = ${pBetter.toPrecision(2)})` };
  }
  if (!Number.isFinite(mde.absolute) || mustDetectMissed(spec, mde, level)) {
    return { ...row, status: 'inconclusive', detail: `${changeText}, ${ciText}, ${pText}; but ${mde.text}, short of the ${mustDetectText(spec)} it must see: a pass here would not mean what it says` };
  }
  const why = pWorse <= s.alpha ? ': significant but below the material threshold' : '';
  return { ...row, status: 'pass', detail: `${changeText}, ${ciText}, ${pText}${why}; ${mde.text}` };
}

/**
 * Spread a rate has at least from counting alone, even when every run showed the same value (e.g. no
 * errors anywhere): Poisson noise of the error count at the material rate, or one request in a run.
 */
function countingFloor(spec: ContinuousSpec, input: GateInput, level: number): number {
  if (spec.scale === 'log') return 0;
  const runs = [...input.baseline, ...input.current].filter((r) => r.requests > 0);
  if (!runs.length) return 0;
  const n = runs.reduce((s, r) => s + r.requests, 0) / runs.length;
  if (spec.metric === 'error rate') return Math.sqrt((Math.max(level, 0) + spec.rule.minAbsolute) / n);
  return 1 / n;
}

function level0(spec: ContinuousSpec, p: Prepared): number {
  return spec.scale === 'log' ? Math.exp(median(p.b)) : median(p.b);
}

function toUnit(spec: ContinuousSpec, lnOrLinear: number, level: number): number {
  return spec.scale === 'log' ? level * (Math.exp(lnOrLinear) - 1) : lnOrLinear;
}

function effectOf(spec: ContinuousSpec, est: ShiftEstimate, level: number): Effect {
  if (spec.scale === 'log') {
    const rel = (x: number) => Math.exp(x) - 1;
    return {
      absolute: level * rel(est.estimate),
      absoluteLo: level * rel(est.lo),
      absoluteHi: level * rel(est.hi),
      relative: rel(est.estimate),
      relativeLo: rel(est.lo),
      relativeHi: rel(est.hi),
      coverage: est.coverage,
      method: `Hodges-Lehmann shift of ln(${spec.metric.split(' ')[0]}) with its exact rank interval, times the baseline median`,
    };
  }
  const r = (x: number) => (level > 0 ? x / level : null);
  return { absolute: est.estimate, absoluteLo: est.lo, absoluteHi: est.hi, relative: r(est.estimate), relativeLo: r(est.lo), relativeHi: r(est.hi), coverage: est.coverage, method: 'Hodges-Lehmann shift with its exact rank interval' };
}

/** Pooled error ratios (errors over requests, all runs of a side) and a seeded bootstrap over runs. */
function errorRateEffect(input: GateInput, seed: number): Effect {
  const pooled = (rs: RunSample[]) => {
    const req = rs.reduce((s, r) => s + r.requests, 0);
    return req > 0 ? rs.reduce((s, r) => s + r.errors, 0) / req : 0;
  };
  const b = input.baseline.filter((r) => r.requests > 0);
  const c = input.current.filter((r) => r.requests > 0);
  const pb = pooled(b);
  const diff = pooled(c) - pb;
  if (![...b, ...c].some((r) => r.errors > 0)) {
    return { absolute: 0, absoluteLo: 0, absoluteHi: 0, relative: null, relativeLo: null, relativeHi: null, coverage: 1, method: 'no failed request on either side' };
  }
  const rand = seededRandom(seed);
  const draws: number[] = [];
  const resample = (rs: RunSample[]) => rs.map(() => rs[Math.floor(rand() * rs.length)]);
  for (let i = 0; i < 2000; i++) draws.push(pooled(resample(c)) - pooled(resample(b)));
  draws.sort((x, y) => x - y);
  const lo = draws[Math.floor(0.025 * (draws.length - 1))];
  const hi = draws[Math.ceil(0.975 * (draws.length - 1))];
  const rel = (x: number) => (pb > 0 ? x / pb : null);
  return { absolute: diff, absoluteLo: lo, absoluteHi: hi, relative: rel(diff), relativeLo: rel(lo), relativeHi: rel(hi), coverage: 0.95, method: 'difference of pooled error ratios, bootstrap over runs (2000 resamples, fixed seed)' };
}

function isMaterial(spec: ContinuousSpec, change: { abs: number; rel: number | null }, dir: number): boolean {
  const abs = dir * change.abs;
  const rel = change.rel === null ? Infinity : dir * change.rel;
  return abs >= spec.rule.minAbsolute && rel >= spec.rule.minRelative;
}

function thresholdText(spec: ContinuousSpec): string {
  const sgn = spec.worse === 'higher' ? '+' : '-';
  const abs = spec.unit === 'ms' ? `${spec.rule.minAbsolute} ms` : `${(spec.rule.minAbsolute * 100).toFixed(2)} pp`;
  return `material: ${sgn}${(spec.rule.minRelative * 100).toFixed(0)}% and ${sgn}${abs}`;
}

function mustDetectText(spec: ContinuousSpec): string {
  const m = spec.rule.mustDetect;
  const parts: string[] = [];
  if (m.absolute !== undefined) parts.push(spec.unit === 'ms' ? `${m.absolute} ms` : `${(m.absolute * 100).toFixed(1)} pp`);
  if (m.relative !== undefined) parts.push(`${(m.relative * 100).toFixed(0)}%`);
  return parts.join(' / ') || 'change';
}

function minRunsText(design: GateInput['design'], alpha: number, paired: boolean): string {
  if (design === 'interleaved' && paired) return `${Math.ceil(Math.log2(1 / alpha))} pairs`;
  let n = 2;
  while (binom(2 * n, n) < 1 / alpha) n++;
  return `${n} runs per side`;
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

function mustDetectMissed(spec: ContinuousSpec, mde: DetectableEffect, level: number): boolean {
  const m = spec.rule.mustDetect;
  if (m.absolute !== undefined && mde.absolute > m.absolute) return true;
  if (m.relative !== undefined) {
    const rel = mde.relative ?? (level > 0 ? mde.absolute / level : Infinity);
    if (rel > m.relative) return true;
  }
  return false;
}

/**
 * Minimum detectable effect: the change the test flags with probability `power`, (z(1-alpha) + z(power))
 * x total, where total is the standard deviation of the estimated shift: observed run-to-run spread over
 * the run counts at the Wilcoxon test's efficiency (3/pi), and the session drift of a stored baseline. Never
 * below the material floors plus z(power) x total (a change must also look material to be flagged).
 */
function detectable(spec: ContinuousSpec, s: GateSettings, level: number, total: number, minP: number, design: GateInput['design'], df: number): DetectableEffect {
  const what = `${spec.metric.replace(' latency', '')} ${spec.worse === 'higher' ? 'increase' : 'drop'}`;
  const tail = `${(s.power * 100).toFixed(0)}% power, alpha ${(s.alpha * 100).toFixed(2)}%`;
  if (minP > s.alpha) {
    return { absolute: Infinity, relative: null, text: `this gate cannot flag any ${what} with so few runs (smallest possible p = ${minP.toPrecision(2)} > alpha ${s.alpha}; needs ${minRunsText(design, s.alpha, s.interleavedTest === 'signed-rank')})` };
  }
  // The spread is estimated from few runs: Student t quantiles instead of normal ones (df of the spread).
  const zA = tQuantile(1 - s.alpha, df);
  const zB = tQuantile(s.power, df);
  const se = total;
  const stat = (zA + zB) * total;
  const rule = spec.rule;
  if (spec.scale === 'log') {
    // The estimate must also clear the material floor with the same power.
    const floorLn = Math.log(1 + Math.max(rule.minRelative, level > 0 ? rule.minAbsolute / level : 0)) + zB * se;
    const ln = Math.max(stat, floorLn);
    const rel = Math.exp(ln) - 1;
    const abs = level * rel;
    return { absolute: abs, relative: rel, text: `this gate can see ${article(what)} ${what} of ${fmtIn(spec.unit, abs)} (${fmtPct(rel)}) or more (${tail})` };
  }
  const floorAbs = Math.max(rule.minAbsolute, level > 0 ? rule.minRelative * level : 0) + zB * se;
  const abs = Math.max(stat, floorAbs);
  const rel = level > 0 ? abs / level : null;
  const shown = spec.worse === 'higher' ? abs : -abs;
  return { absolute: abs, relative: rel, text: `this gate can see ${article(what)} ${what} of ${fmtIn(spec.unit, shown)}${rel !== null ? ` (${fmtPct(spec.worse === 'higher' ? rel : -rel)})` : ''} or more (${tail})` };
}

/** Client IP retention: deterministic. Any change from the baseline, in any run, is a regression. */
function clientIpVerdict(input: GateInput): MetricVerdict {
  const ratio = (r: RunSample) => (r.clientIp.checked > 0 ? r.clientIp.retained / r.clientIp.checked : null);
  const b = input.baseline.map(ratio).filter((x): x is number => x !== null);
  const c = input.current.map(ratio).filter((x): x is number => x !== null);
  const row: MetricVerdict = { metric: 'client IP retention', unit: '%', status: 'pass', baseline: b.length ? median(b) * 100 : null, current: c.length ? median(c) * 100 : null, effect: null, p: null, test: 'exact: every run must retain what the baseline retained', runs: { baseline: b.length, current: c.length }, driftAllowance: null, mde: null, threshold: 'any change', detail: '' };
  if (!b.length || !c.length) return { ...row, status: 'skipped', detail: 'client IP not checked on one side' };
  const bset = [...new Set(b)];
  if (bset.length > 1) return { ...row, status: 'inconclusive', detail: `the baseline itself is not deterministic: its runs retained ${bset.map((x) => `${(x * 100).toFixed(2)}%`).join(', ')}; record a new baseline and look for what makes retention vary` };
  const changed = c.filter((x) => x !== bset[0]);
  if (changed.length) {
    const worst = changed.reduce((w, x) => (Math.abs(x - bset[0]) > Math.abs(w - bset[0]) ? x : w));
    const dir = worst < bset[0] ? 'the application no longer sees the true client address for some requests' : 'retention rose: if this change is intended, record a new baseline';
    return { ...row, status: 'regression', detail: `${changed.length} of ${c.length} runs retained ${(worst * 100).toFixed(2)}% instead of ${(bset[0] * 100).toFixed(2)}%: ${dir}` };
  }
  return { ...row, detail: `${(bset[0] * 100).toFixed(2)}% in every run, as in the baseline` };
}

/** Spoofable probes: deterministic. A probe spoofable in any current run and never in the baseline fails. */
function spoofVerdict(input: GateInput): MetricVerdict {
  const b = input.baseline.filter((r) => r.spoofable !== null);
  const c = input.current.filter((r) => r.spoofable !== null);
  const was = new Set(b.flatMap((r) => r.spoofable!));
  const now = new Set(c.flatMap((r) => r.spoofable!));
  const row: MetricVerdict = { metric: 'spoofable probes', unit: 'probes', status: 'pass', baseline: was.size, current: now.size, effect: null, p: null, test: 'exact', runs: { baseline: b.length, current: c.length }, driftAllowance: null, mde: null, threshold: 'no new spoofable probe', detail: '' };
  if (!b.length || !c.length) return { ...row, status: 'skipped', detail: 'no spoofing probes on one side' };
  const added = [...now].filter((x) => !was.has(x));
  const fixed = [...was].filter((x) => !now.has(x));
  if (added.length) return { ...row, status: 'regression', detail: `newly spoofable: ${added.join('; ')}` };
  if (fixed.length) return { ...row, status: 'improved', detail: `no longer spoofable: ${fixed.join('; ')}` };
  return { ...row, detail: now.size ? `spoofable as in the baseline: ${[...now].join('; ')}` : 'none spoofable' };
}

/** The verdict of the gate over all metrics. */
export function evaluateGate(input: GateInput, s: GateSettings = DEFAULT_GATE_SETTINGS): GateVerdict {
  if (input.design === 'interleaved' && input.baseline.length !== input.current.length) {
    throw new Error(`interleaved design needs as many baseline runs as current runs (got ${input.baseline.length} and ${input.current.length})`);
  }
  if (input.design === 'history' && input.baselineSessions.length !== input.baseline.length) {
    throw new Error(`history design needs one session id per baseline run (got ${input.baselineSessions.length} for ${input.baseline.length} runs)`);
  }
  const notes: string[] = [];
  let drift: GateVerdict['drift'] = null;
  let d50 = 0;
  let d99 = 0;
  if (input.design === 'history') {
    const valid = input.baseline.map((r, i) => [r, input.baselineSessions[i]] as const).filter(([r]) => r.valid && r.p50Ms > 0 && r.p99Ms > 0);
    const sess = valid.map(([, id]) => id);
    const f50 = driftFor(s.driftPrior.lnP50, learnedDrift(valid.map(([r]) => Math.log(r.p50Ms)), sess), s);
    const f99 = driftFor(s.driftPrior.lnP99, learnedDrift(valid.map(([r]) => Math.log(r.p99Ms)), sess), s);
    d50 = f50.sd;
    d99 = f99.sd;
    drift = { lnP50: d50, lnP99: d99, source: `p50: ${f50.source}; p99: ${f99.source}; prior: ${s.driftPrior.source}` };
  }
  const specs: ContinuousSpec[] = [
    { metric: 'p50 latency', unit: 'ms', scale: 'log', worse: 'higher', validOnly: true, usable: 'p50', value: (r) => r.p50Ms, rule: s.p50, drift: d50 },
    { metric: 'p99 latency', unit: 'ms', scale: 'log', worse: 'higher', validOnly: true, usable: 'p99', value: (r) => r.p99Ms, rule: s.p99, drift: d99 },
    // Errors and throughput count every run: a gateway that fails or saturates makes its runs invalid,
    // and that is the regression to report, not a run to drop.
    { metric: 'error rate', unit: '%', scale: 'linear', worse: 'higher', validOnly: false, value: (r) => (r.requests > 0 ? r.errors / r.requests : NaN), rule: s.errorRate, drift: 0 },
    { metric: 'throughput', unit: '%', scale: 'linear', worse: 'lower', validOnly: false, value: (r) => (r.targetRps > 0 ? r.achievedRps / r.targetRps : NaN), rule: s.throughput, drift: 0 },
  ];
  const metrics = specs.map((spec) => continuousVerdict(input, spec, s, spec.drift));
  metrics.push(clientIpVerdict(input), spoofVerdict(input));

  const env = (rs: RunSample[]) => rs.filter((r) => r.environmentInvalid);
  const envB = env(input.baseline);
  const envC = env(input.current);
  if (envB.length || envC.length) {
    const reasons = [...new Set([...envB, ...envC].flatMap((r) => r.reasons))].slice(0, 3);
    const kept = (rs: RunSample[], q: 'p50' | 'p99') => rs.filter((r) => r.latencyUsable?.[q]).length;
    const keptText = `; kept where late sends cannot bias the figure: p50 of ${kept(envB, 'p50')} + ${kept(envC, 'p50')}, p99 of ${kept(envB, 'p99')} + ${kept(envC, 'p99')} of them`;
    notes.push(`${envB.length} baseline and ${envC.length} current runs were invalid for a cause in the measuring environment and left out of the latency comparison${keptText}: ${reasons.join('; ')}`);
  }
  const sysInvalid = input.current.filter((r) => !r.valid && !r.environmentInvalid).length;
  if (sysInvalid) notes.push(`${sysInvalid} current runs were invalid because of the system under test (rate short of target or errors): they count in error rate and throughput, not in latency`);
  if (drift) notes.push(`stored baseline: session drift allowed for (ln scale) p50 ${drift.lnP50.toFixed(3)}, p99 ${drift.lnP99.toFixed(3)}: ${drift.source}`);

  const gated = metrics.filter((m) => m.status !== 'skipped');
  const verdict = gated.some((m) => m.status === 'regression') ? 'regression' : gated.some((m) => m.status === 'inconclusive') ? 'inconclusive' : 'pass';
  return { verdict, design: input.design, metrics, drift, notes, settings: s };
}

/** Exit code for CI: 0 pass, 1 regression; inconclusive is 0 (with its warning) unless it must fail (3). */
export function gateExitCode(v: GateVerdict, o: { failInconclusive?: boolean } = {}): number {
  if (v.verdict === 'regression') return 1;
  if (v.verdict === 'inconclusive' && o.failInconclusive) return 3;
  return 0;
}

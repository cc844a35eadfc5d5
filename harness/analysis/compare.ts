// Architecture-review comparison: side-by-side rows and findings derived from the runs' result.json data
// (never canned prose), with 95% intervals across repeats. Pure: compare.json in, rows and findings out.
import { decodeHistogram, mergeEncoded, summarize } from '../load/histogram.ts';
import { meanInterval, type Interval } from './stats.ts';
import type { CompareDoc, CostPoint } from '../result/compare.ts';

export interface CompareRow {
  scenario: string;
  runs: number;
  validRuns: number;
  invalidReasons: string[];
  /** Percentiles of all repeats pooled (merged histograms), ms. */
  p50: number;
  p99: number;
  /** 95% interval of the per-run percentile across repeats (n = runs). */
  p50Ci: Interval;
  p99Ci: Interval;
  latencyFidelity: string;
  targetRps: number;
  achievedRps: Interval;
  requests: number;
  errors: number;
  errorRatio: number;
  clientIpChecked: number;
  clientIpRetained: number;
  retentionRatio: number;
  clientIpSawInstead: string | null;
  clientIpFidelity: string;
  spoofable: Array<{ probe: string; forged: string; fix?: string }>;
  spoofProbed: boolean;
  monthlyUsd: number | null;
  costPerMillionUsd: number | null;
  costProfile: string | null;
  features: Record<string, string | boolean> | null;
}

export interface CompareFinding {
  kind: 'cost' | 'crossover' | 'latency' | 'client-ip' | 'spoofing' | 'validity' | 'fidelity' | 'lifecycle';
  severity: 'info' | 'warning' | 'critical';
  text: string;
}

export function compareRows(doc: CompareDoc): CompareRow[] {
  return doc.scenarios
    .map((s): CompareRow | null => {
      const rs = doc.runs.filter((r) => r.scenario === s).map((r) => r.result);
      if (!rs.length) return null;
      const hists = rs.map((r) => r.latencyMs.histogram).filter((h): h is NonNullable<typeof h> => !!h);
      const pooled = hists.length ? summarize(decodeHistogram(mergeEncoded(hists))) : null;
      const requests = sum(rs.map((r) => r.load.requests));
      const errors = sum(rs.map((r) => r.load.errors));
      const checked = sum(rs.map((r) => r.clientIp.checked));
      const retained = sum(rs.map((r) => r.clientIp.retained));
      const other = rs.flatMap((r) => r.clientIp.observedOther ?? []).sort((a, b) => b.count - a.count)[0];
      const spoof = new Map<string, { probe: string; forged: string; fix?: string }>();
      for (const r of rs) for (const p of r.spoofing ?? []) if (p.spoofable && !spoof.has(p.probe)) spoof.set(p.probe, { probe: p.probe, forged: p.forged, fix: p.fix });
      const cost = rs.find((r) => r.cost)?.cost ?? null;
      const reqPerMonthM = doc.profile ? (doc.profile.requestsPerSecond * doc.profile.hoursPerMonth * 3600) / 1e6 : null;
      return {
        scenario: s,
        runs: rs.length,
        validRuns: rs.filter((r) => r.validity.valid).length,
        invalidReasons: [...new Set(rs.filter((r) => !r.validity.valid).flatMap((r) => r.validity.reasons))],
        p50: pooled?.p50 ?? mean(rs.map((r) => r.latencyMs.p50)),
        p99: pooled?.p99 ?? mean(rs.map((r) => r.latencyMs.p99)),
        p50Ci: meanInterval(rs.map((r) => r.latencyMs.p50)),
        p99Ci: meanInterval(rs.map((r) => r.latencyMs.p99)),
        latencyFidelity: [...new Set(rs.map((r) => r.latencyMs.fidelity))].join('+'),
        targetRps: rs[0].load.targetRps,
        achievedRps: meanInterval(rs.map((r) => r.load.achievedRps)),
        requests,
        errors,
        errorRatio: requests ? errors / requests : 0,
        clientIpChecked: checked,
        clientIpRetained: retained,
        retentionRatio: checked ? retained / checked : 0,
        clientIpSawInstead: other?.ip ?? null,
        clientIpFidelity: [...new Set(rs.map((r) => r.clientIp.fidelity))].join('+'),
        spoofable: [...spoof.values()],
        spoofProbed: rs.some((r) => !!r.spoofing?.length),
        monthlyUsd: cost?.monthlyUsd ?? null,
        costPerMillionUsd: cost && reqPerMonthM ? cost.monthlyUsd / reqPerMonthM : null,
        costProfile: cost?.profile ?? null,
        features: doc.features[s] ?? rs[0].features ?? null,
      };
    })
    .filter((r): r is CompareRow => r !== null);
}

/** Findings computed from the rows and the cost sweep. Every sentence states figures from the data. */
export function compareFindings(doc: CompareDoc, rows: CompareRow[]): CompareFinding[] {
  const F: CompareFinding[] = [];
  const money = (v: number) => `$${v.toFixed(2)}`;
  const priced = rows.filter((r) => r.monthlyUsd !== null).sort((a, b) => a.monthlyUsd! - b.monthlyUsd!);
  if (priced.length) {
    const [c, next] = priced;
    const rate = doc.profile ? ` at ${doc.profile.requestsPerSecond} req/s (profile ${doc.profile.name})` : '';
    F.push({ kind: 'cost', severity: 'info', text: `Cheapest${rate}: ${c.scenario} at ${money(c.monthlyUsd!)} per month${next ? `, ${money(next.monthlyUsd! - c.monthlyUsd!)} less than the next (${next.scenario}, ${money(next.monthlyUsd!)})` : ''}; most expensive: ${priced[priced.length - 1].scenario} at ${money(priced[priced.length - 1].monthlyUsd!)} (modeled).` });
  }
  if (doc.costSweep) {
    const pts = doc.costSweep.points;
    const range = pts.length ? ` between ${Math.round(Math.min(...pts.map((p) => p.rps)))} and ${Math.round(Math.max(...pts.map((p) => p.rps)))} req/s` : '';
    if (doc.costSweep.crossovers.length) {
      for (const x of doc.costSweep.crossovers) F.push({ kind: 'crossover', severity: 'info', text: `Crossover at ${fmtRate(x.rps)}: ${x.cheaperBelow} is cheaper below, ${x.cheaperAbove} above (${money(x.monthlyUsd)} per month there; modeled).` });
    } else if (rows.length > 1) {
      F.push({ kind: 'crossover', severity: 'info', text: `No cost crossover${range}: the cost order does not change with the request rate (modeled).` });
    }
  }
  const timed = rows.filter((r) => r.requests > 0).sort((a, b) => a.p99 - b.p99);
  if (timed.length > 1) {
    const best = timed[0];
    const worst = timed[timed.length - 1];
    const overlap = best.p99Ci.n > 1 && worst.p99Ci.n > 1 && best.p99Ci.hi >= worst.p99Ci.lo;
    F.push({
      kind: 'latency',
      severity: 'info',
      text: `Lowest p99: ${best.scenario} (${best.p99.toFixed(2)} ms); highest: ${worst.scenario} (${worst.p99.toFixed(2)} ms, ${(worst.p99 / Math.max(best.p99, 1e-9)).toFixed(1)}x)${best.p99Ci.n > 1 ? (overlap ? '; their 95% intervals across repeats overlap, so the order is not established' : '; their 95% intervals across repeats do not overlap') : '; single runs: repeat (--repeat N) for intervals'} (${best.latencyFidelity}).`,
    });
  }
  const keep = rows.filter((r) => r.clientIpChecked > 0 && r.retentionRatio === 1).map((r) => r.scenario);
  const lose = rows.filter((r) => r.clientIpChecked > 0 && r.retentionRatio < 1);
  if (keep.length) F.push({ kind: 'client-ip', severity: 'info', text: `Keep the client IP (every checked request): ${keep.join(', ')}.` });
  for (const r of lose) F.push({ kind: 'client-ip', severity: 'warning', text: `${r.scenario} loses the client IP for ${((1 - r.retentionRatio) * 100).toFixed(1)}% of requests${r.clientIpSawInstead ? `: the application saw ${r.clientIpSawInstead} instead` : ''} (${r.clientIpFidelity}).` });
  for (const r of rows.filter((x) => x.spoofable.length)) {
    for (const s of r.spoofable) F.push({ kind: 'spoofing', severity: 'critical', text: `${r.scenario} is spoofable by ${s.probe}: the application believed the forged ${s.forged}.${s.fix ? ` Fix: ${s.fix}` : ''}` });
  }
  const notProbed = rows.filter((r) => !r.spoofProbed).map((r) => r.scenario);
  if (notProbed.length && notProbed.length < rows.length) F.push({ kind: 'spoofing', severity: 'warning', text: `Not probed for spoofing: ${notProbed.join(', ')}.` });
  for (const r of rows.filter((x) => x.validRuns < x.runs)) F.push({ kind: 'validity', severity: 'warning', text: `${r.scenario}: ${r.runs - r.validRuns} of ${r.runs} run(s) invalid (${r.invalidReasons.slice(0, 2).join('; ')}): do not read its latency as a normal result.` });
  for (const f of doc.failed) F.push({ kind: 'validity', severity: 'critical', text: `${f.scenario} (repeat ${f.repeat}) did not run: ${f.error}` });
  // Retired components (the catalog's lifecycle, recorded as run findings), once per scenario.
  const retired = new Set<string>();
  for (const run of doc.runs) {
    for (const f of run.result.findings ?? []) {
      if (!f.title.endsWith(' is retired') || retired.has(`${run.scenario}:${f.title}`)) continue;
      retired.add(`${run.scenario}:${f.title}`);
      F.push({ kind: 'lifecycle', severity: 'warning', text: `${run.scenario}: ${f.title}: ${f.detail}${f.fix ? ` Fix: ${f.fix}.` : ''}` });
    }
  }
  const fids = new Set(rows.map((r) => r.latencyFidelity));
  if (fids.size > 1) F.push({ kind: 'fidelity', severity: 'warning', text: `Latency fidelity differs between scenarios (${[...fids].join(', ')}): compare with care.` });
  if (doc.interrupted) F.push({ kind: 'validity', severity: 'warning', text: 'The comparison was interrupted: it covers the runs that completed.' });
  return F;
}

function fmtRate(rps: number): string {
  return rps >= 1000 ? `${(rps / 1000).toFixed(rps >= 10000 ? 0 : 1)}k req/s` : `${rps.toFixed(rps >= 100 ? 0 : 1)} req/s`;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function mean(xs: number[]): number {
  return xs.length ? sum(xs) / xs.length : 0;
}

/** Cost-vs-rate points in the chart's shape from a sweep's {rps, costs{scenario: usd}} points. */
export function sweepToPoints(points: Array<{ rps: number; costs: Record<string, number> }>): CostPoint[] {
  return points.flatMap((p) => Object.entries(p.costs).map(([scenario, monthlyUsd]) => ({ scenario, rps: p.rps, monthlyUsd })));
}

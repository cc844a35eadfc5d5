// Vega-Lite specs for every chart of a report, built from result.json documents only. Pure: data in, spec out.
// Each chart title names the fidelity of what it plots (measured / emulated / modeled).
import type { TopLevelSpec } from 'vega-lite';
import type { Fidelity, RunResult } from '../result/types.ts';
import type { CostCrossover, CostPoint } from '../result/compare.ts';
import { FEATURE_LABELS } from '../catalog/types.ts';
import { decodeHistogram } from '../load/histogram.ts';

export interface ChartDef {
  /** File name stem (charts/<id>.svg) and HTML element id. */
  id: string;
  title: string;
  /** How to read it: printed under the chart. */
  caption: string;
  spec: TopLevelSpec;
}

/** A run with the name it is plotted under (scenario, or "scenario #2" for repeats). */
export interface LabeledRun {
  label: string;
  result: RunResult;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const WIDTH = 560;
const BASE = { $schema: SCHEMA, background: 'white', config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 } } } as const;

/** Labels runs by scenario; repeats of a scenario get "#n". */
export function labelRuns(results: RunResult[]): LabeledRun[] {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.scenario, (counts.get(r.scenario) ?? 0) + 1);
  const seen = new Map<string, number>();
  return results.map((r) => {
    const k = (seen.get(r.scenario) ?? 0) + 1;
    seen.set(r.scenario, k);
    return { label: counts.get(r.scenario)! > 1 ? `${r.scenario} #${k}` : r.scenario, result: r };
  });
}

function fidelities(fs: Fidelity[]): string {
  return [...new Set(fs)].join(' + ');
}

/** Percentiles plotted on the latency curve (log "nines" axis, as HdrHistogram plots do). */
export const CURVE_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 98, 99, 99.5, 99.9, 99.95, 99.99, 100];

export function latencyCurveData(runs: LabeledRun[]): Array<{ series: string; percentile: number; nines: number; ms: number }> {
  const out: Array<{ series: string; percentile: number; nines: number; ms: number }> = [];
  for (const { label, result } of runs) {
    if (!result.latencyMs.histogram || result.load.requests === 0) continue;
    const h = decodeHistogram(result.latencyMs.histogram);
    // Beyond 1/n the histogram only repeats its maximum: stop there so the curve does not invent resolution.
    const maxNines = Math.log10(Math.max(h.totalCount, 1));
    for (const p of CURVE_PERCENTILES) {
      const nines = p >= 100 ? maxNines : Math.min(-Math.log10(1 - p / 100), maxNines);
      out.push({ series: label, percentile: p, nines: +nines.toFixed(4), ms: h.getValueAtPercentile(p) / 1000 });
    }
  }
  return out;
}

export function latencyCurveChart(runs: LabeledRun[]): ChartDef | null {
  const values = latencyCurveData(runs);
  if (!values.length) return null;
  const f = fidelities(runs.map((r) => r.result.latencyMs.fidelity));
  return {
    id: 'latency-percentiles',
    title: `Latency percentile curve (${f})`,
    caption: 'Latency (ms, log scale, from the intended send time) at each percentile; the x axis is in "nines" (90%, 99%, 99.9%...). A curve that bends up late has a tail problem; curves that differ by a constant differ by a hop. Recomputed from each run\'s HdrHistogram.',
    spec: {
      ...BASE,
      title: `Latency by percentile (${f})`,
      width: WIDTH,
      height: 300,
      data: { values },
      mark: { type: 'line', point: true, interpolate: 'monotone' },
      encoding: {
        x: { field: 'nines', type: 'quantitative', title: 'percentile', axis: { values: [0, 1, 2, 3, 4], labelExpr: "datum.value == 0 ? '0%' : format(100 - 100 / pow(10, datum.value), '.4~f') + '%'" } },
        y: { field: 'ms', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
        color: { field: 'series', type: 'nominal', title: 'scenario' },
        tooltip: [{ field: 'series' }, { field: 'percentile' }, { field: 'ms', format: '.3f' }],
      },
    } as TopLevelSpec,
  };
}

export function throughputChart(runs: LabeledRun[]): ChartDef | null {
  const values = runs.flatMap(({ label, result }) => result.throughput.map((p) => ({ series: label, t: p.t, rps: p.rps, p99Ms: p.p99Ms, errors: p.errors })));
  if (!values.length) return null;
  const f = fidelities(runs.map((r) => r.result.latencyMs.fidelity));
  const x = { field: 't', type: 'quantitative', title: 'seconds since measurement start' } as const;
  const color = { field: 'series', type: 'nominal', title: 'scenario' } as const;
  return {
    id: 'throughput-p99',
    title: `Throughput and p99 over time (${f})`,
    caption: 'Top: requests completed per second in each interval against the target rate (dashed). Bottom: p99 latency of each interval. A dip in throughput together with a p99 spike is queueing; a steady gap below the target is a saturated hop or driver.',
    spec: {
      ...BASE,
      title: `Throughput and p99 over time (${f})`,
      vconcat: [
        {
          width: WIDTH,
          height: 170,
          layer: [
            { data: { values }, mark: { type: 'line', point: true }, encoding: { x, y: { field: 'rps', type: 'quantitative', title: 'completed req/s' }, color } },
            {
              data: { values: runs.map(({ label, result }) => ({ series: label, target: result.load.targetRps })) },
              mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
              encoding: { y: { field: 'target', type: 'quantitative' } },
            },
          ],
        },
        { width: WIDTH, height: 170, data: { values }, mark: { type: 'line', point: true }, encoding: { x, y: { field: 'p99Ms', type: 'quantitative', title: 'p99 per interval (ms)' }, color } },
      ],
    } as TopLevelSpec,
  };
}

/** Cost lines summed per component, per run (first run of each scenario: cost does not vary with repeats). */
export function costBreakdownData(runs: LabeledRun[]): Array<{ scenario: string; component: string; monthlyUsd: number }> {
  const out: Array<{ scenario: string; component: string; monthlyUsd: number }> = [];
  const done = new Set<string>();
  for (const { result } of runs) {
    if (!result.cost || done.has(result.scenario)) continue;
    done.add(result.scenario);
    const by = new Map<string, number>();
    for (const l of result.cost.lines) by.set(l.component, (by.get(l.component) ?? 0) + l.monthlyUsd);
    for (const [component, monthlyUsd] of by) out.push({ scenario: result.scenario, component, monthlyUsd: +monthlyUsd.toFixed(4) });
  }
  return out;
}

export function costBreakdownChart(runs: LabeledRun[]): ChartDef | null {
  const values = costBreakdownData(runs);
  if (!values.length) return null;
  const profile = runs.find((r) => r.result.cost)!.result.cost!.profile;
  return {
    id: 'cost-breakdown',
    title: `Monthly cost per component (modeled, profile ${profile})`,
    caption: 'Modeled monthly bill (USD) of each topology at the profile\'s traffic, stacked by component. Read the tallest segment first: that is where a design change saves money.',
    spec: {
      ...BASE,
      title: `Monthly cost by component (modeled, ${profile})`,
      width: WIDTH,
      height: { step: 28 } as any,
      data: { values },
      mark: 'bar',
      encoding: {
        y: { field: 'scenario', type: 'nominal', title: null, sort: '-x' },
        x: { field: 'monthlyUsd', type: 'quantitative', title: 'USD per month', aggregate: 'sum', stack: 'zero' },
        color: { field: 'component', type: 'nominal', title: 'component' },
        tooltip: [{ field: 'scenario' }, { field: 'component' }, { field: 'monthlyUsd', format: '$.2f' }],
      },
    } as TopLevelSpec,
  };
}

export function costVsRateChart(points: CostPoint[], crossovers: CostCrossover[], profile: string): ChartDef | null {
  if (!points.length) return null;
  const layers: any[] = [
    {
      data: { values: points },
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'rps', type: 'quantitative', title: 'mean request rate (req/s, log)', scale: { type: 'log' } },
        y: { field: 'monthlyUsd', type: 'quantitative', title: 'USD per month (log)', scale: { type: 'log' } },
        color: { field: 'scenario', type: 'nominal', title: 'scenario' },
      },
    },
  ];
  if (crossovers.length) {
    layers.push({
      data: { values: crossovers.map((c) => ({ ...c, label: `${Math.round(c.rps)} req/s` })) },
      mark: { type: 'point', shape: 'diamond', size: 90, filled: true, color: 'black' },
      encoding: { x: { field: 'rps', type: 'quantitative' }, y: { field: 'monthlyUsd', type: 'quantitative' }, tooltip: [{ field: 'cheaperBelow' }, { field: 'cheaperAbove' }, { field: 'rps', format: '.0f' }, { field: 'monthlyUsd', format: '$.2f' }] },
    });
    layers.push({
      data: { values: crossovers.map((c) => ({ ...c, label: `${Math.round(c.rps)} req/s` })) },
      mark: { type: 'text', dy: -10, fontSize: 10 },
      encoding: { x: { field: 'rps', type: 'quantitative' }, y: { field: 'monthlyUsd', type: 'quantitative' }, text: { field: 'label' } },
    });
  }
  return {
    id: 'cost-vs-rate',
    title: `Monthly cost against request rate (modeled, profile ${profile})`,
    caption: 'Modeled monthly cost of each topology as the mean request rate grows (both axes log). Black diamonds are crossover points: below the rate one topology is cheaper, above it the other.',
    spec: { ...BASE, title: `Cost against request rate (modeled, ${profile})`, width: WIDTH, height: 300, layer: layers } as TopLevelSpec,
  };
}

export function clientIpData(runs: LabeledRun[]): Array<{ series: string; measure: string; percent: number; fidelity: string }> {
  const out: Array<{ series: string; measure: string; percent: number; fidelity: string }> = [];
  for (const { label, result } of runs) {
    out.push({ series: label, measure: 'client IP retained', percent: +(result.clientIp.retentionRatio * 100).toFixed(2), fidelity: result.clientIp.fidelity });
    const probes = result.spoofing ?? [];
    if (probes.length) out.push({ series: label, measure: 'spoof probes accepted', percent: +((probes.filter((p) => p.spoofable).length / probes.length) * 100).toFixed(2), fidelity: result.clientIp.fidelity });
  }
  return out;
}

export function clientIpChart(runs: LabeledRun[]): ChartDef | null {
  const values = clientIpData(runs);
  if (!values.length) return null;
  const f = fidelities(runs.map((r) => r.result.clientIp.fidelity));
  return {
    id: 'client-ip',
    title: `Client IP retention and spoofability (${f})`,
    caption: 'Per scenario: share of requests whose application saw the true client address (higher is better), and share of spoofing probes (forged X-Forwarded-For / PROXY headers) the application believed (any is a security finding).',
    spec: {
      ...BASE,
      title: `Client IP retained and spoof probes accepted (${f})`,
      data: { values },
      mark: 'bar',
      width: 260,
      height: { step: 22 } as any,
      encoding: {
        y: { field: 'series', type: 'nominal', title: null },
        x: { field: 'percent', type: 'quantitative', title: '% of requests / probes', scale: { domain: [0, 100] } },
        color: { field: 'measure', type: 'nominal', title: null, scale: { domain: ['client IP retained', 'spoof probes accepted'], range: ['#2e7d32', '#c62828'] } },
        yOffset: { field: 'measure' },
        tooltip: [{ field: 'series' }, { field: 'measure' }, { field: 'percent' }, { field: 'fidelity' }],
      },
    } as TopLevelSpec,
  };
}

export interface FeatureRow {
  scenario: string;
  features: Record<string, string | boolean>;
}

export function featureMatrixChart(rows: FeatureRow[]): ChartDef | null {
  const keys = Object.keys(FEATURE_LABELS) as Array<keyof typeof FEATURE_LABELS>;
  const values = rows.flatMap((r) =>
    keys.map((k) => {
      const v = r.features[k];
      const has = v !== false && v !== undefined;
      return { scenario: r.scenario, feature: FEATURE_LABELS[k], has: has ? 'yes' : 'no', where: has ? (typeof v === 'string' ? v : 'yes') : 'no' };
    }),
  );
  if (!values.length) return null;
  return {
    id: 'feature-matrix',
    title: 'Feature matrix (from the catalog)',
    caption: 'What each topology offers, from the component catalog: a green cell names the hop that provides the feature (e.g. where TLS terminates), grey means the topology cannot do it without another component.',
    spec: {
      ...BASE,
      title: 'Features per topology (catalog)',
      data: { values },
      width: { step: 140 } as any,
      height: { step: 30 } as any,
      encoding: {
        x: { field: 'feature', type: 'nominal', title: null, axis: { orient: 'top', labelAngle: 0, labelLimit: 136 }, sort: keys.map((k) => FEATURE_LABELS[k]) },
        y: { field: 'scenario', type: 'nominal', title: null },
      },
      layer: [
        { mark: { type: 'rect', stroke: 'white' }, encoding: { color: { field: 'has', type: 'nominal', title: 'available', scale: { domain: ['yes', 'no'], range: ['#a5d6a7', '#e0e0e0'] } } } },
        { mark: { type: 'text', fontSize: 9, limit: 134 }, encoding: { text: { field: 'where' } } },
      ],
    } as TopLevelSpec,
  };
}

/** The charts of one run's report. */
export function runCharts(r: RunResult): ChartDef[] {
  const runs = labelRuns([r]);
  return [
    latencyCurveChart(runs),
    throughputChart(runs),
    clientIpChart(runs),
    costBreakdownChart(runs),
    r.features ? featureMatrixChart([{ scenario: r.scenario, features: r.features }]) : null,
  ].filter((c): c is ChartDef => c !== null);
}

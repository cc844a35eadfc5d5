// Rendering of a sweep (sweep.json): markdown tables and Vega-Lite chart specs, pure; report/sweep-folder.ts
// writes them. Every figure carries its fidelity: all of them are modeled.
import type { SweepData, ScenarioSweep } from '../result/sweep.ts';
import type { CalibrationRecord } from '../result/calibration.ts';

const fmtMs = (v: number | null) => (v === null ? 'n/a' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const fmtRps = (v: number) => (v >= 1000 ? `${(v / 1000).toPrecision(3)}k` : v.toPrecision(3));
const fmtPct = (v: number) => (v === 0 ? '0%' : v < 0.001 ? '<0.1%' : `${(v * 100).toFixed(1)}%`);
const fmtUsd = (v: number | null) => (v === null ? 'n/a' : `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);

export function scenarioTable(s: ScenarioSweep): string {
  const rows = s.points.map(
    (p) =>
      `| ${fmtRps(p.rps)} | ${fmtMs(p.p50Ms)} | ${fmtMs(p.p99Ms)} | ${fmtPct(p.errorRate)} | ${p.byStatus['429'] ?? 0} | ${p.byStatus['504'] ?? 0} | ${p.clientTimeouts} | ${fmtUsd(p.monthlyUsd)} | ${p.sampled ? 'sampled' : 'exact'} |`,
  );
  return [
    '| req/s (daily mean) | p50 ms _modeled_ | p99 ms _modeled_ | errors _modeled_ | 429 | 504 | client timeouts | monthly cost _modeled_ | simulation |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}

/** Plain-text table for the terminal. */
const capText = (s: ScenarioSweep, peak: number) =>
  s.capacityRps === null ? 'none' : `${fmtRps(s.capacityRps)} req/s (${s.capacityBy})${peak !== 1 ? `, reached at a daily mean of ${fmtRps(s.capacityRps / peak)} req/s (peak hour x${peak.toFixed(2)})` : ''}`;

export function scenarioText(s: ScenarioSweep, peak = 1): string {
  const head = ['req/s', 'p50 ms', 'p99 ms', 'errors', 'monthly $'];
  const rows = s.points.map((p) => [fmtRps(p.rps), fmtMs(p.p50Ms), fmtMs(p.p99Ms), fmtPct(p.errorRate), fmtUsd(p.monthlyUsd)]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(w[i])).join('  ');
  return [
    `${s.scenario} (all modeled): capacity bound ${capText(s, peak)}; saturation ${s.saturation ? `at ${fmtRps(s.saturation.rps)} req/s (${s.saturation.why})` : 'not reached in the range'}`,
    line(head),
    ...rows.map(line),
  ].join('\n');
}

export function calibrationDistance(d: SweepData, cal: CalibrationRecord | undefined): string[] {
  if (!cal) return ['No `--calibrate-from` fit: every hop uses its model as the notes above say (the catalog, or a `--calibration` overlay; `exposure-lab plan <scenario>` shows each figure\'s basis and confidence).'];
  const lo = Math.min(...d.rps);
  const hi = Math.max(...d.rps);
  const out: string[] = [];
  const far = (r: number) => (r <= 0 ? 'unknown rate' : `measured at ${fmtRps(r)} req/s; the sweep spans ${fmtRps(lo)}..${fmtRps(hi)} req/s, up to ${Math.max(hi / r, r / lo).toFixed(1)}x away from it`);
  for (const f of cal.floors) out.push(`floor of ${f.scenario} from ${f.source} (${f.provider}): p50 ${fmtMs(f.p50Ms)} ms, p99 ${fmtMs(f.p99Ms)} ms; ${far(f.rateRps)}`);
  for (const p of cal.paths) {
    out.push(
      `path of ${p.scenario} from ${p.source} (${p.provider}): lognormal median ${fmtMs(p.medianMs)} ms, p99 ${fmtMs(p.p99Ms)} ms by ${p.method}; KS ${p.goodness.ks.toFixed(3)}, ` +
        `error at p50/p90/p99 ${fmtPct(Math.abs(p.goodness.relErr.p50))}/${fmtPct(Math.abs(p.goodness.relErr.p90))}/${fmtPct(Math.abs(p.goodness.relErr.p99))}; ${far(p.rateRps)}`,
    );
  }
  for (const c of cal.capacity) out.push(`capacity of ${c.scenario}/${c.hop}: ${Math.round(c.perReplicaRps)} req/s per replica (${c.why})`);
  out.push(...cal.notes);
  return out;
}

export function renderSweepMarkdown(d: SweepData, cal?: CalibrationRecord, charts: string[] = []): string {
  const out: string[] = [];
  out.push(`# Sweep: ${d.scenarios.map((s) => s.scenario).join(', ')}`, '');
  out.push('Every number on this page is **modeled** (computed by the model provider; no traffic was sent).', '');
  out.push(...d.notes.map((n) => `- ${n}`), '');
  out.push('## Saturation', '', '| scenario | capacity bound _modeled_ | saturation _modeled_ |', '|---|---|---|');
  for (const s of d.scenarios) {
    out.push(`| ${s.scenario} | ${capText(s, d.peakFactor)} | ${s.saturation ? `${fmtRps(s.saturation.rps)} req/s: ${s.saturation.why}` : 'not reached in the range'} |`);
  }
  out.push('', '## Crossovers', '');
  if (!d.crossovers.length) out.push('No crossovers in the range.');
  else {
    out.push('| metric | lower below | lower above | at req/s _modeled_ |', '|---|---|---|---:|');
    for (const c of d.crossovers) out.push(`| ${c.metric} | ${c.lowerBelow} | ${c.lowerAbove} | ${fmtRps(c.rps)} |`);
  }
  out.push('', '## Calibration', '', ...calibrationDistance(d, cal).map((l) => `- ${l}`), '');
  for (const c of charts) out.push(`![${c}](${c})`, '');
  for (const s of d.scenarios) {
    out.push(`## ${s.scenario}`, '', scenarioTable(s), '');
    if (s.notes.length) out.push(...s.notes.map((n) => `- ${n}`), '');
  }
  return out.join('\n');
}

type VlSpec = Record<string, unknown>;

/** Vega-Lite specs (one per metric) over the sweep's points; log-scaled rate axis. */
export function sweepChartSpecs(d: SweepData): Record<'p99' | 'errors' | 'cost', VlSpec> {
  const values = d.scenarios.flatMap((s) =>
    s.points.map((p) => ({ scenario: s.scenario, rps: p.rps, p50: p.p50Ms, p99: p.p99Ms, errors: p.errorRate, cost: p.monthlyUsd })),
  );
  const base = (field: string, title: string, scale: Record<string, unknown>): VlSpec => ({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${title} vs request rate (modeled)`,
    width: 560,
    height: 300,
    data: { values: values.filter((v) => (v as Record<string, unknown>)[field] !== null) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'rps', type: 'quantitative', scale: { type: 'log' }, title: 'requests per second (daily mean)' },
      y: { field, type: 'quantitative', scale, title },
      color: { field: 'scenario', type: 'nominal' },
    },
  });
  return {
    p99: base('p99', 'p99 latency, ms', { type: 'log' }),
    errors: base('errors', 'error rate', { domain: [0, 1] }),
    cost: base('cost', 'monthly cost, USD', { type: 'log' }),
  };
}

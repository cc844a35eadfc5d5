// Views of a comparison (report.md, report.html, charts): rendered from compare.json alone.
import type { CompareDoc } from '../result/compare.ts';
import type { CompareFinding, CompareRow } from '../analysis/compare.ts';
import { compareFindings, compareRows } from '../analysis/compare.ts';
import { clientIpChart, costBreakdownChart, costVsRateChart, featureMatrixChart, labelRuns, latencyCurveChart, throughputChart, type ChartDef } from './charts.ts';
import { featureTableMarkdown } from './markdown.ts';
import { chartsHtml, esc, featureRowsHtml, page, table, type RenderedChart } from './html.ts';
import { ms, pct, usd } from './format.ts';
import type { Interval } from '../analysis/stats.ts';
import { mergeEncoded } from '../load/histogram.ts';

export function compareCharts(doc: CompareDoc): ChartDef[] {
  // One curve per scenario: repeats are pooled by merging histograms (exact), so the curve is per scenario.
  const runs = labelRuns(doc.runs.map((r) => r.result));
  const rows = compareRows(doc);
  return [
    latencyCurveChart(pooledRuns(doc)),
    throughputChart(runs),
    costBreakdownChart(runs),
    doc.costSweep ? costVsRateChart(doc.costSweep.points, doc.costSweep.crossovers, doc.costSweep.profile) : null,
    clientIpChart(labelRuns(firstRuns(doc))),
    featureMatrixChart(rows.filter((r) => r.features).map((r) => ({ scenario: r.scenario, features: r.features! }))),
  ].filter((c): c is ChartDef => c !== null);
}

function firstRuns(doc: CompareDoc) {
  return doc.scenarios.map((s) => doc.runs.find((r) => r.scenario === s)?.result).filter((r): r is NonNullable<typeof r> => !!r);
}

function pooledRuns(doc: CompareDoc) {
  return doc.scenarios.flatMap((s) => {
    const rs = doc.runs.filter((r) => r.scenario === s).map((r) => r.result);
    if (!rs.length) return [];
    if (rs.length === 1) return [{ label: s, result: rs[0] }];
    return [{ label: `${s} (${rs.length} runs pooled)`, result: { ...rs[0], load: { ...rs[0].load, requests: rs.reduce((a, r) => a + r.load.requests, 0) }, latencyMs: { ...rs[0].latencyMs, histogram: pooledHistogram(rs) } } }];
  });
}

function pooledHistogram(rs: CompareDoc['runs'][number]['result'][]) {
  const hs = rs.map((r) => r.latencyMs.histogram).filter((h): h is NonNullable<typeof h> => !!h);
  return hs.length ? mergeEncoded(hs) : undefined;
}

function ci(i: Interval): string {
  return i.n > 1 && Number.isFinite(i.lo) ? ` (95% CI ${ms(i.lo)}-${ms(i.hi)})` : '';
}

function rowCells(r: CompareRow): string[] {
  return [
    r.scenario + (r.validRuns < r.runs ? ' (INVALID)' : ''),
    `${ms(r.p50)}${ci(r.p50Ci)}`,
    `${ms(r.p99)}${ci(r.p99Ci)}`,
    `${r.achievedRps.mean.toFixed(1)}/${r.targetRps}${r.achievedRps.n > 1 ? ` (±${((r.achievedRps.hi - r.achievedRps.lo) / 2).toFixed(1)})` : ''}`,
    `${r.errors} (${pct(r.errorRatio)})`,
    r.clientIpChecked ? `${r.retentionRatio === 1 ? 'yes' : r.retentionRatio === 0 ? 'no' : 'partly'} (${pct(r.retentionRatio)})` : 'not checked',
    !r.spoofProbed ? 'not probed' : r.spoofable.length ? `YES: ${r.spoofable.map((s) => s.probe).join('; ')}` : 'no',
    r.monthlyUsd !== null ? usd(r.monthlyUsd) : 'n/a',
    r.costPerMillionUsd !== null ? usd(r.costPerMillionUsd) : 'n/a',
    `${r.runs}`,
  ];
}

const HEAD = ['scenario', 'p50 ms', 'p99 ms', 'req/s achieved/target', 'errors', 'client IP retained', 'spoofable', 'monthly cost', 'cost per million req', 'runs'];

function headerLine(doc: CompareDoc, rows: CompareRow[]): string {
  const s = doc.settings;
  const lat = [...new Set(rows.map((r) => r.latencyFidelity))].join('+');
  return `${doc.scenarios.length} scenario(s), provider ${s.provider}, ${s.rate} req/s for ${s.durationS} s (+${s.warmupS} s warm-up), ${s.repeat} run(s) each, in sequence; profile ${s.profile}${s.injectLatency ? '' : ', no modeled latency injected'}. Latency and rates are ${lat}; client IP ${[...new Set(rows.map((r) => r.clientIpFidelity))].join('+')}; cost modeled. ${doc.createdAt} to ${doc.endedAt}.`;
}

export function renderCompareMarkdown(doc: CompareDoc): string {
  const rows = compareRows(doc);
  const findings = compareFindings(doc, rows);
  const L: string[] = [`# Architecture review: ${doc.scenarios.join(' vs ')}`, '', headerLine(doc, rows), ''];
  L.push('## Findings', '');
  L.push(...findings.map(findingMd), '');
  L.push('## Side by side', '', `| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`);
  for (const r of rows) L.push(`| ${rowCells(r).join(' | ')} |`);
  L.push('', 'p50/p99 pool every repeat (merged histograms); the 95% CI is a t-interval of the per-run value across repeats. Cost per million requests = monthly cost / requests per month at the profile rate.', '');
  const withFeatures = rows.filter((r) => r.features);
  if (withFeatures.length) L.push('## Features (catalog)', '', featureTableMarkdown(withFeatures.map((r) => ({ scenario: r.scenario, features: r.features! }))), '');
  if (doc.costSweep?.crossovers.length) {
    L.push('## Cost crossovers (modeled)', '', '| rate | cheaper below | cheaper above | monthly cost there |', '|---|---|---|---|');
    for (const x of doc.costSweep.crossovers) L.push(`| ${x.rps.toFixed(0)} req/s | ${x.cheaperBelow} | ${x.cheaperAbove} | ${usd(x.monthlyUsd)} |`);
    L.push('');
  }
  L.push('## Charts', '', 'In report.html, and as SVG for slides: ' + compareCharts(doc).map((c) => `[${c.title}](charts/${c.id}.svg)`).join(', ') + '.', '');
  L.push('## Runs', '', '| scenario | repeat | run folder | valid |', '|---|---|---|---|');
  for (const r of doc.runs) L.push(`| ${r.scenario} | ${r.repeat} | ${r.dir} | ${r.result.validity.valid ? 'yes' : `no: ${r.result.validity.reasons.join('; ')}`} |`);
  L.push('');
  return L.join('\n');
}

function findingMd(f: CompareFinding): string {
  return `- ${f.severity === 'critical' ? '**CRITICAL** ' : f.severity === 'warning' ? '**warning** ' : ''}${f.text}`;
}

export function renderCompareHtml(doc: CompareDoc, charts: RenderedChart[]): string {
  const rows = compareRows(doc);
  const findings = compareFindings(doc, rows);
  const B: string[] = [];
  B.push(`<h1>Architecture review: ${esc(doc.scenarios.join(' vs '))}</h1>`, `<p>${esc(headerLine(doc, rows))}</p>`);
  B.push('<h2>Findings</h2><ul>' + findings.map((f) => `<li class="${f.severity === 'critical' ? 'bad' : ''}">${f.severity !== 'info' ? `<b>${esc(f.severity)}</b>: ` : ''}${esc(f.text)}</li>`).join('') + '</ul>');
  B.push('<h2>Side by side</h2>', table(HEAD, rows.map(rowCells)));
  B.push('<p class="how">p50/p99 pool every repeat (merged histograms); the 95% CI is a t-interval of the per-run value across repeats. Cost per million requests = monthly cost / requests per month at the profile rate (modeled).</p>');
  const withFeatures = rows.filter((r) => r.features);
  if (withFeatures.length) B.push('<h2>Features (catalog)</h2>', featureRowsHtml(withFeatures.map((r) => ({ scenario: r.scenario, features: r.features! }))));
  B.push('<h2>Charts</h2>', chartsHtml(charts));
  B.push('<h2>Runs</h2>', table(['scenario', 'repeat', 'run folder', 'valid'], doc.runs.map((r) => [r.scenario, r.repeat, r.dir, r.result.validity.valid ? 'yes' : `no: ${r.result.validity.reasons.join('; ')}`])));
  return page(`Architecture review: ${doc.scenarios.join(' vs ')}`, B.join('\n'));
}

// Self-contained report.html: every chart is inline SVG rendered server side (no script, no network access to
// open it), the tables carry the same figures as report.md, and each chart's Vega-Lite spec is embedded as
// inert JSON so a reader can re-plot it elsewhere.
import type { RunResult } from '../result/types.ts';
import { FEATURE_LABELS } from '../catalog/types.ts';
import type { ChartDef } from './charts.ts';
import { billRows, emulationText, gatewayTimeRows, hopAddedText, ms, pct } from './format.ts';
import { DISPLAY_RULE } from '../cost/display.ts';
import { latencyModelsRows, overlayLines } from './latency-provenance.ts';

export interface RenderedChart extends ChartDef {
  svg: string;
}

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function table(headers: string[], rows: Array<Array<string | number>>, rawHtml = false): string {
  const cell = (v: string | number) => (rawHtml ? String(v) : esc(v));
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

export function chartsHtml(charts: RenderedChart[]): string {
  return charts
    .map(
      (c) => `<figure class="chart" id="chart-${esc(c.id)}" data-chart="${esc(c.id)}">
<figcaption><strong>${esc(c.title)}</strong><br><span class="how">${esc(c.caption)}</span></figcaption>
<div class="svg">${stripXmlProlog(c.svg)}</div>
<details><summary>Vega-Lite spec</summary><script type="application/json" class="vl-spec">${jsonForScript(c.spec)}</script><p class="how">Embedded as data (not executed). Also saved as charts/${esc(c.id)}.svg.</p></details>
</figure>`,
    )
    .join('\n');
}

function stripXmlProlog(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

function jsonForScript(v: unknown): string {
  // "</script>" inside the JSON would end the element early.
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

const CSS = `
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.num{text-align:right}.invalid,.warn{background:#fdecea;border:1px solid #f5c2c0;padding:.6em 1em}
.fid{font-size:.8em;color:#555;background:#eef;border-radius:3px;padding:0 .3em}.how{color:#555;font-size:.88em}
figure.chart{margin:1.5em 0;padding:.5em;border:1px solid #eee}figure .svg svg{max-width:100%;height:auto}
.bad{color:#b71c1c;font-weight:bold}.good{color:#1b5e20}details summary{cursor:pointer;color:#555;font-size:.85em}
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body>
${body}
<footer class="how"><p>Fidelity: <b>measured</b> = real traffic through a real component; <b>emulated</b> = real traffic through the lab's emulation of a managed AWS component (modeled latency injected); <b>modeled</b> = computed. Rendered from result.json by exposure-lab; self-contained (no network access needed).</p></footer>
</body></html>
`;
}

const fid = (f: string) => `<span class="fid">${esc(f)}</span>`;

export function featureRowsHtml(rows: Array<{ scenario: string; features: Record<string, string | boolean> }>): string {
  const keys = Object.keys(FEATURE_LABELS) as Array<keyof typeof FEATURE_LABELS>;
  return table(
    ['scenario', ...keys.map((k) => FEATURE_LABELS[k])],
    rows.map((r) => [esc(r.scenario), ...keys.map((k) => (r.features[k] === false || r.features[k] === undefined ? 'no' : `yes: ${esc(r.features[k] === true ? '' : r.features[k])}`))]),
    true,
  );
}

/** report.html of one run. */
export function renderRunHtml(r: RunResult, charts: RenderedChart[]): string {
  const B: string[] = [];
  const l = r.latencyMs;
  B.push(`<h1>${esc(r.scenario)} <small>(${esc(r.provider)})</small></h1>`);
  B.push(`<p>Run ${esc(r.meta.startedAt)} to ${esc(r.meta.endedAt)}, lab ${esc(r.meta.labVersion)}${r.meta.gitRevision ? ` @ ${esc(r.meta.gitRevision)}` : ''}, host ${esc(r.meta.host.hostname)} (${r.meta.host.cpus} CPU, Node ${esc(r.meta.host.node)}), scenario file ${esc(r.meta.scenarioFile)} (sha256 ${esc(r.meta.scenarioSha256.slice(0, 12))}).</p>`);
  if (!r.validity.valid) B.push(`<div class="invalid"><strong>INVALID RUN: do not read these figures as a normal result.</strong><ul>${r.validity.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></div>`);
  if (r.error) B.push(`<p class="bad">Run failed: ${esc(r.error)}</p>`);
  B.push('<h2>Summary</h2>');
  B.push(
    table(
      ['figure', 'value', 'fidelity'],
      [
        ['target / achieved rate', `${r.load.targetRps} / ${r.load.achievedRps.toFixed(1)} req/s (${pct(r.validity.achievedRatio)})`, fid(r.load.fidelity)],
        ['requests (after warm-up)', `${r.load.requests} over ${r.load.durationS.toFixed(1)} s, ${r.load.connectionMode}, ${r.load.sources} source addresses`, fid(r.load.fidelity)],
        ['errors', `${r.load.errors} (connect ${r.load.errorsByKind.connect}, timeout ${r.load.errorsByKind.timeout}, reset ${r.load.errorsByKind.reset}, 4xx ${r.load.errorsByKind.status4xx}, 5xx ${r.load.errorsByKind.status5xx}, other ${r.load.errorsByKind.other})`, fid(r.load.fidelity)],
        ['latency p50 / p90 / p99 / max (ms)', `${ms(l.p50)} / ${ms(l.p90)} / ${ms(l.p99)} / ${ms(l.max)}`, fid(l.fidelity)],
        ['client IP retained', `${pct(r.clientIp.retentionRatio)} of ${r.clientIp.checked}`, fid(r.clientIp.fidelity)],
        ['spoofable probes', r.spoofing ? `${r.spoofing.filter((s) => s.spoofable).length} of ${r.spoofing.length}` : 'not probed', fid(r.clientIp.fidelity)],
        ['monthly cost', r.cost ? `${billRows(r.cost.lines).total} (profile ${esc(r.cost.profile)}, ${esc(r.cost.region)})` : 'not priced', fid(r.cost?.fidelity ?? 'modeled')],
        ['driver', esc(r.load.driver), ''],
        ['late / unsent requests', `${r.load.unavailable?.some((u) => u.startsWith('late sends')) ? 'unavailable' : r.validity.lateRequests} / ${r.validity.unsentRequests}`, fid(r.load.fidelity)],
      ].map((row) => row.map(String)),
      true,
    ),
  );
  if (r.load.unavailable?.length) B.push(`<p class="how">Not available from ${esc(r.load.driver)} (the fields hold 0 or nothing, not a measurement): ${r.load.unavailable.map(esc).join('; ')}.</p>`);
  if (r.load.runners && (r.load.runners.length > 1 || r.load.incomplete?.length)) {
    B.push('<h2>Runners</h2>');
    const m = r.load.merge;
    if (m) B.push(`<p><b>p99 of all ${m.runners} runners' samples (exact): ${ms(m.exactP99Ms)} ms.</b> Averaging the runners' own p99s would claim ${ms(m.averagedRunnerP99Ms)} ms: that is not a percentile of anything.</p>`);
    for (const x of r.load.incomplete ?? []) B.push(`<p class="bad">Incomplete: ${esc(x)}</p>`);
    B.push(
      table(
        ['runner', 'segment', 'sources', 'status', 'requests', 'achieved / share req/s', 'dropped', 'p50 ms', 'p99 ms', "k6's own p99 ms"],
        r.load.runners.map((x) => [x.runner, x.segment ?? 'whole test', x.sources, `${x.status}${x.detail ? `: ${x.detail.split('\n')[0]}` : ''}`, x.requests, `${x.achievedRps.toFixed(1)} / ${x.targetRps.toFixed(1)}`, x.dropped, ms(x.latencyMs.p50), ms(x.latencyMs.p99), x.k6 ? ms(x.k6.p99Ms) : '-']),
      ),
    );
  }
  B.push('<h2>Charts</h2>', chartsHtml(charts));
  if (r.spoofing?.length) {
    B.push('<h2>Spoofing probes</h2>');
    B.push(table(['probe', 'client claimed', 'application saw', 'spoofable', 'status', 'fix'], r.spoofing.map((s) => [s.probe, s.forged, s.appSaw ?? '-', s.spoofable ? 'YES' : 'no', s.status ?? '-', s.fix ?? ''])));
  }
  if (r.weights?.length) {
    B.push('<h2>Weighted routing</h2>');
    B.push(table(['version', 'requests', 'share', '95% CI', 'expected'], r.weights.map((w) => [w.version, w.count, pct(w.share), `${pct(w.ci95[0])} - ${pct(w.ci95[1])}`, w.expected !== undefined ? pct(w.expected) : ''])));
  }
  B.push('<h2>Hops</h2>');
  if (r.emulation) B.push(`<p class="how">Emulation: ${esc(emulationText(r.emulation))}</p>`);
  if (r.floor) B.push(`<p class="how">Lab floor (client -> service directly, measured in this run): p50 ${ms(r.floor.latencyMs.p50)} ms, p99 ${ms(r.floor.latencyMs.p99)} ms. ${esc(r.floor.note)}</p>`);
  B.push(
    table(
      ['hop', 'component', 'realized by', 'fidelity', 'injected latency (modeled)', 'added in this run p50/p99 (measured, nothing injected)', 'own time p50/p99 (measured)'],
      r.hops.map((h, i) => [h.name, h.component, h.realizedBy, h.fidelity, h.injectedLatency ? `median ${h.injectedLatency.medianMs} ms, p99 ${h.injectedLatency.p99Ms} ms (${h.injectedLatency.confidence})` : 'none', hopAddedText(h, i === r.hops.length - 1), h.overheadMs ? `${ms(h.overheadMs.p50)} / ${ms(h.overheadMs.p99)} ms` : '']),
    ),
  );
  const models = latencyModelsRows(r.hops);
  if (models.rows.length) {
    B.push('<h2>Latency models (where each figure comes from)</h2>');
    for (const l of overlayLines(r.meta.settings.calibrationOverlay)) if (l) B.push(`<p class="how">${esc(l.replace(/\*\*|\x60/g, ''))}</p>`);
    B.push(table(['hop', 'median / p99 (ms)', 'confidence', 'from', 'used in this run', 'basis of each figure'], models.rows));
    if (models.sources.length) B.push('<ol class="how">' + models.sources.map((l) => `<li>${esc(l.replace(/^\[\d+\] /, ''))}</li>`).join('') + '</ol>');
  }
  B.push('<p class="how">Own time: the hop process\'s processing for the lab\'s emulated hops; for a real gateway, its own share of each request from its access log.</p>');
  for (const h of r.hops.filter((x) => x.gatewayTime)) {
    const g = h.gatewayTime!;
    B.push(`<h2>${esc(h.name)}: the gateway's own time ${fid(g.fidelity)}</h2><p class="how">${esc(h.realizedBy)}, ${g.requests} requests (${esc(g.window)}); source: ${esc(g.source)}.</p>`);
    B.push(table(['span (ms)', 'p50', 'p90', 'p99', 'max'], gatewayTimeRows(g)));
  }
  for (const h of r.hops.filter((x) => x.notes?.length && /Envoy Gateway|your gateway files/.test(x.realizedBy + x.notes!.join(' ')))) {
    B.push(`<h3>${esc(h.name)}: how it was realized</h3><ul>${h.notes!.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  }
  if (r.cost) {
    B.push(`<h2>Monthly cost ${fid(r.cost.fidelity)}</h2><p class="how">${esc(r.cost.basis)}</p>`);
    for (const w of r.cost.warnings ?? []) B.push(`<p class="warn"><b>Warning</b>: ${esc(w)}</p>`);
    const bill = billRows(r.cost.lines);
    B.push(table(['component', 'item', 'quantity', 'unit', 'unit price', 'monthly'],
      bill.rows.map((row) => row.cells.map((c) => (row.kind === 'line' || !c ? esc(c) : `<b>${esc(c)}</b>`))), true));
    B.push(`<p class="how">Shown amounts add up: ${esc(DISPLAY_RULE)}.</p>`);
  }
  if (r.features) B.push('<h2>Features (catalog)</h2>', featureRowsHtml([{ scenario: r.scenario, features: r.features }]));
  if (r.findings?.length) B.push('<h2>Findings</h2><ul>' + r.findings.map((f) => `<li><b>${esc(f.severity)}</b>: ${esc(f.title)}. ${esc(f.detail)}${f.fix ? ` Fix: ${esc(f.fix)}` : ''}</li>`).join('') + '</ul>');
  if (r.warnings.length) B.push('<h2>Scenario warnings</h2><ul>' + r.warnings.map((w) => `<li>${esc(w)}</li>`).join('') + '</ul>');
  B.push(`<h2>Run settings</h2><pre>${esc(JSON.stringify({ settings: r.meta.settings, tools: r.meta.tools }, null, 2))}</pre>`);
  return page(`${r.scenario}: exposure-lab run`, B.join('\n'));
}

// report.md of one run: reads well in a pull request. Rendered from result.json alone.
import type { RunResult } from '../result/types.ts';
import { billRows, emulationText, gatewayTimeRows, hopAddedText, ms, pct } from './format.ts';
import { DISPLAY_RULE } from '../cost/display.ts';
import { FEATURE_LABELS } from '../catalog/types.ts';
import { runCharts } from './charts.ts';
import { latencyModelsMarkdown } from './latency-provenance.ts';

export function renderRunMarkdown(r: RunResult): string {
  const L: string[] = [];
  const f = r.latencyMs.fidelity;
  L.push(`# ${r.scenario} (${r.provider})`, '');
  L.push(`Run ${r.meta.startedAt} to ${r.meta.endedAt}, lab ${r.meta.labVersion}${r.meta.gitRevision ? ` @ ${r.meta.gitRevision}` : ''}, host ${r.meta.host.hostname} (${r.meta.host.cpus} CPU, Node ${r.meta.host.node}).`, '');
  if (!r.validity.valid) {
    L.push('> **INVALID RUN: do not read these figures as a normal result.**');
    for (const reason of r.validity.reasons) L.push(`> - ${reason}`);
    L.push('');
  }
  L.push('Fidelity: **measured** = real traffic through a real component; **emulated** = real traffic through the lab\'s emulation of a managed AWS component (with modeled latency injected); **modeled** = computed.', '');
  L.push('## Load', '');
  L.push('| figure | value | fidelity |', '|---|---|---|');
  L.push(`| driver / executor | ${r.load.driver} / ${r.load.executor} | |`);
  L.push(`| target rate | ${r.load.targetRps} req/s | |`);
  L.push(`| achieved rate | ${r.load.achievedRps.toFixed(1)} req/s (${pct(r.validity.achievedRatio)}) | ${r.load.fidelity} |`);
  L.push(`| requests (after ${r.load.warmupS} s warm-up) | ${r.load.requests} over ${r.load.durationS.toFixed(1)} s | ${r.load.fidelity} |`);
  L.push(`| errors | ${r.load.errors}${errorDetail(r)} | ${r.load.fidelity} |`);
  L.push(`| connections | ${r.load.connectionMode}, ${r.load.newConnections} new, max ${r.load.maxConcurrentConnections} concurrent, ${r.load.sources} source addresses | ${r.load.fidelity} |`);
  const unavailable = (what: string) => r.load.unavailable?.some((u) => u.startsWith(what));
  const late = unavailable('late sends') ? 'unavailable' : String(r.validity.lateRequests);
  L.push(`| late / unsent requests | ${late} / ${r.validity.unsentRequests} | ${r.load.fidelity} |`);
  if (r.validity.driverCpuPercent !== undefined) L.push(`| driver CPU | ${r.validity.driverCpuPercent.toFixed(0)}% | measured |`);
  L.push('');
  if (r.load.unavailable?.length) {
    L.push(`Not available from this driver (the fields hold 0 or nothing, not a measurement): ${r.load.unavailable.join('; ')}.`, '');
  }
  if (r.load.runners && (r.load.runners.length > 1 || r.load.incomplete?.length)) L.push(...runnersSection(r));
  L.push('## Latency (ms, from intended send time)', '');
  L.push('| p50 | p90 | p99 | max | mean | fidelity |', '|---|---|---|---|---|---|');
  L.push(`| ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p90)} | ${ms(r.latencyMs.p99)} | ${ms(r.latencyMs.max)} | ${ms(r.latencyMs.mean)} | ${f} |`, '');
  if (r.floor) L.push(`Lab floor (client -> service directly, measured in this run): p50 ${ms(r.floor.latencyMs.p50)} ms, p99 ${ms(r.floor.latencyMs.p99)} ms. ${r.floor.note}`, '');
  if (r.emulation) L.push(`Emulation: ${emulationText(r.emulation)}`, '');
  L.push('## Client IP', '');
  L.push(`${r.clientIp.retained} of ${r.clientIp.checked} requests: the application saw the true client address (${pct(r.clientIp.retentionRatio)} retained, ${r.clientIp.fidelity}).`);
  if (r.clientIp.observedOther?.length) L.push(`Instead it saw: ${r.clientIp.observedOther.slice(0, 5).map((o) => `${o.ip} (${o.count})`).join(', ')}.`);
  L.push('');
  if (r.spoofing?.length) {
    L.push('## Spoofing probes', '', '| probe | client claimed | application saw | spoofable | status | fix |', '|---|---|---|---|---|---|');
    for (const s of r.spoofing) L.push(`| ${s.probe} | ${s.forged} | ${s.appSaw ?? '-'} | ${s.spoofable ? '**yes**' : 'no'} | ${s.status ?? '-'} | ${s.fix ?? ''} |`);
    L.push('');
  }
  if (r.weights?.length) {
    L.push('## Weighted routing', '', '| version | requests | share | 95% CI | expected |', '|---|---|---|---|---|');
    for (const w of r.weights) L.push(`| ${w.version} | ${w.count} | ${pct(w.share)} | ${pct(w.ci95[0])} - ${pct(w.ci95[1])} | ${w.expected !== undefined ? pct(w.expected) : ''} |`);
    L.push('');
  }
  L.push('## Hops', '', 'Injected: the modeled latency the run adds for the hop. Added: what the hop itself added in this run with nothing injected (probes entering the chain at it and at the next hop, p50 / p99): for an emulated hop the lab\'s own cost, for a real one its real cost. Own time: the hop process\'s processing for the lab\'s emulated hops; for a real gateway, its own share of each request from its access log (below).', '');
  L.push('| hop | component | realized by | fidelity | injected latency (modeled) | added in this run p50 / p99 (measured) | own time p50 / p99 (measured) |', '|---|---|---|---|---|---|---|');
  r.hops.forEach((h, i) => {
    const inj = h.injectedLatency ? `median ${h.injectedLatency.medianMs} ms, p99 ${h.injectedLatency.p99Ms} ms (${h.injectedLatency.confidence})` : 'none';
    const own = h.overheadMs ? `${ms(h.overheadMs.p50)} / ${ms(h.overheadMs.p99)} ms` : '';
    L.push(`| ${h.name} | ${h.component} | ${h.realizedBy} | ${h.fidelity} | ${inj} | ${hopAddedText(h, i === r.hops.length - 1)} | ${own} |`);
  });
  L.push('');
  for (const h of r.hops.filter((x) => x.gatewayTime)) {
    const g = h.gatewayTime!;
    L.push(`## ${h.name}: the gateway's own time (${g.fidelity})`, '', `${h.realizedBy}, ${g.requests} requests (${g.window}); source: ${g.source}.`, '');
    L.push('| span (ms) | p50 | p90 | p99 | max |', '|---|---|---|---|---|');
    for (const row of gatewayTimeRows(g)) L.push(`| ${row.join(' | ')} |`);
    const statuses = Object.entries(g.statuses).map(([k, v]) => `${k}: ${v}`).join(', ');
    L.push('', `Responses by status: ${statuses}.`, '');
  }
  for (const h of r.hops.filter((x) => x.notes?.length && /Envoy Gateway|your gateway files/.test(x.realizedBy + x.notes!.join(' ')))) {
    L.push(`### ${h.name}: how it was realized`, '');
    for (const n of h.notes!) L.push(`- ${n}`);
    L.push('');
  }
  L.push('');
  L.push(...latencyModelsMarkdown(r.hops, r.meta.settings.calibrationOverlay));
  if (r.cost) {
    const bill = billRows(r.cost.lines);
    L.push(`## Monthly cost (${r.cost.fidelity}: ${r.cost.basis})`, '', `Profile ${r.cost.profile}, region ${r.cost.region}: **${bill.total} per month**.`, '');
    for (const w of r.cost.warnings ?? []) L.push(`> **Warning**: ${w}`, '');
    L.push('| component | item | quantity | unit | unit price | monthly |', '|---|---|---|---|---|---:|');
    for (const row of bill.rows) L.push(`| ${row.kind === 'line' ? row.cells.join(' | ') : row.cells.map((c) => (c ? `**${c}**` : '')).join(' | ')} |`);
    L.push('', `Shown amounts add up: ${DISPLAY_RULE}.`, '');
  }
  if (r.features) {
    L.push('## Features (catalog)', '', featureTableMarkdown([{ scenario: r.scenario, features: r.features }]), '');
  }
  L.push('## Charts', '', 'In report.html, and as SVG for slides: ' + runCharts(r).map((c) => `[${c.title}](charts/${c.id}.svg)`).join(', ') + '.', '');
  if (r.findings?.length) {
    L.push('## Findings', '');
    for (const fi of r.findings) L.push(`- **${fi.severity}**: ${fi.title}. ${fi.detail}${fi.fix ? ` Fix: ${fi.fix}` : ''}`);
    L.push('');
  }
  if (r.warnings.length) {
    L.push('## Scenario warnings', '');
    for (const w of r.warnings) L.push(`- ${w}`);
    L.push('');
  }
  return L.join('\n');
}

function errorDetail(r: RunResult): string {
  const e = r.load.errorsByKind;
  const parts = Object.entries({ connect: e.connect, timeout: e.timeout, reset: e.reset, '4xx': e.status4xx, '5xx': e.status5xx, other: e.other }).filter(([, v]) => v > 0);
  const codes = Object.entries(e.byStatus ?? {}).map(([k, v]) => `${k}: ${v}`);
  return parts.length ? ` (${parts.map(([k, v]) => `${k} ${v}`).join(', ')}${codes.length ? `; ${codes.join(', ')}` : ''})` : '';
}


/** The catalog's feature matrix as a markdown table: "no", or the hop that provides the feature. */
export function featureTableMarkdown(rows: Array<{ scenario: string; features: Record<string, string | boolean> }>): string {
  const keys = Object.keys(FEATURE_LABELS) as Array<keyof typeof FEATURE_LABELS>;
  const L = [`| scenario | ${keys.map((k) => FEATURE_LABELS[k]).join(' | ')} |`, `|---|${keys.map(() => '---').join('|')}|`];
  for (const r of rows) L.push(`| ${r.scenario} | ${keys.map((k) => (r.features[k] === false || r.features[k] === undefined ? 'no' : r.features[k] === true ? 'yes' : `yes: ${r.features[k]}`)).join(' | ')} |`);
  return L.join('\n');
}

/** Distributed k6 runs: each runner, and the exact merged p99 next to what averaging the runners' p99s claims. */
function runnersSection(r: RunResult): string[] {
  const L: string[] = ['## Runners', ''];
  const m = r.load.merge;
  if (m) {
    L.push(`**p99 of all ${m.runners} runners' samples (exact): ${ms(m.exactP99Ms)} ms.** Averaging the runners' own p99s, as per-runner k6 summaries invite, would claim ${ms(m.averagedRunnerP99Ms)} ms (${pct(Math.abs(m.averagedRunnerP99Ms - m.exactP99Ms) / (m.exactP99Ms || 1))} ${m.averagedRunnerP99Ms < m.exactP99Ms ? 'too low' : 'too high'}): that is not a percentile of anything.`, '');
  }
  for (const x of r.load.incomplete ?? []) L.push(`> **Incomplete**: ${x}`);
  if (r.load.incomplete?.length) L.push('');
  L.push('| runner | segment | sources | status | requests | achieved / share req/s | dropped | p50 | p99 | k6\'s own p99 | CPU s |', '|---|---|---|---|---|---|---|---|---|---|---|');
  for (const x of r.load.runners ?? []) {
    L.push(`| ${x.runner} | ${x.segment ?? 'whole test'} | ${x.sources} | ${x.status}${x.detail ? `: ${x.detail.split('\n')[0]}` : ''} | ${x.requests} | ${x.achievedRps.toFixed(1)} / ${x.targetRps.toFixed(1)} | ${x.dropped} | ${ms(x.latencyMs.p50)} | ${ms(x.latencyMs.p99)} | ${x.k6 ? ms(x.k6.p99Ms) : '-'} | ${x.cpuSeconds?.toFixed(2) ?? '-'} |`);
  }
  L.push('');
  return L;
}

// The hop chain of a scenario as a person wants to read it before a run: behaviour, latency model, limits, warnings.
import type { Scenario } from '../scenario/model.ts';
import type { LocatedDiagnostic } from '../lib/diagnostics.ts';
import { FEATURE_LABELS, type Features } from '../catalog/types.ts';
import { predictClientIp } from '../analysis/predict.ts';
import { combinedFeatures as chainFeatures } from '../catalog/chain.ts';
import { provenanceLines, SourceList, sourceLines } from './latency-provenance.ts';
import { CROSS_AZ_RTT } from '../catalog/network.ts';
import { relative } from 'node:path';

export function renderPlan(s: Scenario, warnings: LocatedDiagnostic[]): string {
  const out: string[] = [];
  const m = s.doc.metadata;
  out.push(`${m.name}: ${m.title}`, '', wrap(m.description.trim(), 100), '');
  out.push(`cluster: ${s.cluster.nodes} node(s) in ${s.cluster.azs} AZ(s), ${s.cluster.services} service(s)`, '');
  const refs = new SourceList();
  s.hops.forEach((h, i) => {
    const l = h.latency;
    out.push(`${i + 1}. ${h.name} [${h.component}, ${h.entry.layer(h.settings)}${h.entry.managed ? ', managed AWS' : ''}]`);
    for (const d of h.entry.describe(h.settings)) out.push(`     ${d}`);
    if (h.userConfig) {
      const owns = h.entry.gateway?.userConfig?.owns ?? [];
      out.push(`     configured by your files (run unchanged): ${h.userConfig.files.map((f) => relative(process.cwd(), f)).join(', ')}`);
      if (h.userConfig.listener) out.push(`     the chain reaches Gateway ${h.userConfig.listener.gateway.namespace ? `${h.userConfig.listener.gateway.namespace}/` : ''}${h.userConfig.listener.gateway.name}, listener ${h.userConfig.listener.listener} (port ${h.userConfig.listener.port})${h.userConfig.listener.hostHeader ? `, Host ${h.userConfig.listener.hostHeader}` : ''}`);
      out.push(`     read out of them for plan and the model: ${owns.filter((k) => k in (h.settings as object)).map((k) => `${k}=${JSON.stringify((h.settings as Record<string, unknown>)[k])}`).join(', ')}`);
      for (const k of h.userConfig.nginxKeys ?? []) out.push(`     ${k.key}: "${k.value}" ${k.use === 'mapped' ? k.note : `(${k.note})`}`);
    }
    const life = h.entry.gateway?.lifecycle;
    if (life) out.push(`     RETIRED: ${life.notice}; source: ${life.source}; migrate to ${life.migrateTo}`);
    // The client's own latency is its internet RTT, shown in its description.
    if (i > 0 && (l.medianMs > 0 || l.p99Ms > 0)) out.push(...provenanceLines(l, refs));
    for (const lim of h.entry.limits(h.settings)) out.push(`     limit: ${lim.name} ${lim.value} ${lim.unit}${lim.status ? ` (-> ${lim.status})` : ''}${lim.note ? `; ${lim.note}` : ''}`);
    if (i < s.hops.length - 1) out.push('     |');
  });
  out.push('');
  const modeled = s.hops.slice(1).reduce((a, h) => a + h.latency.medianMs, 0);
  out.push(`sum of modeled medians: ${round(modeled)} ms (modeled; medians do not add exactly, the run measures the real sum)`);
  const crossing = s.hops.filter((h) => h.entry.crossAz(h.settings, s.cluster.azs).share > 0);
  if (crossing.length) {
    out.push('', `cross-AZ round trip, added on the share of flows ${crossing.map((h) => `${h.name} sends`).join(' and ')} to another AZ:`);
    out.push(...provenanceLines(CROSS_AZ_RTT, refs, '  '));
  }
  if (refs.entries.length) out.push('', 'latency sources:', ...sourceLines(refs, '  '));
  const p = predictClientIp(s);
  out.push(`the application reads the client IP from: ${s.appClientIpFrom}${s.hops.at(-1)!.settings.clientIpFrom === 'auto' ? ' (clientIpFrom: auto)' : ''}`);
  out.push(`client IP the application sees (predicted from the catalog): ${p.summary}`);
  out.push('', 'features (review table):');
  const feats = combinedFeatures(s);
  for (const k of Object.keys(FEATURE_LABELS) as Array<keyof Features>) out.push(`  ${FEATURE_LABELS[k].padEnd(28)} ${fmtFeature(feats[k])}`);
  out.push('', 'trade-offs:');
  for (const [k, v] of Object.entries(m.tradeoffs)) out.push(`  ${k.padEnd(16)} ${v}`);
  if (warnings.length) {
    out.push('', 'warnings:');
    for (const w of warnings) out.push(`  ${w.field}: ${w.message}\n    hint: ${w.hint}`);
  }
  return out.join('\n');
}

/** The topology's feature row (the catalog's chain query). */
export function combinedFeatures(s: Scenario): Features {
  return chainFeatures(s.hops);
}

function fmtFeature(v: Features[keyof Features]): string {
  return v === false || v === undefined ? 'no' : v === true ? 'yes' : `yes: ${v}`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function wrap(text: string, width: number): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if ((cur + ' ' + w).trim().length > width) {
      lines.push(cur);
      cur = w;
    } else cur = (cur + ' ' + w).trim();
  }
  if (cur) lines.push(cur);
  return lines.join('\n');
}

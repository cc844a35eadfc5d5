// Where each latency figure comes from, as the plan, the catalog command and the reports print it: per
// parameter its basis (a numbered source with its derivation, or "assumption" and what it rests on), and the
// sources listed once. Works on a catalog LatencyModel and on the RecordedLatencyModel of result.json alike.
import type { RecordedLatencyModel, RecordedLatencySource, RecordedParamBasis } from '../result/types.ts';

/** The part of a model the renderers read (a catalog LatencyModel has it, and so does result.json's record). */
export type ProvenancedModel = Pick<RecordedLatencyModel, 'medianMs' | 'p99Ms' | 'newConnection' | 'confidence' | 'origin' | 'measuredWhenReal'> & {
  provenance: RecordedLatencyModel['provenance'];
  use?: RecordedLatencyModel['use'];
};

/** Numbers the sources of several models once, in order of first citation. */
export class SourceList {
  private readonly byUrl = new Map<string, { n: number; s: RecordedLatencySource }>();
  ref(s: RecordedLatencySource): number {
    let e = this.byUrl.get(s.url);
    if (!e) this.byUrl.set(s.url, (e = { n: this.byUrl.size + 1, s }));
    return e.n;
  }
  get entries(): Array<{ n: number; s: RecordedLatencySource }> {
    return [...this.byUrl.values()];
  }
}

export function params(m: ProvenancedModel): Array<[string, RecordedParamBasis]> {
  const p = m.provenance;
  return [
    ['median', p.medianMs],
    ['p99', p.p99Ms],
    ...(p.newConnection ? ([['new-connection median', p.newConnection.medianMs], ['new-connection p99', p.newConnection.p99Ms]] as Array<[string, RecordedParamBasis]>) : []),
  ];
}

/** One parameter's basis in words, its sources as [n] references into `refs`. */
export function basisText(b: RecordedParamBasis, refs: SourceList): string {
  const cite = (xs?: RecordedLatencySource[]) => (xs?.length ? ` [${xs.map((s) => refs.ref(s)).join('][')}]` : '');
  switch (b.basis) {
    case 'source':
      return `source${cite(b.sources)} (${b.confidence}): ${b.derivation ?? ''}`;
    case 'assumption':
      return `assumption (low): ${b.why ?? ''}${b.context?.length ? `; see${cite(b.context)}` : ''}`;
    case 'setting':
      return `scenario setting ${b.setting ?? ''} (a fixed value)`;
    case 'scenario':
      return `overridden in ${b.file ?? 'the scenario file'} (${b.confidence}): ${b.why ?? ''}`;
    case 'calibration':
      return `calibrated from ${b.file ?? 'a calibration overlay'} (${b.confidence}): ${b.fit ?? ''}`;
  }
}

const USE: Record<RecordedLatencyModel['use'], string> = {
  injected: 'injected into real traffic',
  'measured-instead': 'not used: a real component was measured instead',
  'not-injected': 'not injected (overhead run)',
  modeled: 'computed by the model provider',
};

export function useText(use: RecordedLatencyModel['use']): string {
  return USE[use];
}

/** The real component's own measured figures, when the provider attached them. */
function measuredText(m: Pick<RecordedLatencyModel, 'measured'>): string {
  return m.measured ? `: p50 ${m.measured.p50Ms} ms, p99 ${m.measured.p99Ms} ms over ${m.measured.count} requests (measured: ${m.measured.what})` : '';
}

/** Lines for `plan`: the figures, then one line per parameter, then what is measured instead when real. */
export function provenanceLines(m: ProvenancedModel, refs: SourceList, indent = '     '): string[] {
  const out = [
    `${indent}latency (modeled): median ${m.medianMs} ms, p99 ${m.p99Ms} ms, lognormal; confidence ${m.confidence}; from the ${m.origin === 'catalog' ? 'catalog' : m.origin === 'scenario' ? 'scenario file' : 'calibration overlay'}`,
  ];
  if (m.newConnection) out.push(`${indent}new connection: +${m.newConnection.medianMs} ms median, +${m.newConnection.p99Ms} ms p99`);
  for (const [name, b] of params(m)) out.push(`${indent}  ${name}: ${basisText(b, refs)}`);
  if (m.measuredWhenReal) out.push(`${indent}  measured instead where real: ${m.measuredWhenReal}`);
  return out;
}

/** The numbered source list, one per line: [n] title, what was measured, conditions, URL. */
export function sourceLines(refs: SourceList, indent = ''): string[] {
  return refs.entries.map(({ n, s }) => `${indent}[${n}] ${s.title}: ${s.measured}. Conditions: ${s.conditions}. ${s.url}`);
}

/** A compact label for tables: which parameters are sourced. */
export function provenanceLabel(m: ProvenancedModel): string {
  const ps = params(m);
  const kinds = new Set(ps.map(([, b]) => b.basis));
  if (kinds.size === 1) return [...kinds][0];
  return ps.map(([name, b]) => `${name} ${b.basis}`).join(', ');
}

/** The hops of a run that had a latency model worth showing (a zero setting, such as the client's, is not). */
function modelled(hops: Array<{ name: string; component: string; latencyModel?: RecordedLatencyModel }>): Array<{ name: string; component: string; m: RecordedLatencyModel }> {
  return hops.flatMap((h) => (h.latencyModel && (h.latencyModel.medianMs > 0 || h.latencyModel.p99Ms > 0) ? [{ name: h.name, component: h.component, m: h.latencyModel }] : []));
}

/** report.md: a table of the models and what the run did with them, each figure's basis, the sources. */
export function latencyModelsMarkdown(hops: Array<{ name: string; component: string; latencyModel?: RecordedLatencyModel }>, overlay?: unknown): string[] {
  const rows = modelled(hops);
  if (!rows.length) return [];
  const refs = new SourceList();
  const L = ['## Latency models (where each figure comes from)', ''];
  L.push(...overlayLines(overlay), '| hop | median / p99 (ms) | confidence | from | used in this run |', '|---|---|---|---|---|');
  for (const { name, component, m } of rows) L.push(`| ${name} (${component}) | ${m.medianMs} / ${m.p99Ms} | ${m.confidence} | ${m.origin} | ${useText(m.use)}${measuredText(m)} |`);
  L.push('');
  for (const { name, m } of rows) {
    L.push(`- **${name}**: ${params(m).map(([p, b]) => `${p}: ${basisText(b, refs)}`).join('; ')}${m.measuredWhenReal ? `. Where real: ${m.measuredWhenReal}` : ''}`);
  }
  if (refs.entries.length) L.push('', 'Sources:', '', ...sourceLines(refs).map((l) => `- ${l}`));
  L.push('');
  return L;
}

/** report.html: the same, as rows for the shared table() and a list of sources. */
export function latencyModelsRows(hops: Array<{ name: string; component: string; latencyModel?: RecordedLatencyModel }>): { rows: string[][]; sources: string[] } {
  const refs = new SourceList();
  const rows = modelled(hops).map(({ name, component, m }) => [
    `${name} (${component})`,
    `${m.medianMs} / ${m.p99Ms}`,
    m.confidence,
    m.origin,
    useText(m.use) + measuredText(m),
    params(m).map(([p, b]) => `${p}: ${basisText(b, refs)}`).join(' | ') + (m.measuredWhenReal ? ` | where real: ${m.measuredWhenReal}` : ''),
  ]);
  return { rows, sources: sourceLines(refs) };
}

/** What a calibration overlay did in this run (meta.settings.calibrationOverlay), for the report. */
export function overlayLines(overlay: unknown): string[] {
  const o = overlay as { file?: string; name?: string; sha256?: string; applied?: Array<{ hop: string; medianMs: number; p99Ms: number; confidence: string; from: string }>; catalog?: string[]; notSeparated?: string[] } | undefined;
  if (!o?.file) return [];
  const L = [`Calibration overlay \`${o.file}\` (${o.name ?? ''}, sha256 ${(o.sha256 ?? '').slice(0, 12)}): the numbers of ${o.applied?.length ? o.applied.map((a) => `**${a.hop}** (${a.medianMs} / ${a.p99Ms} ms, ${a.confidence}; ${a.from})`).join(', ') : 'no hop'} came from it.`];
  if (o.catalog?.length) L.push(`Catalog models kept for: ${o.catalog.join(', ')}.`);
  if (o.notSeparated?.length) L.push(`Not separated by the runs it was fitted from: ${o.notSeparated.join('; ')}.`);
  L.push('');
  return L;
}

import type { Command } from '../command.ts';
import { CATALOG } from '../../catalog/index.ts';
import { CROSS_AZ_RTT, SAME_AZ_RTT } from '../../catalog/network.ts';
import type { LatencyModel } from '../../catalog/types.ts';
import { provenanceLabel, provenanceLines, SourceList, sourceLines } from '../../report/latency-provenance.ts';

export const catalog: Command = {
  name: 'catalog',
  summary: 'list the component catalog: kinds, layer, default latency model, its confidence and where it comes from',
  help: `Usage: exposure-lab catalog [--sources] [--json]

Every component a scenario hop can name, with its default latency model and where each figure comes from:
"source" (a publication: what it measured, under which conditions, and how the figure follows) or
"assumption" (no published figure; low confidence). Settings change some models (an NLB TLS listener):
\`exposure-lab plan <scenario>\` shows the model each hop of a scenario uses.

  --sources   every figure's basis in words, and the numbered sources with their URLs
  --json      the same as data (latency.provenance per parameter)

Example: exposure-lab catalog --sources`,
  async run(argv) {
    const models: Array<{ kind: string; title: string; layer: string; managed: boolean | null; latency: LatencyModel; summary: string }> = Object.values(CATALOG).map((e) => {
      const defaults = e.settings.parse({});
      return { kind: e.kind, title: e.title, layer: e.layer(defaults), managed: e.managed, latency: e.latency(defaults), summary: e.summary };
    });
    // The network round trips the chain adds between hops are models too.
    models.push(
      { kind: '(cross-AZ RTT)', title: 'round trip between two AZs of a region', layer: 'net', managed: null, latency: CROSS_AZ_RTT, summary: 'added where a hop forwards to a target in another AZ' },
      { kind: '(same-AZ RTT)', title: 'round trip inside one AZ', layer: 'net', managed: null, latency: SAME_AZ_RTT, summary: 'reference (not added by the model)' },
    );
    if (argv.includes('--json')) {
      console.log(JSON.stringify(models.map((m) => ({ ...m, medianMs: m.latency.medianMs, p99Ms: m.latency.p99Ms, confidence: m.latency.confidence, basis: m.latency.basis })), null, 2));
      return 0;
    }
    if (argv.includes('--sources')) {
      const refs = new SourceList();
      for (const m of models) {
        console.log(`${m.kind}: ${m.title}`);
        for (const l of provenanceLines(m.latency, refs, '  ')) console.log(l);
      }
      console.log(['', 'sources:', ...sourceLines(refs, '  ')].join('\n'));
      return 0;
    }
    console.log(`${'kind'.padEnd(16)} ${'layer'.padEnd(6)} ${'median/p99'.padEnd(14)} ${'confidence'.padEnd(11)} ${'figures from'.padEnd(30)} title`);
    for (const m of models) {
      const l = m.latency;
      console.log(`${m.kind.padEnd(16)} ${m.layer.padEnd(6)} ${`${l.medianMs}/${l.p99Ms} ms`.padEnd(14)} ${l.confidence.padEnd(11)} ${provenanceLabel(l).padEnd(30)} ${m.title}`);
    }
    console.log('\n(`exposure-lab catalog --sources` shows what each figure rests on)');
    return 0;
  },
};

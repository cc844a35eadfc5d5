import type { Command } from '../command.ts';
import { CATALOG } from '../../catalog/index.ts';

export const catalog: Command = {
  name: 'catalog',
  summary: 'list the component catalog: kinds, layer, default latency model and its confidence',
  help: `Usage: exposure-lab catalog [--json]

Every component a scenario hop can name, with its default latency model and where it comes from.
Example: exposure-lab catalog`,
  async run(argv) {
    const rows = Object.values(CATALOG).map((e) => {
      const defaults = e.settings.parse({});
      const l = e.latency(defaults);
      return { kind: e.kind, title: e.title, layer: e.layer(defaults), managed: e.managed, medianMs: l.medianMs, p99Ms: l.p99Ms, confidence: l.confidence, basis: l.basis, summary: e.summary };
    });
    if (argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
    else for (const r of rows) console.log(`${r.kind.padEnd(14)} ${r.layer.padEnd(6)} ${`${r.medianMs}/${r.p99Ms} ms`.padEnd(14)} ${r.confidence.padEnd(10)} ${r.title}`);
    return 0;
  },
};

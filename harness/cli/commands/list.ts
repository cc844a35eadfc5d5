import type { Command } from '../command.ts';
import { scenarioNames, scenarioPath } from '../../scenario/resolve.ts';
import { loadScenarioFile } from '../../scenario/load.ts';

export const list: Command = {
  name: 'list',
  summary: 'list the scenarios in scenarios/ with their path of a request',
  help: `Usage: exposure-lab list [--json]

Lists every scenario file in scenarios/ with its title and hop chain.
  --json   machine-readable output (default: a table)

Example: exposure-lab list`,
  async run(argv) {
    const json = argv.includes('--json');
    const rows = scenarioNames().map((name) => {
      const r = loadScenarioFile(scenarioPath(name));
      return {
        name,
        title: r.scenario?.doc.metadata.title ?? '(invalid: run exposure-lab validate)',
        chain: r.scenario ? r.scenario.hops.map((h) => h.component).join(' -> ') : '',
        valid: !!r.scenario,
      };
    });
    if (json) console.log(JSON.stringify(rows, null, 2));
    else {
      const w = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) console.log(`${r.name.padEnd(w)}  ${r.title}\n${' '.repeat(w)}  ${r.chain}`);
    }
    return rows.every((r) => r.valid) ? 0 : 1;
  },
};

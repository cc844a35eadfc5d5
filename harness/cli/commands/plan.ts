import type { Command } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { loadScenarioOrThrow } from '../../scenario/resolve.ts';
import { renderPlan } from '../../report/plan-text.ts';
import type { LocatedDiagnostic } from '../../lib/diagnostics.ts';

export const plan: Command = {
  name: 'plan',
  summary: 'show a scenario hop by hop: behaviour, modeled latency, limits, features, warnings',
  help: `Usage: exposure-lab plan <scenario|file>

Prints what each hop does to a request, its latency model (with source and confidence), its limits,
the client IP the application would see (predicted from the catalog), the feature row and warnings.
Nothing is started.

Example: exposure-lab plan public-nlb`,
  async run(argv) {
    const target = argv.find((a) => !a.startsWith('-'));
    if (!target) throw new UserError('plan: which scenario?', 'exposure-lab plan public-nlb (names: exposure-lab list)');
    const warnings: LocatedDiagnostic[] = [];
    const s = loadScenarioOrThrow(target, (w) => warnings.push(w));
    console.log(renderPlan(s, warnings));
    return 0;
  },
};

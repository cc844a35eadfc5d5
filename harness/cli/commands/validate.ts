import type { Command } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { loadScenarioFile } from '../../scenario/load.ts';
import { countBySeverity, formatDiagnostic } from '../../lib/diagnostics.ts';
import { scenarioNames, scenarioPath } from '../../scenario/resolve.ts';

export const validate: Command = {
  name: 'validate',
  summary: 'check scenario files: schema, then AWS/Kubernetes domain rules (exit 1 on errors)',
  help: `Usage: exposure-lab validate <file|name...> [--all] [--strict]

Reports every problem at once as file:line:column: severity: field: message, with a hint.
Errors are configurations AWS or Kubernetes would refuse; warnings are legal but harmful.
  --all      validate every file in scenarios/ (default when no file is given: none, it is an error)
  --strict   exit 1 on warnings too (default: off)

Example: exposure-lab validate scenarios/public-nlb.yaml`,
  async run(argv) {
    const strict = argv.includes('--strict');
    let files = argv.filter((a) => !a.startsWith('--'));
    if (argv.includes('--all')) files = scenarioNames().map((n) => scenarioPath(n));
    if (!files.length) throw new UserError('validate: no scenario file given', 'exposure-lab validate scenarios/public-nlb.yaml (or --all)');
    let errors = 0;
    let warnings = 0;
    for (const f of files) {
      const { diagnostics } = loadScenarioFile(f.includes('/') || f.endsWith('.yaml') ? f : scenarioPath(f));
      const c = countBySeverity(diagnostics);
      errors += c.errors;
      warnings += c.warnings;
      for (const d of diagnostics) console.log(formatDiagnostic(d));
      if (!diagnostics.length) console.log(`${f}: ok`);
    }
    console.log(`${files.length} file(s): ${errors} error(s), ${warnings} warning(s)`);
    return errors || (strict && warnings) ? 1 : 0;
  },
};

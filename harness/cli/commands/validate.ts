import type { Command } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { loadScenarioFile } from '../../scenario/load.ts';
import { countBySeverity, formatDiagnostic } from '../../lib/diagnostics.ts';
import { scenarioNames, scenarioPath } from '../../scenario/resolve.ts';
import { envoyGatewayVerdict } from '../../dataplanes/egctl.ts';
import { locateTool } from '../../tools/registry.ts';

export const validate: Command = {
  name: 'validate',
  summary: 'check scenario files: schema, then AWS/Kubernetes domain rules (exit 1 on errors)',
  help: `Usage: exposure-lab validate <file|name...> [--all] [--strict]

Reports every problem at once as file:line:column: severity: field: message, with a hint.
Errors are configurations AWS or Kubernetes would refuse; warnings are legal but harmful.
A gateway hop's own files (config.files) are checked too: kinds, the pinned CRDs, the listener the chain
reaches, routes that attach, and Envoy Gateway's own status conditions (egctl x translate, offline).
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
      const { scenario, diagnostics } = loadScenarioFile(f.includes('/') || f.endsWith('.yaml') ? f : scenarioPath(f));
      // A gateway hop with its own Envoy Gateway files: Envoy Gateway's own verdict too (egctl, offline).
      const statusLines: string[] = [];
      for (const h of scenario?.hops ?? []) {
        if (h.userConfig?.product !== 'envoy-gateway') continue;
        if (!locateTool('egctl')) {
          diagnostics.push({ severity: 'warning', code: 'egctl-missing', file: h.userConfig.files[0], line: 1, column: 1, field: '(files)', message: "Envoy Gateway's own verdict was not asked: egctl is not installed", hint: 'make setup installs egctl v1.9.1' });
          continue;
        }
        const v = await envoyGatewayVerdict(h.userConfig);
        diagnostics.push(...v.diagnostics);
        for (const st of v.statuses) statusLines.push(`  ${st.file}:${st.line}: ${st.field}: ${st.condition.type}=${st.condition.status}${st.condition.reason ? ` (${st.condition.reason})` : ''}: ${st.condition.message}`);
      }
      const c = countBySeverity(diagnostics);
      errors += c.errors;
      warnings += c.warnings;
      for (const d of diagnostics) console.log(formatDiagnostic(d));
      if (statusLines.length) console.log(`${f}: Envoy Gateway's status for your files (egctl x translate, offline):\n${statusLines.join('\n')}`);
      if (!diagnostics.length) console.log(`${f}: ok`);
    }
    console.log(`${files.length} file(s): ${errors} error(s), ${warnings} warning(s)`);
    return errors || (strict && warnings) ? 1 : 0;
  },
};

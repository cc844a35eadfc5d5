// exposure-lab doctor: which external tools are here, at which version, from where, what needs them, and
// the command that installs each. Exit 1 when something the chosen scope needs is missing or wrong.
import type { Command } from '../command.ts';
import { parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { PROVIDERS } from '../../tools/manifest.ts';
import { formatDoctor, runDoctor, type DoctorScope } from '../../tools/doctor.ts';

export const doctor: Command = {
  name: 'doctor',
  summary: 'check the external tools (Envoy, Envoy Gateway, k6, Kubernetes control plane, AWS emulator, ...) and Docker/kind/kubectl/AWS credentials',
  help: `Usage: exposure-lab doctor [--provider local|kind|cluster|eks|model] [--json]

One line per tool of infra/tools/tools.yaml: found or missing, version found vs needed, path, where it came
from (cache, PATH, Debian), what needs it, and the exact command that installs it; then Go, Python, Docker
(client, and whether an engine answers) and AWS credentials (presence only: doctor never calls AWS).
  --provider <name>  check what that provider needs (default: none, i.e. what \`make test\` needs: every
                     tool \`make setup\` installs)
  --json             machine-readable output
Exit 0 when everything the scope needs is there, 1 when something is missing or at the wrong version.

Examples: exposure-lab doctor
          exposure-lab doctor --provider kind`,
  async run(argv) {
    const { values } = parseOptions('doctor', argv, { provider: { type: 'string' }, json: { type: 'boolean' } }, false);
    const p = values.provider;
    if (p !== undefined && !(PROVIDERS as readonly string[]).includes(p)) {
      throw new UserError(`doctor: unknown provider "${p}"`, `providers: ${PROVIDERS.join(', ')} (or no --provider: what make test needs)`);
    }
    const report = await runDoctor((p ?? 'test') as DoctorScope);
    console.log(values.json ? JSON.stringify(report, null, 2) : formatDoctor(report));
    return report.ok ? 0 : 1;
  },
};

import type { Command } from '../command.ts';
import { parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { loadScenarioOrThrow } from '../../scenario/resolve.ts';
import { renderScenario } from '../../k8s/render.ts';
import { manifestYaml } from '../../k8s/yaml.ts';
import { validateManifest } from '../../k8s/validate.ts';

export const manifests: Command = {
  name: 'manifests',
  summary: 'print the Kubernetes objects that realize a scenario on kind, an existing cluster or EKS (validated, nothing applied)',
  help: `Usage: exposure-lab manifests <scenario|file> [--target kind|cluster|eks] [--run-id id] [--echo-image image]

Renders the objects the kind / cluster / eks providers apply (app Deployments and Services, the gateway's
Gateway API / Envoy Gateway / ingress-nginx objects, Service annotations for the AWS Load Balancer
Controller or the in-tree provider, Lattice routes), validates them against their schemas, and prints
them as YAML. Hops the target cannot realize are listed as comments with what would realize them.

Options (defaults in brackets):
  --target <kind|cluster|eks>  where the objects would be applied [kind] (cluster: NodePorts left to the API server)
  --run-id <id>           run id used in names and the exposure-lab.dev/run-id label [preview]
  --echo-image <image>    image of the lab's echo application [exposure-lab/lab:0.1.0]

Example: exposure-lab manifests public-nlb --target eks > public-nlb.yaml`,
  async run(argv) {
    const { values, positionals } = parseOptions('manifests', argv, {
      target: { type: 'string' },
      'run-id': { type: 'string' },
      'echo-image': { type: 'string' },
    });
    if (!positionals[0]) throw new UserError('manifests: which scenario?', 'exposure-lab manifests public-nlb');
    const target = values.target ?? 'kind';
    if (target !== 'kind' && target !== 'cluster' && target !== 'eks') throw new UserError(`manifests: unknown target "${target}"`, 'use --target kind, cluster or eks');
    const scenario = loadScenarioOrThrow(positionals[0]);
    const m = renderScenario(scenario, { runId: values['run-id'] ?? 'preview', target, echoImage: values['echo-image'] ?? 'exposure-lab/lab:0.1.0' });
    const problems = validateManifest(m);
    if (problems.length) throw new UserError(`generated manifests for ${scenario.name} do not validate:\n  ${problems.join('\n  ')}`, 'this is a bug in exposure-lab; please report it with the scenario file', 70);
    for (const u of m.unrealized) console.log(`# not realizable on ${target}: ${u.hop} (${u.component}): ${u.reason}; ${u.hint}`);
    console.log(manifestYaml(m));
    return m.unrealized.length ? 1 : 0;
  },
};

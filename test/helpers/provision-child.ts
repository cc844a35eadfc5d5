// A lab run in its own process, for the "killed run" test: provisions a scenario with the cluster provider
// against the kubeconfig given, prints one READY line with the processes it started, then waits to be killed.
import { kubeConfigFrom } from '../../harness/cluster/kube.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { provisionCluster } from '../../harness/providers/cluster/index.ts';

const [scenario, runId, kubeconfig] = process.argv.slice(2);
const kc = await kubeConfigFrom({ file: kubeconfig });
const r = await provisionCluster(loadScenarioOrThrow(scenario), { runId, injectLatency: true, seed: 1, log: () => {} }, { kc });
process.stdout.write(`READY ${JSON.stringify({ processes: r.processes, entry: r.entry })}\n`);
setInterval(() => {}, 1 << 30);

// The provisioning steps every cluster provider runs the same way (kind, a cluster from a kubeconfig, EKS):
// apply the rendered manifests (undo: delete what the run owns), and wait for the run's pods.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Manifest } from '../k8s/types.ts';
import type { Scenario } from '../scenario/model.ts';
import { LABELS, runLabel } from '../k8s/names.ts';
import { GATEWAY_REALIZERS } from '../k8s/realizers.ts';
import { applyObjects, deleteObjects, deploymentsPending, waitUntil } from './kube.ts';
import { gatewayProducts } from './versions.ts';
import type { Step } from './steps.ts';

/** What the common steps read from a provider's context. */
export interface ClusterContext {
  kc?: KubeConfig;
  scenario: Scenario;
  manifest: Manifest;
  opts: { runId: string; log: (line: string) => void };
}

export function applyManifestStep<C extends ClusterContext>(): Step<C> {
  return {
    name: 'apply the scenario manifests',
    timeoutMs: 120_000,
    run: async (c) => applyObjects(c.kc!, c.manifest.entries.map((e) => e.object), c.opts.log),
    undo: async (c) => {
      // Deleting what the run owns also makes the controllers delete any AWS load balancer they created; a
      // cluster that goes next is then left clean too.
      if (!c.kc) return;
      const errs = await deleteObjects(c.kc, c.manifest.entries.filter((e) => e.ownership === 'run').map((e) => e.object), c.opts.log);
      if (errs.length) throw new Error(errs.join('; '));
    },
  };
}

/** The echo Deployments, and gateway pods created for the run (Envoy Gateway's Envoy), all available. */
export function waitForRunPodsStep<C extends ClusterContext>(timeoutMs: number): Step<C> {
  return {
    name: 'wait for the application and gateway pods',
    timeoutMs,
    run: async (c, signal) => {
      const sel = `${LABELS.runId}=${runLabel(c.opts.runId)}`;
      const each = timeoutMs - 20_000;
      await waitUntil(() => deploymentsPending(c.kc!, c.manifest.namespace, sel), { timeoutMs: each, signal, what: 'echo Deployments' });
      for (const p of gatewayProducts(c.scenario).filter((p) => GATEWAY_REALIZERS[p].runPods))
        await waitUntil(() => deploymentsPending(c.kc!, GATEWAY_REALIZERS[p].namespace, sel), { timeoutMs: each, signal, what: `${GATEWAY_REALIZERS[p].title} gateway pods` });
    },
  };
}

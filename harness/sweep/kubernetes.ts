// ADAPTER: the Kubernetes half of `exposure-lab sweep`. The interface below is what the sweep calls; the
// cluster-path work (issue 15, harness/cluster/sweep.ts: sweepKubernetes({ runId?, all, dryRun })) provides
// the real one. Until that lands, this adapter implements it with the eks provider's label sweep
// (providers/eks sweepLeaks), which lists and deletes every object labelled with the run id.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runLabel } from '../k8s/names.ts';

export interface KubernetesSweepOptions {
  /** One run (its id or label), or every run when `all`. */
  runId?: string;
  all: boolean;
  /** List only (the default of the sweep command). */
  dryRun: boolean;
  log: (line: string) => void;
}

export interface KubernetesSweepResult {
  /** false when no cluster was reachable (no kubeconfig, or not allowed): `reason` says why. */
  checked: boolean;
  reason?: string;
  /** The lab-labelled objects found (kind namespace/name, run id). */
  found: Array<{ kind: string; namespace?: string; name: string; runId: string }>;
  /** Deleted ones (empty on a dry run). */
  deleted: number;
  errors: string[];
}

export type SweepKubernetes = (o: KubernetesSweepOptions) => Promise<KubernetesSweepResult>;

function kubeconfigPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.KUBERNETES_SERVICE_HOST) return true;
  const kc = env.KUBECONFIG ?? join(homedir(), '.kube', 'config');
  return kc.split(':').some((f) => f && existsSync(f));
}

/** Today's implementation (see the header): the eks provider's label sweep. */
export const sweepKubernetes: SweepKubernetes = async (o) => {
  if (!kubeconfigPresent()) return { checked: false, reason: 'no kubeconfig (KUBECONFIG or ~/.kube/config): Kubernetes objects not checked', found: [], deleted: 0, errors: [] };
  const { sweepLeaks } = await import('../providers/eks/index.ts');
  const prefix = o.all ? '' : runLabel(o.runId ?? '');
  try {
    const objs = await sweepLeaks(prefix, { delete: !o.dryRun, log: o.log });
    return {
      checked: true,
      found: objs.map((x) => ({ kind: x.kind, namespace: x.metadata.namespace, name: x.metadata.name, runId: x.metadata.labels?.['exposure-lab.dev/run-id'] ?? '' })),
      deleted: o.dryRun ? 0 : objs.length,
      errors: [],
    };
  } catch (e) {
    return { checked: false, reason: `Kubernetes objects not checked: ${(e as Error).message.split('\n')[0]}`, found: [], deleted: 0, errors: [] };
  }
};

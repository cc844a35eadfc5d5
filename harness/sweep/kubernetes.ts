// The Kubernetes half of `exposure-lab sweep`: harness/cluster/sweep.ts finds every object a run of the lab
// labelled (namespaces named after runs, cluster-scoped objects, what Envoy Gateway made for a run's Gateway)
// and deletes them in order. This module only names the shape the leak sweep calls, so tests can pass another.
import { sweepKubernetesObjects, type KubernetesSweepOptions, type KubernetesSweepResult } from '../cluster/sweep.ts';

export type { KubernetesSweepOptions, KubernetesSweepResult };
export type SweepKubernetes = (o: KubernetesSweepOptions) => Promise<KubernetesSweepResult>;

export const sweepKubernetes: SweepKubernetes = sweepKubernetesObjects;

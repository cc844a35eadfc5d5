// The Kubernetes half of the leak sweep: every object an exposure-lab run created, found by the run-id label
// the lab puts on everything it applies, plus what Envoy Gateway created for a run's Gateway (found by the
// owning-gateway labels it puts on that infrastructure; the run is the Gateway's namespace). A killed run's
// leftovers are listed; delete() removes them fronts first (so the controllers release AWS load balancers
// while their objects still exist), then routes, gateways, workloads, namespaces, and waits until they are
// gone. `exposure-lab sweep` (with the AWS half) calls this; dry run is simply not calling delete().
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { LABELS, runLabel, runOfNamespace, RUN_NAMESPACE_PREFIX } from '../k8s/names.ts';
import { ENVOY_GATEWAY_NAMESPACE, OWNING_GATEWAY_NAME, OWNING_GATEWAY_NAMESPACE } from '../k8s/envoy-gateway-cluster.ts';
import { UserError } from '../lib/errors.ts';
import { apiMessage, kubeConfigFrom, listObjects, loadK8s, status, waitGone } from './kube.ts';
import { assertApiServerAllowed } from './guard.ts';

export interface SweptObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The run label it belongs to (exposure-lab.dev/run-id, or the run of its owning Gateway's namespace). */
  runId: string;
  /** How it was found. */
  foundBy: 'run label' | 'owning gateway';
}

export interface SweepDeletion {
  deleted: SweptObject[];
  failed: Array<{ object: SweptObject; error: string }>;
}

export interface KubernetesSweep {
  /** Context and API server swept. */
  cluster: string;
  /** What the sweep found, in the order delete() removes it. */
  objects: SweptObject[];
  /** Kinds this cluster does not serve (CRD not installed), skipped. */
  notServed: string[];
  /** Deletes every object found, then waits until each is gone. Idempotent (gone already counts as deleted). */
  delete(o?: { log?: (line: string) => void; timeoutMs?: number }): Promise<SweepDeletion>;
}

/**
 * Every kind the lab creates, in delete order. A unit test renders every scenario for every target and fails
 * when a rendered kind is missing here, so a new object kind cannot escape the sweep.
 */
export const SWEPT_KINDS: Array<{ apiVersion: string; kind: string; namespaced: boolean }> = [
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', namespaced: true },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', namespaced: true },
  { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'ClientTrafficPolicy', namespaced: true },
  { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'BackendTrafficPolicy', namespaced: true },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespaced: true },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', namespaced: false },
  { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyProxy', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
];

/** What Envoy Gateway creates in its namespace for a Gateway (it deletes them itself when the Gateway goes). */
const ENVOY_GATEWAY_INFRA: Array<{ apiVersion: string; kind: string }> = [
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
];

export type SweepScope = { runId: string; all?: never } | { all: true; runId?: never };

export async function sweepKubernetes(
  scope: SweepScope,
  o: { kc?: KubeConfig; kubeconfig?: string; context?: string; log?: (line: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<KubernetesSweep> {
  if (!!scope.runId === !!scope.all) throw new UserError('sweep: give a run id or "all", not both and not neither', 'exposure-lab sweep --run <id> | --all');
  const kc = o.kc ?? (await kubeConfigFrom({ file: o.kubeconfig, context: o.context }));
  const server = kc.getCurrentCluster()?.server ?? '';
  assertApiServerAllowed(server, kc.getCurrentContext(), o.env);
  const want = scope.runId ? runLabel(scope.runId) : null;
  const selector = want ? `${LABELS.runId}=${want}` : LABELS.runId;
  const objects: SweptObject[] = [];
  const notServed: string[] = [];
  for (const t of SWEPT_KINDS) {
    const items = await listObjects<any>(kc, t.apiVersion, t.kind, { labelSelector: selector });
    if (items === null) {
      notServed.push(`${t.kind} (${t.apiVersion})`);
      continue;
    }
    for (const x of items) objects.push({ apiVersion: t.apiVersion, kind: t.kind, namespace: x.metadata.namespace, name: x.metadata.name, runId: x.metadata.labels[LABELS.runId], foundBy: 'run label' });
  }
  // Envoy Gateway's infrastructure for the runs' Gateways: its labels name the Gateway's namespace, the run's.
  const infraSelector = `${OWNING_GATEWAY_NAMESPACE}${want ? `=${RUN_NAMESPACE_PREFIX}${want}` : ''},${OWNING_GATEWAY_NAME}`;
  for (const t of ENVOY_GATEWAY_INFRA) {
    const items = await listObjects<any>(kc, t.apiVersion, t.kind, { namespace: ENVOY_GATEWAY_NAMESPACE, labelSelector: infraSelector });
    for (const x of items ?? []) {
      const run = runOfNamespace(x.metadata.labels[OWNING_GATEWAY_NAMESPACE]);
      if (!run || objects.some((y) => y.kind === t.kind && y.namespace === x.metadata.namespace && y.name === x.metadata.name)) continue;
      objects.push({ apiVersion: t.apiVersion, kind: t.kind, namespace: x.metadata.namespace, name: x.metadata.name, runId: run, foundBy: 'owning gateway' });
    }
  }
  // Delete order: the kinds above, Envoy Gateway's infrastructure after the Gateways that own it.
  const order = (x: SweptObject) => {
    const i = SWEPT_KINDS.findIndex((t) => t.kind === x.kind);
    return x.foundBy === 'owning gateway' ? SWEPT_KINDS.length + ENVOY_GATEWAY_INFRA.findIndex((t) => t.kind === x.kind) : i;
  };
  objects.sort((a, b) => order(a) - order(b));
  let deleting: Promise<SweepDeletion> | null = null;
  return {
    cluster: `${kc.getCurrentContext()} (${server})`,
    objects,
    notServed,
    delete: (d = {}) => (deleting ??= deleteAll(kc, objects, d)),
  };
}

async function deleteAll(kc: KubeConfig, objects: SweptObject[], o: { log?: (line: string) => void; timeoutMs?: number }): Promise<SweepDeletion> {
  const k8s = await loadK8s();
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  const failed: SweepDeletion['failed'] = [];
  for (const x of objects) {
    try {
      await api.delete({ apiVersion: x.apiVersion, kind: x.kind, metadata: { name: x.name, namespace: x.namespace } }, undefined, undefined, undefined, undefined, 'Background');
      o.log?.(`deleted ${x.kind} ${x.namespace ? x.namespace + '/' : ''}${x.name} (run ${x.runId})`);
    } catch (e) {
      if (status(e) !== 404) failed.push({ object: x, error: apiMessage(e) });
    }
  }
  const left = await waitGone(
    kc,
    objects.filter((x) => !failed.some((f) => f.object === x)),
    { timeoutMs: o.timeoutMs ?? 180_000 },
  );
  for (const r of left) failed.push({ object: r as SweptObject, error: 'still present (terminating) when the sweep stopped waiting' });
  return { deleted: objects.filter((x) => !failed.some((f) => f.object === x)), failed };
}

/** What `exposure-lab sweep` (the AWS side's command, harness/sweep/) passes for the Kubernetes half. */
export interface KubernetesSweepOptions {
  /** One run (its id or label), or every run when `all`. */
  runId?: string;
  all: boolean;
  /** List only (the sweep command's default). */
  dryRun: boolean;
  log: (line: string) => void;
  kubeconfig?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
}

/** What it gets back: whether a cluster was checked (and why not), what was found, what was deleted. */
export interface KubernetesSweepResult {
  checked: boolean;
  reason?: string;
  found: Array<{ kind: string; namespace?: string; name: string; runId: string }>;
  deleted: number;
  errors: string[];
}

/**
 * The sweep command's Kubernetes half: sweepKubernetes, listing (dry run) or deleting. No kubeconfig, or an API
 * server this machine may not use, is "not checked" with the reason, never an error: the AWS half still runs.
 */
export async function sweepKubernetesObjects(o: KubernetesSweepOptions): Promise<KubernetesSweepResult> {
  const env = o.env ?? process.env;
  const files = (o.kubeconfig ?? env.KUBECONFIG ?? join(homedir(), '.kube', 'config')).split(':').filter(Boolean);
  if (!env.KUBERNETES_SERVICE_HOST && !files.some((f) => existsSync(f)))
    return { checked: false, reason: `no kubeconfig (${files.join(':')}): Kubernetes objects not checked`, found: [], deleted: 0, errors: [] };
  let sweep: KubernetesSweep;
  try {
    sweep = await sweepKubernetes(o.all ? { all: true } : { runId: o.runId ?? '' }, { kubeconfig: o.kubeconfig, context: o.context, log: o.log, env });
  } catch (e) {
    return { checked: false, reason: `Kubernetes objects not checked: ${(e as Error).message.split('\n')[0]}`, found: [], deleted: 0, errors: [] };
  }
  const found = sweep.objects.map((x) => ({ kind: x.kind, namespace: x.namespace, name: x.name, runId: x.runId }));
  o.log(`kubernetes: ${sweep.cluster}: ${found.length} object(s) of exposure-lab runs`);
  if (o.dryRun || !found.length) return { checked: true, found, deleted: 0, errors: [] };
  const d = await sweep.delete({ log: o.log });
  return { checked: true, found, deleted: d.deleted.length, errors: d.failed.map((f) => `${f.object.kind} ${f.object.namespace ? f.object.namespace + '/' : ''}${f.object.name}: ${f.error}`) };
}

// The Kubernetes API calls every cluster provider makes (kind, a cluster from a kubeconfig, EKS): server-side apply, delete, bounded waits.
import type * as K8s from '@kubernetes/client-node';

// Loaded on first use: importing @kubernetes/client-node takes about 2 s, and every bench imports the providers.
let mod: Promise<typeof K8s> | null = null;
export function loadK8s(): Promise<typeof K8s> {
  mod ??= import('@kubernetes/client-node');
  return mod;
}
import type { K8sObject } from '../k8s/types.ts';
import { FIELD_MANAGER } from '../k8s/names.ts';

export async function kubeConfigFrom(o: { yaml?: string; context?: string }): Promise<K8s.KubeConfig> {
  const k8s = await loadK8s();
  const kc = new k8s.KubeConfig();
  if (o.yaml) kc.loadFromString(o.yaml);
  else kc.loadFromDefault();
  if (o.context) kc.setCurrentContext(o.context);
  return kc;
}

function status(e: unknown): number | undefined {
  return (e as { code?: number }).code ?? (e as { statusCode?: number }).statusCode;
}

/** Server-side apply, in order (namespaces and classes first, as rendered). force: the lab owns these fields. */
export async function applyObjects(kc: K8s.KubeConfig, objects: K8sObject[], log: (l: string) => void): Promise<void> {
  const k8s = await loadK8s();
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  for (const o of objects) {
    await api.patch(o as K8s.KubernetesObject, undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
    log(`applied ${o.kind} ${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}`);
  }
}

/** Deletes in reverse order; objects already gone are fine (teardown is idempotent). */
export async function deleteObjects(kc: K8s.KubeConfig, objects: K8sObject[], log: (l: string) => void): Promise<string[]> {
  const k8s = await loadK8s();
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  const errors: string[] = [];
  for (const o of [...objects].reverse()) {
    try {
      await api.delete(o as K8s.KubernetesObject, undefined, undefined, undefined, undefined, 'Foreground');
      log(`deleted ${o.kind} ${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}`);
    } catch (e) {
      if (status(e) !== 404) errors.push(`${o.kind} ${o.metadata.name}: ${(e as Error).message}`);
    }
  }
  return errors;
}

/** Polls `pending` until it returns null (done) or the time runs out; the last reason goes in the error. */
export async function waitUntil(pending: () => Promise<string | null>, o: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal; what: string }): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let last = 'not checked yet';
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    if (o.signal?.aborted) throw new Error(`${o.what}: interrupted (${last})`);
    try {
      const r = await pending();
      if (r === null) return;
      last = r;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 2000));
  }
  throw new Error(`${o.what}: not ready after ${Math.round(o.timeoutMs / 1000)} s (${last})`);
}

/** null when every matching Deployment has all replicas available, else what is still missing. */
export async function deploymentsPending(kc: K8s.KubeConfig, namespace: string, labelSelector?: string): Promise<string | null> {
  const k8s = await loadK8s();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const list = await apps.listNamespacedDeployment({ namespace, labelSelector });
  if (!list.items.length) return `no Deployment in ${namespace}${labelSelector ? ` matching ${labelSelector}` : ''} yet`;
  const waiting = list.items.filter((d) => (d.status?.availableReplicas ?? 0) < (d.spec?.replicas ?? 1));
  return waiting.length ? waiting.map((d) => `${d.metadata?.name} ${d.status?.availableReplicas ?? 0}/${d.spec?.replicas ?? 1}`).join(', ') : null;
}

/** Node names hosting a Ready pod matching the selector (ETP=Local: only those pass the LB health check). */
export async function nodesWithReadyPods(kc: K8s.KubeConfig, namespace: string, labelSelector: string): Promise<string[]> {
  const k8s = await loadK8s();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace, labelSelector });
  const ready = pods.items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  return [...new Set(ready.map((p) => p.spec?.nodeName).filter((n): n is string => !!n))];
}

/** Node name -> value of a node label. */
export async function nodeLabel(kc: K8s.KubeConfig, label: string): Promise<Map<string, string>> {
  const k8s = await loadK8s();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const nodes = await core.listNode({});
  const m = new Map<string, string>();
  for (const n of nodes.items) {
    const v = n.metadata?.labels?.[label];
    if (v !== undefined && n.metadata?.name) m.set(n.metadata.name, v);
  }
  return m;
}
